/** The CSR and COSE decoders, against openssl and cbor2 output, and against bytes that are neither. */
import * as path from "node:path"
import { Key } from "@atmodem/jwt-core"
import { assert, describe, it } from "@effect/vitest"
import { encode, Tag } from "cbor2"
import { Effect, Result } from "effect"
import * as fc from "fast-check"
import { Cose, Csr, KeyFile } from "../src/index.ts"
import { openssl, tempDir } from "./helpers.ts"

const derOf = (pem: string) =>
  Uint8Array.from(Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64"))

describe("Csr", () => {
  it.live("decodes an openssl CSR: subject, key, valid signature; a tampered one does not verify", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const key = path.join(dir, "k.pem")
      assert.strictEqual((yield* openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key])).code, 0)
      const made = yield* openssl(["req", "-new", "-key", key, "-subj", "/CN=nrf-352656100367872/O=Acme/C=NO"])
      assert.strictEqual(made.code, 0, made.stderr)
      const der = derOf(made.stdout)
      const csr = Result.getOrThrow(Csr.decode(der))
      assert.deepStrictEqual(csr.subject, [
        { name: "CN", value: "nrf-352656100367872" },
        { name: "O", value: "Acme" },
        { name: "C", value: "NO" }
      ])
      assert.strictEqual(Csr.subjectText(csr), "CN=nrf-352656100367872, O=Acme, C=NO")
      assert.isTrue(csr.signatureValid)
      const pub = yield* openssl(["ec", "-in", key, "-pubout"])
      assert.isTrue(Key.equals(csr.publicKey, Result.getOrThrow(Key.parsePublicKey(pub.stdout))))
      // The PEM we write is what openssl reads back.
      const back = yield* openssl(["req", "-verify", "-noout"], Csr.toPem(der))
      assert.strictEqual(back.code, 0, back.stderr)
      // So is the key file form: a CSR gives its public key.
      const fromFile = Result.getOrThrow(KeyFile.publicKey(new TextEncoder().encode(Csr.toPem(der)), "csr.pem"))
      assert.isTrue(Key.equals(fromFile, csr.publicKey))
      const tampered = der.slice()
      const at = Buffer.from(tampered).indexOf(Buffer.from("Acme"))
      tampered[at] = 0x61
      assert.isFalse(Result.getOrThrow(Csr.decode(tampered)).signatureValid)
    })
  )

  it("refuses bytes that are not a CSR, without throwing", () =>
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const result = Csr.decode(bytes)
        if (Result.isFailure(result)) assert.match(result.failure.reason, /^not a P-256 PKCS#10 CSR: /)
      })
    ))
})

describe("Cose", () => {
  const protectedHeader = encode(new Map([[1, -7]]))
  const sign1 = (payload: Uint8Array | null) =>
    encode(new Tag(18, [protectedHeader, new Map([[4, new Uint8Array([0x21])]]), payload, new Uint8Array(64)]))

  it("decodes a COSE_Sign1 and the %KEYGEN payload", () => {
    const uuid = Uint8Array.from({ length: 16 }, (_, i) => i)
    const payload = encode(new Tag(55799, [9, uuid, encode(16842753), new Uint8Array(32).fill(7), new Uint8Array(16)]))
    const decoded = Result.getOrThrow(Cose.decodeSign1(sign1(payload)))
    assert.deepStrictEqual([decoded.alg, decoded.kid], [-7, new Uint8Array([0x21])])
    assert.strictEqual(Cose.algorithmName(decoded.alg), "ES256")
    const fields = Result.getOrThrow(Cose.decodeKeygenPayload(decoded.payload!))
    assert.deepStrictEqual(fields, {
      messageType: 9,
      deviceUuid: "00010203-0405-0607-0809-0a0b0c0d0e0f",
      secTag: 16842753,
      digest: new Uint8Array(32).fill(7),
      nonce: new Uint8Array(16)
    })
  })

  it("decodes the attestation payload; a detached COSE_Sign1 has no payload", () => {
    const body = encode([1, new Uint8Array(16).fill(0xab), 6, new Uint8Array(16).fill(1), new Uint8Array(16)])
    const fields = Result.getOrThrow(Cose.decodeAttestationPayload(body))
    assert.deepStrictEqual([fields.deviceType, Cose.deviceTypeName(fields.deviceType)], [6, "nRF9151 LACA"])
    assert.strictEqual(fields.deviceUuid, "abababab-abab-abab-abab-abababababab")
    assert.strictEqual(Result.getOrThrow(Cose.decodeSign1(sign1(null))).payload, null)
  })

  it("says which field is wrong", () => {
    const reason = (r: Result.Result<unknown, Cose.InvalidCose>) => (Result.isFailure(r) ? r.failure.reason : "")
    assert.strictEqual(reason(Cose.decodeSign1(encode([1, 2]))), "not a COSE_Sign1 (tag 18, 4 elements)")
    assert.strictEqual(
      reason(
        Cose.decodeKeygenPayload(encode([9, new Uint8Array(15), encode(1), new Uint8Array(32), new Uint8Array(16)]))
      ),
      "the device UUID is not a 16-byte byte string"
    )
    assert.strictEqual(reason(Cose.decodeAttestationPayload(encode("x"))), "the attestation payload is not 5 items")
    assert.match(reason(Cose.decodeSign1(new Uint8Array([0xff]))), /^the COSE_Sign1 is not CBOR/)
  })

  it("never throws on arbitrary bytes", () =>
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const results: ReadonlyArray<Result.Result<unknown, Cose.InvalidCose>> = [
          Cose.decodeSign1(bytes),
          Cose.decodeKeygenPayload(bytes),
          Cose.decodeAttestationPayload(bytes)
        ]
        for (const result of results) assert.isTrue(Result.isSuccess(result) || result.failure._tag === "InvalidCose")
      })
    ))
})
