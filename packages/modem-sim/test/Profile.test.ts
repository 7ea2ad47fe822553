import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import * as Profile from "../src/Profile.ts"

const failure = (result: Result.Result<Profile.Profile, Profile.InvalidProfile>) => {
  assert.isTrue(Result.isFailure(result))
  return Result.isFailure(result) ? result.failure.reason : ""
}

describe("Profile", () => {
  it("has the two presets of real parts", () => {
    const nrf9160 = Result.getOrThrow(Profile.make("nrf9160"))
    assert.strictEqual(nrf9160.model, "nRF9160-SICA")
    assert.strictEqual(nrf9160.firmware, "mfw_nrf9160_1.3.5")
    assert.strictEqual(nrf9160.chip, "nRF9160")
    assert.isFalse(nrf9160.deviceUuidCommand)
    assert.isTrue(nrf9160.endorsementKey)
    assert.isFalse(nrf9160.strictContent)
    const nrf9151 = Result.getOrThrow(Profile.make("nrf9151"))
    assert.strictEqual(nrf9151.model, "nRF9151-LACA")
    assert.strictEqual(nrf9151.firmware, "mfw_nrf91x1_2.0.2")
    assert.strictEqual(nrf9151.chip, "nRF9151")
    assert.isTrue(nrf9151.deviceUuidCommand)
    assert.isTrue(nrf9151.strictContent)
    assert.strictEqual(nrf9151.deviceType, 6)
  })

  it("takes overrides and upper-cases disabled command names", () => {
    const profile = Result.getOrThrow(Profile.make("nrf9160", { strictContent: true, disabledCommands: ["%jwt"] }))
    assert.isTrue(profile.strictContent)
    assert.deepStrictEqual(profile.disabledCommands, ["%JWT"])
  })

  it("rejects an unknown preset, an unknown field and invalid values with a clear reason", () => {
    assert.include(failure(Profile.make("nrf9999")), 'unknown profile preset "nrf9999"')
    for (const name of ["constructor", "toString", "__proto__"])
      assert.include(failure(Profile.make(name)), "unknown profile preset")
    assert.include(failure(Profile.make("nrf9160", { toString: "x" } as never)), "unknown profile field(s): toString")
    assert.include(
      failure(Profile.make("nrf9160", { disabledCommands: "%JWT" } as never)),
      "disabledCommands must be a list of command names"
    )
    assert.include(failure(Profile.make("nrf9160", { colour: "red" } as never)), "unknown profile field(s): colour")
    assert.include(failure(Profile.make("nrf9160", { firmwareUuid: "nope" })), "firmwareUuid must be a lowercase UUID")
    assert.include(failure(Profile.make("nrf9160", { imeiTac: "123" })), "imeiTac must be 8 digits")
    assert.include(
      failure(Profile.make("nrf9160", { capacity: { maxEntries: 0, maxBytes: 10 } })),
      "capacity.maxEntries must be a positive integer"
    )
    assert.include(failure(Profile.make("nrf9160", { firmware: "mfw_nrf9160" })), "x.y.z version")
  })

  it("keeps exactly one x.y.z version in +CGMR, as host tools require", () => {
    for (const name of Object.keys(Profile.presets)) {
      const profile = Result.getOrThrow(Profile.make(name))
      assert.strictEqual(profile.firmware.match(/\d+\.\d+\.\d+/g)?.length, 1)
    }
  })
})
