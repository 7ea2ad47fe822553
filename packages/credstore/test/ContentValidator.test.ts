import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { ContentValidator, CredStoreError } from "../src/index.ts"
import { bytes, concat, derToPem, pemToDer } from "./helpers/der.ts"

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")
const caPem = fixture("ca.pem")
const clientPem = fixture("client.pem")
const keyPem = fixture("client-key.pem")

/** A PEM block of another kind, relabelled CERTIFICATE. */
const relabelled = (pem: string) => pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "-----$1 CERTIFICATE-----")

const reasonOf = (validator: ContentValidator.ContentValidator, input: ContentValidator.Input) =>
  Effect.match(validator(input), { onFailure: (error) => error.reason, onSuccess: () => undefined })

describe("ContentValidator", () => {
  it("checkPemCertificate accepts certificates, chains, CRLF and text around the blocks", () => {
    assert.isUndefined(ContentValidator.checkPemCertificate(caPem))
    assert.isUndefined(ContentValidator.checkPemCertificate(clientPem + caPem))
    assert.isUndefined(ContentValidator.checkPemCertificate(caPem.replaceAll("\n", "\r\n")))
    assert.isUndefined(ContentValidator.checkPemCertificate(`subject=CN = atmodem test CA\n${caPem}\n`))
  })

  it("checkPemCertificate accepts the openssl fixtures: v1 and v3, EC P-256 and RSA, both time forms, a bundle", () => {
    // ca.pem: EC P-256 v3 CA, notAfter in 2126 (GeneralizedTime); client.pem: v1; rsa.pem: RSA v3 with SAN, key
    // usage and extended key usage, UTCTime; empty-subject.pem: v3 leaf with an empty subject, notAfter in 2054;
    // bundle.pem: two certificates with comment lines around them.
    for (const name of ["ca.pem", "client.pem", "rsa.pem", "empty-subject.pem", "bundle.pem"]) {
      assert.isUndefined(ContentValidator.checkPemCertificate(fixture(name)), name)
    }
  })

  it("checkPemCertificate parses the X.509 structure, not just the outer DER SEQUENCE", () => {
    const [ca] = pemToDer(caPem)
    const cases: Array<[string, string]> = [
      [
        "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n",
        "the PEM block is not an X.509 certificate: tbsCertificate is missing"
      ],
      [relabelled(keyPem), "the PEM block is not an X.509 certificate: tbsCertificate is not a SEQUENCE"],
      [
        relabelled(fixture("csr.pem")),
        "the PEM block is not an X.509 certificate: signature algorithm is not an OBJECT IDENTIFIER"
      ],
      // One base64 character changed: the tbsCertificate length goes from 0x0131 to 0x0531.
      [
        caPem.replace("MIIBjDCCATGg", "MIIBjDCCBTGg"),
        "the PEM block is not an X.509 certificate: tbsCertificate is truncated"
      ],
      [
        derToPem(ca!.subarray(0, ca!.length - 3)),
        "the PEM block is not an X.509 certificate: Certificate is truncated"
      ],
      [
        derToPem(concat(ca!, bytes(0, 0))),
        "the PEM block is not an X.509 certificate: Certificate is followed by extra bytes"
      ],
      [
        `${caPem}# next\n${relabelled(keyPem)}`,
        "PEM block 2 is not an X.509 certificate: tbsCertificate is not a SEQUENCE"
      ]
    ]
    for (const [content, reason] of cases) assert.strictEqual(ContentValidator.checkPemCertificate(content), reason)
  })

  it("checkPemCertificate accepts what openssl makes (RSA and EC)", () => {
    const dir = mkdtempSync(join(tmpdir(), "credstore-openssl-"))
    const certs = ["rsa:2048", "ec -pkeyopt ec_paramgen_curve:P-384"].map((alg, i) => {
      const out = join(dir, `cert${i}.pem`)
      execFileSync(
        "openssl",
        ["req", "-x509", "-newkey", ...alg.split(" "), "-nodes", "-keyout", join(dir, `key${i}.pem`)].concat([
          "-subj",
          "/CN=credstore",
          "-days",
          "2",
          "-out",
          out
        ]),
        { stdio: "ignore" }
      )
      return readFileSync(out, "utf8")
    })
    rmSync(dir, { recursive: true, force: true })
    for (const cert of certs) assert.isUndefined(ContentValidator.checkPemCertificate(cert))
  })

  it("checkPemCertificate says what is wrong", () => {
    const body = caPem.split("\n").slice(1, -2).join("\n")
    const cases: Array<[string, string]> = [
      ["", "no PEM CERTIFICATE block"],
      ["hello", "no PEM CERTIFICATE block"],
      [keyPem, "the PEM block is not a CERTIFICATE"],
      [caPem.replace("-----END CERTIFICATE-----", ""), "the PEM block has no END line"],
      [caPem.replace("-----END CERTIFICATE-----", "-----END PRIVATE KEY-----"), "the PEM block is not a CERTIFICATE"],
      [caPem.replace(body, `${body}!`), "the PEM block body is not valid base64"],
      [
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        "the PEM block is not an X.509 certificate: Certificate is not a SEQUENCE"
      ],
      // A valid SEQUENCE followed by extra bytes is not one DER value.
      [
        "-----BEGIN CERTIFICATE-----\nMAAA\n-----END CERTIFICATE-----\n",
        "the PEM block is not an X.509 certificate: Certificate is followed by extra bytes"
      ],
      [caPem + keyPem, "PEM block 2 is not a CERTIFICATE"]
    ]
    for (const [content, reason] of cases) assert.strictEqual(ContentValidator.checkPemCertificate(content), reason)
  })

  it("checkHexText accepts an even number of hex digits only", () => {
    assert.isUndefined(ContentValidator.checkHexText("00aaBBff"))
    assert.strictEqual(ContentValidator.checkHexText("abc"), "a PSK must have an even number of hex digits")
    assert.strictEqual(ContentValidator.checkHexText("zz"), "a PSK must be hexadecimal text")
    assert.strictEqual(ContentValidator.checkHexText("aa bb"), "a PSK must be hexadecimal text")
  })

  it.effect("combine applies the standard checks per type and the ones given", () =>
    Effect.gen(function* () {
      let keyChecks = 0
      const keyValidator: ContentValidator.ContentValidator = (input) => {
        keyChecks++
        return input.content.includes("PRIVATE KEY")
          ? Effect.void
          : Effect.fail(new CredStoreError.InvalidContent({ type: input.type, reason: "not a P-256 key" }))
      }
      const validator = ContentValidator.combine({ 2: keyValidator })
      assert.isUndefined(yield* reasonOf(validator, { type: 0, content: caPem }))
      assert.isUndefined(yield* reasonOf(validator, { type: 1, content: clientPem }))
      assert.strictEqual(
        yield* reasonOf(validator, { type: 1, content: keyPem }),
        "invalid certificate: the PEM block is not a CERTIFICATE"
      )
      assert.isUndefined(yield* reasonOf(validator, { type: 2, content: keyPem }))
      assert.strictEqual(yield* reasonOf(validator, { type: 2, content: caPem }), "not a P-256 key")
      assert.strictEqual(keyChecks, 2)
      assert.strictEqual(
        yield* reasonOf(validator, { type: 3, content: "xyz" }),
        "invalid PSK: a PSK must be hexadecimal text"
      )
      // Types without a check accept anything.
      assert.isUndefined(yield* reasonOf(validator, { type: 4, content: "anything" }))
      assert.isUndefined(yield* reasonOf(validator, { type: 5, content: "anything" }))
    })
  )

  it.effect("byType checks only the types given; acceptAll accepts everything", () =>
    Effect.gen(function* () {
      const onlyPsk = ContentValidator.byType({ 3: ContentValidator.hexText })
      assert.isUndefined(yield* reasonOf(onlyPsk, { type: 0, content: "not a certificate" }))
      assert.isDefined(yield* reasonOf(onlyPsk, { type: 3, content: "not hex" }))
      assert.isUndefined(yield* reasonOf(ContentValidator.acceptAll, { type: 3, content: "not hex" }))
    })
  )

  it.effect("failures carry the type and the sec_tag when given, never the content", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(ContentValidator.pemCertificate({ secTag: 7, type: 1, content: keyPem }))
      assert.strictEqual(error._tag, "InvalidContent")
      assert.strictEqual(error.secTag, 7)
      assert.strictEqual(error.type, 1)
      assert.notInclude(error.message, "MII")
    })
  )
})
