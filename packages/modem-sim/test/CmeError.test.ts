import { CredStoreError } from "@atmodem/credstore"
import { assert, describe, it } from "@effect/vitest"
import * as CmeError from "../src/CmeError.ts"

/** The codes of spec section 2. */
const specCodes = [50, 51, 513, 514, 515, 518, 519, 523, 525, 527, 528]

const everyModemError: ReadonlyArray<CmeError.CmeError> = [
  new CmeError.IncorrectParameters({ reason: "r" }),
  new CmeError.CommandDisabled({ reason: "r" }),
  new CmeError.NotFound({ reason: "r" }),
  new CmeError.NoAccess({ reason: "r" }),
  new CmeError.MemoryFull({ reason: "r" }),
  new CmeError.NotAllowedInActiveState({ reason: "r" }),
  new CmeError.AlreadyExists({ reason: "r" }),
  new CmeError.KeyGenerationFailed({ reason: "r" }),
  new CmeError.JwtCreationFailed({ reason: "r" }),
  new CmeError.InvalidContent({ reason: "r" }),
  new CmeError.NotAllowedInPowerOffWarning({ reason: "r" })
]

describe("CmeError", () => {
  it("gives every code of the spec to exactly one error class", () => {
    const codes = Object.values(CmeError.codes)
    assert.deepStrictEqual(
      [...codes].sort((a, b) => a - b),
      specCodes
    )
    assert.strictEqual(new Set(codes).size, codes.length, "no code is shared")
    assert.strictEqual(Object.keys(CmeError.codes).length, everyModemError.length)
  })

  it("maps each error instance to its own code", () => {
    const seen = everyModemError.map(CmeError.codeOf)
    assert.deepStrictEqual(seen, specCodes)
  })

  it("answers plain errors without a code", () => {
    assert.isUndefined(CmeError.codeOf(new CmeError.PlainError({ reason: "syntax" })))
  })

  it("translates every credential store error", () => {
    const cases: ReadonlyArray<[CredStoreError.CredStoreError, number]> = [
      [new CredStoreError.NotFound({ secTag: 1, type: 0, reason: "r" }), 513],
      [new CredStoreError.NoAccess({ secTag: 1, type: 2, reason: "r" }), 514],
      [new CredStoreError.MemoryFull({ secTag: 1, type: 0, reason: "r" }), 515],
      [new CredStoreError.AlreadyExists({ secTag: 1, type: 2, reason: "r" }), 519],
      [new CredStoreError.InvalidContent({ secTag: 1, type: 0, reason: "r" }), 527],
      [new CredStoreError.InvalidParameter({ parameter: "type", secTag: 1, type: 12, reason: "r" }), 50],
      [new CredStoreError.StorageError({ path: "/x", reason: "r" }), 515]
    ]
    for (const [error, code] of cases)
      assert.strictEqual(CmeError.codeOf(CmeError.fromCredStore(error)), code, error._tag)
  })
})
