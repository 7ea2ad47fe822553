import { assert, describe, it } from "@effect/vitest"
import { currentRuntime, expectedRuntime } from "../../../tooling/runtime.ts"

describe("runtime", () => {
  it("runs in the runtime its test script asked for", () => {
    const expected = expectedRuntime()
    const actual = currentRuntime()
    console.log(`cli tests running under ${actual}`)
    assert.isDefined(expected, "ATMODEM_EXPECT_RUNTIME is set by every test script")
    assert.strictEqual(actual, expected)
  })
})
