import { Key } from "@atmodem/jwt-core"
import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import * as fc from "fast-check"
import * as Entropy from "../src/Entropy.ts"
import * as Identity from "../src/Identity.ts"
import * as Profile from "../src/Profile.ts"

const profile = Result.getOrThrow(Profile.make("nrf9160"))

describe("Identity", () => {
  it("checks IMEIs with the Luhn digit", () => {
    assert.isTrue(Identity.isValidImei("352656100367872"))
    assert.isTrue(Identity.isValidImei("352656106108148"))
    assert.isFalse(Identity.isValidImei("352656100367873"))
    assert.isFalse(Identity.isValidImei("35265610036787"))
    assert.isFalse(Identity.isValidImei("35265610036787a"))
  })

  it("makes valid identities: Luhn IMEI with the profile's TAC, v4 UUID", () => {
    fc.assert(
      fc.property(fc.string(), (seed) => {
        const identity = Identity.generate(profile, Entropy.seeded(seed).bytesSync)
        assert.isTrue(Identity.isValidImei(identity.imei))
        assert.isTrue(identity.imei.startsWith(profile.imeiTac))
        assert.match(identity.deviceUuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      }),
      { numRuns: 20 }
    )
  })

  it("derives the same identity from the same seed, another from another", () => {
    const a = Identity.generate(profile, Entropy.seeded("one").bytesSync)
    const b = Identity.generate(profile, Entropy.seeded("one").bytesSync)
    const c = Identity.generate(profile, Entropy.seeded("two").bytesSync)
    assert.strictEqual(a.imei, b.imei)
    assert.strictEqual(a.deviceUuid, b.deviceUuid)
    assert.isTrue(Key.equals(a.key.publicKey, b.key.publicKey))
    assert.isFalse(Key.equals(a.key.publicKey, c.key.publicKey))
  })

  it("round-trips through the identity file", () => {
    const identity = Identity.generate(profile, Entropy.seeded("file").bytesSync)
    const decoded = Result.getOrThrow(Identity.decode(Identity.encode(identity), "identity.json"))
    assert.strictEqual(decoded.imei, identity.imei)
    assert.strictEqual(decoded.deviceUuid, identity.deviceUuid)
    assert.isTrue(Key.equals(decoded.key.publicKey, identity.key.publicKey))
  })

  it("reports a corrupt or foreign identity file, naming the file", () => {
    const reason = (text: string) => {
      const result = Identity.decode(text, "/state/identity.json")
      return Result.isFailure(result) ? result.failure.reason : "decoded"
    }
    assert.include(reason("{not json"), "/state/identity.json is not valid JSON")
    assert.include(reason('{"version":2}'), "unknown version 2")
    assert.include(reason('{"version":1,"deviceUuid":"x"}'), "no valid deviceUuid")
    const valid = JSON.parse(Identity.encode(Identity.generate(profile, Entropy.seeded("x").bytesSync)))
    assert.include(
      reason(JSON.stringify({ ...valid, key: "-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n" })),
      "unreadable key"
    )
    assert.notInclude(reason(JSON.stringify({ ...valid, imei: "1" })), valid.key)
  })

  it("applies and checks overrides", () => {
    const identity = Identity.generate(profile, Entropy.seeded("o").bytesSync)
    const changed = Result.getOrThrow(Identity.override(identity, { imei: "352656100367872" }))
    assert.strictEqual(changed.imei, "352656100367872")
    assert.isTrue(Result.isFailure(Identity.override(identity, { imei: "352656100367871" })))
    assert.isTrue(Result.isFailure(Identity.override(identity, { deviceUuid: "ABC" })))
  })

  it("writes UUIDs as the 16 bytes the CBOR payloads carry", () => {
    assert.deepStrictEqual(
      Array.from(Identity.uuidBytes("50363154-3930-4d96-80f9-13121cf35adc")),
      [0x50, 0x36, 0x31, 0x54, 0x39, 0x30, 0x4d, 0x96, 0x80, 0xf9, 0x13, 0x12, 0x1c, 0xf3, 0x5a, 0xdc]
    )
  })
})
