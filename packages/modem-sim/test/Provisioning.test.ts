/**
 * The provisioning flow a host tool runs, end to end through a session, checked by independent oracles:
 * openssl for the CSR and certificates, jose for the tokens, cbor-x (not the encoder we use) for the COSE, and
 * node:crypto for SHA-256 and the COSE signature.
 */
import { execFileSync } from "node:child_process"
import { createHash, createPublicKey, verify as cryptoVerify } from "node:crypto"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Key } from "@atmodem/jwt-core"
import { assert, describe, it } from "@effect/vitest"
import { decode as cborDecode, Encoder, type Tag } from "cbor-x"
import { Effect } from "effect"
import * as jose from "jose"
import * as Modem from "../src/Modem.ts"
import { quoted, send, testModem } from "./support.ts"

const openssl = (args: ReadonlyArray<string>, input?: string | Uint8Array): string => {
  try {
    return execFileSync("openssl", args, { encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"] })
  } catch (error) {
    const e = error as { code?: string; stderr?: string }
    if (e.code === "ENOENT") throw new Error("openssl is not installed: this test needs it (apt-get install openssl)")
    throw new Error(`openssl ${args.join(" ")} failed: ${e.stderr}`)
  }
}

const fromBase64url = (text: string) => Buffer.from(text, "base64url")
const sha256Upper = (text: string) => createHash("sha256").update(text, "utf8").digest("hex").toUpperCase()
const crlf = (pem: string) => pem.replace(/\r?\n/g, "\r\n")
const pem = (label: string, der: Uint8Array) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der)
    .toString("base64")
    .match(/.{1,64}/g)!
    .join("\n")}\n-----END ${label}-----\n`

const TAG = 16842753

describe("provisioning flow", () => {
  it.effect("KEYGEN, certificates with CRLF, SHA check, client-key JWT — all verified independently", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "atmodem-provision-"))
      try {
        const modem = yield* Modem.ModemService
        assert.strictEqual(yield* send("AT+CFUN=4"), "OK\r\n")
        assert.strictEqual(yield* send("AT+CMEE=1"), "OK\r\n")

        // %KEYGEN: a CSR that openssl accepts, with the device UUID as CN
        const keygen = yield* send(`AT%KEYGEN=${TAG},2,0`)
        assert.match(keygen, /^%KEYGEN: "[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"\r\nOK\r\n$/)
        const [csrPart, cosePart] = quoted(keygen, "%KEYGEN: ").split(".") as [string, string]
        const csrDer = fromBase64url(csrPart)
        const csrPem = pem("CERTIFICATE REQUEST", csrDer)
        writeFileSync(join(dir, "csr.pem"), csrPem)
        const verified = openssl(["req", "-in", join(dir, "csr.pem"), "-verify", "-noout", "-subject"])
        assert.include(verified, `CN=${modem.identity.deviceUuid}`.replace("CN=", "CN = "))
        const csrPublicKey = openssl(["req", "-in", join(dir, "csr.pem"), "-pubkey", "-noout"])

        // the COSE_Sign1, decoded by an independent CBOR decoder, carries the fields of spec section 5
        const cose = cborDecode(fromBase64url(cosePart)) as Tag
        assert.strictEqual(cose.tag, 18)
        const [protectedHeader, unprotectedHeader, payload, signature] = cose.value as [
          Uint8Array,
          Map<number, Uint8Array>,
          Uint8Array,
          Uint8Array
        ]
        assert.deepStrictEqual(cborDecode(protectedHeader), { 1: -7 })
        const kidHeader =
          unprotectedHeader instanceof Map
            ? unprotectedHeader.get(4)
            : (unprotectedHeader as Record<number, Uint8Array>)[4]
        assert.deepStrictEqual(Array.from(kidHeader!), [0x21])
        const fields = cborDecode(payload) as [number, Uint8Array, Uint8Array, Uint8Array, Uint8Array]
        assert.strictEqual(fields[0], 9)
        assert.strictEqual(Buffer.from(fields[1]).toString("hex"), modem.identity.deviceUuid.replaceAll("-", ""))
        assert.strictEqual(cborDecode(fields[2]), TAG)
        assert.strictEqual(Buffer.from(fields[3]).toString("hex"), createHash("sha256").update(csrDer).digest("hex"))
        assert.strictEqual(fields[4].length, 16)
        assert.strictEqual(signature.length, 64)
        // byte strings as plain CBOR byte strings (cbor-x would tag typed arrays otherwise)
        const toBeSigned = new Encoder({ tagUint8Array: false }).encode([
          "Signature1",
          protectedHeader,
          new Uint8Array(0),
          payload
        ])
        const identityKey = createPublicKey(Key.spkiPem(modem.identityPublicKey))
        assert.isTrue(cryptoVerify("sha256", toBeSigned, { key: identityKey, dsaEncoding: "ieee-p1363" }, signature))

        // the key lists as type 2 with a SHA
        assert.match(yield* send(`AT%CMNG=1,${TAG},2`), new RegExp(`^%CMNG: ${TAG},2,"[0-9A-F]{64}"\\r\\nOK\\r\\n$`))

        // a CA signs the CSR; CA and client certificates go in with CRLF line ends
        openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", join(dir, "ca.key")])
        openssl([
          "req",
          "-x509",
          "-new",
          "-key",
          join(dir, "ca.key"),
          "-subj",
          "/CN=Test CA",
          "-days",
          "2",
          "-out",
          join(dir, "ca.pem")
        ])
        openssl([
          "x509",
          "-req",
          "-in",
          join(dir, "csr.pem"),
          "-CA",
          join(dir, "ca.pem"),
          "-CAkey",
          join(dir, "ca.key"),
          "-CAcreateserial",
          "-days",
          "2",
          "-out",
          join(dir, "client.pem")
        ])
        const caPem = crlf(readFileSync(join(dir, "ca.pem"), "utf8"))
        const clientPem = crlf(readFileSync(join(dir, "client.pem"), "utf8"))
        assert.strictEqual(yield* send(`AT%CMNG=0,${TAG},0,"${caPem}"`), "OK\r\n")
        assert.strictEqual(yield* send(`AT%CMNG=0,${TAG},1,"${clientPem}"`), "OK\r\n")

        // the modem lists the uppercase SHA-256 of exactly what was written
        const listing = yield* send(`AT%CMNG=1,${TAG}`)
        assert.include(listing, `%CMNG: ${TAG},0,"${sha256Upper(caPem)}"\r\n`)
        assert.include(listing, `%CMNG: ${TAG},1,"${sha256Upper(clientPem)}"\r\n`)
        assert.strictEqual(
          yield* send(`AT%CMNG=2,${TAG},1`),
          `%CMNG: ${TAG},1,"${sha256Upper(clientPem)}","${clientPem}"\r\nOK\r\n`
        )

        // a JWT signed with the new client key verifies with jose against the CSR's public key
        assert.strictEqual(yield* send('AT+CCLK="24/07/03,21:29:34+08"'), "OK\r\n")
        const token = quoted(yield* send(`AT%JWT=0,3600,"sub","aud",${TAG},2`), "%JWT: ")
        const { payload: claims, protectedHeader: header } = yield* Effect.promise(() =>
          jose.jwtVerify(token, createPublicKey(csrPublicKey), {
            audience: "aud",
            subject: "sub",
            currentDate: new Date("2024-07-03T21:30:00Z")
          })
        )
        assert.deepStrictEqual(Object.keys(header), ["typ", "alg", "kid"])
        assert.strictEqual(
          header.kid,
          createHash("sha256")
            .update(createPublicKey(csrPublicKey).export({ type: "spki", format: "der" }))
            .digest("hex")
        )
        assert.deepStrictEqual(Object.keys(claims), ["iss", "jti", "iat", "exp", "sub", "aud"])
        assert.strictEqual(claims.iss, `nRF9160.${modem.identity.deviceUuid}`)
        assert.match(claims.jti!, new RegExp(`^nRF9160\\.${modem.profile.firmwareUuid}\\.[0-9a-f]{32}$`))
        assert.strictEqual(claims.iat, Date.UTC(2024, 6, 3, 21, 29, 34) / 1000)
        assert.strictEqual(claims.exp, claims.iat! + 3600)

        // the device identity key signs when no sec_tag is given; jose verifies with the exported public key
        const deviceToken = quoted(yield* send("AT%JWT"), "%JWT: ")
        const device = yield* Effect.promise(() =>
          jose.jwtVerify(deviceToken, createPublicKey(Key.spkiPem(modem.identityPublicKey)))
        )
        assert.deepStrictEqual(Object.keys(device.payload), ["iss", "jti"])
        // and not with the client key
        const wrongKey = yield* Effect.promise(() =>
          jose.jwtVerify(deviceToken, createPublicKey(csrPublicKey)).then(
            () => "verified",
            () => "rejected"
          )
        )
        assert.strictEqual(wrongKey, "rejected")
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }).pipe(Effect.provide(testModem()))
  )

  it.effect("KEYGEN with response_content 1 returns the 91-byte public key, message type 8", () =>
    Effect.gen(function* () {
      yield* send("AT+CFUN=4")
      const response = yield* send("AT%KEYGEN=7,2,1")
      const [spkiPart, cosePart] = quoted(response, "%KEYGEN: ").split(".") as [string, string]
      const spki = fromBase64url(spkiPart)
      assert.strictEqual(spki.length, 91)
      const publicKey = createPublicKey({ key: spki, format: "der", type: "spki" })
      assert.strictEqual(publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1")
      const cose = cborDecode(fromBase64url(cosePart)) as Tag
      const fields = cborDecode((cose.value as [Uint8Array, unknown, Uint8Array])[2]) as [
        number,
        Uint8Array,
        Uint8Array
      ]
      assert.strictEqual(fields[0], 8)
      assert.strictEqual(cborDecode(fields[2]), 7)
    }).pipe(Effect.provide(testModem()))
  )

  it.effect("KEYGEN attributes and key usage shape the CSR", () =>
    Effect.gen(function* () {
      yield* send("AT+CFUN=4")
      const response = yield* send('AT%KEYGEN=8,2,0,"CN=nrf-352656100367872,O=Acme,C=no","101000000"')
      const der = fromBase64url(quoted(response, "%KEYGEN: ").split(".")[0]!)
      const text = openssl(["req", "-inform", "DER", "-noout", "-text", "-verify"], der)
      assert.include(text, "CN = nrf-352656100367872, O = Acme, C = NO")
      assert.include(text, "Digital Signature, Key Encipherment")
      assert.notInclude(text, "Non Repudiation")
    }).pipe(Effect.provide(testModem()))
  )

  it.effect("ATTESTTOKEN: self-described CBOR body, COSE_Sign1 over it with a detached payload", () =>
    Effect.gen(function* () {
      const modem = yield* Modem.ModemService
      const response = yield* send('AT%ATTESTTOKEN="00112233445566778899aabbccddeeff"')
      const [bodyPart, cosePart] = quoted(response, "%ATTESTTOKEN: ").split(".") as [string, string]
      assert.isTrue(bodyPart.startsWith("2dn3"), "real tokens start with the self-describe tag")
      const body = fromBase64url(bodyPart)
      const fields = cborDecode(body) as [number, Uint8Array, number, Uint8Array, Uint8Array]
      assert.strictEqual(fields[0], 1)
      assert.strictEqual(Buffer.from(fields[1]).toString("hex"), modem.identity.deviceUuid.replaceAll("-", ""))
      assert.strictEqual(fields[2], 3)
      assert.strictEqual(Buffer.from(fields[3]).toString("hex"), modem.profile.firmwareUuid.replaceAll("-", ""))
      assert.strictEqual(Buffer.from(fields[4]).toString("hex"), "00112233445566778899aabbccddeeff")
      const cose = cborDecode(fromBase64url(cosePart)) as Tag
      const [protectedHeader, , payload, signature] = cose.value as [Uint8Array, unknown, unknown, Uint8Array]
      assert.strictEqual(cose.tag, 18)
      assert.isNull(payload)
      const toBeSigned = new Encoder({ tagUint8Array: false }).encode([
        "Signature1",
        protectedHeader,
        new Uint8Array(0),
        body
      ])
      const identityKey = createPublicKey(Key.spkiPem(modem.identityPublicKey))
      assert.isTrue(cryptoVerify("sha256", toBeSigned, { key: identityKey, dsaEncoding: "ieee-p1363" }, signature))
    }).pipe(Effect.provide(testModem()))
  )
})
