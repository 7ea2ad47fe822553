import { createHash } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { Credential } from "../src/index.ts"

describe("Credential", () => {
  it("sha256Hex is the uppercase SHA-256 of the UTF-8 bytes", () => {
    assert.strictEqual(Credential.sha256Hex("abc"), "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")
    // Line endings are part of the content: LF and CRLF hash differently.
    assert.notStrictEqual(Credential.sha256Hex("a\nb"), Credential.sha256Hex("a\r\nb"))
  })

  it("sha256Hex agrees with node:crypto on any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        const expected = createHash("sha256").update(text, "utf8").digest("hex").toUpperCase()
        assert.strictEqual(Credential.sha256Hex(text), expected)
      })
    )
  })

  it("byteLength counts UTF-8 bytes", () => {
    assert.strictEqual(Credential.byteLength("abc"), 3)
    assert.strictEqual(Credential.byteLength("é€😀"), 2 + 3 + 4)
  })

  it("names the twelve types as the spec table does", () => {
    assert.deepStrictEqual(
      [
        Credential.RootCaCert,
        Credential.ClientCert,
        Credential.ClientPrivateKey,
        Credential.Psk,
        Credential.PskIdentity,
        Credential.PublicKey,
        Credential.DeviceIdentityPublicKey,
        Credential.Reserved,
        Credential.EndorsementPrivateKey,
        Credential.OwnershipKey,
        Credential.NordicIdentityRootCa,
        Credential.NordicBasePublicKey
      ],
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    )
  })

  it("classifies tags and types", () => {
    assert.isTrue(Credential.isSecTag(0))
    assert.isTrue(Credential.isSecTag(4294967295))
    assert.isFalse(Credential.isSecTag(4294967296))
    assert.isFalse(Credential.isSecTag(-1))
    assert.isFalse(Credential.isSecTag(1.5))
    assert.isFalse(Credential.isModemOwnedSecTag(Credential.MAX_USER_SEC_TAG))
    assert.isTrue(Credential.isModemOwnedSecTag(Credential.MAX_USER_SEC_TAG + 1))
    assert.deepStrictEqual(
      [-1, 0, 11, 12, 2.5].map((n) => Credential.isCredentialType(n)),
      [false, true, true, false, false]
    )
    const types = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] as const
    assert.deepStrictEqual(
      types.filter((t) => Credential.isReadableType(t)),
      [0, 1, 4]
    )
    assert.deepStrictEqual(
      types.filter((t) => Credential.isUserWritableType(t)),
      [0, 1, 2, 3, 4, 5]
    )
  })
})
