import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import { ContentValidator, Credential, CredentialStorage, CredStore, CredStoreError } from "../src/index.ts"

const roomy: CredStore.Config = { capacity: { maxEntries: 100, maxBytes: 100_000 } }

const modemOwned: CredStore.Config["modemOwned"] = [
  { secTag: 4294967292, type: 11, content: "nordic base public key" },
  { secTag: 4294967293, type: 10, content: "nordic identity root ca" },
  { secTag: 4294967294, type: 6, content: "device identity public key" }
]

const makeStore = (config: CredStore.Config = roomy, initial?: CredentialStorage.Snapshot) =>
  CredStore.make(config).pipe(Effect.provide(CredentialStorage.layerMemory(initial)))

/** The error tag of an effect that must fail. */
const tagOf = <A, E extends { readonly _tag: string }>(effect: Effect.Effect<A, E>) =>
  Effect.map(Effect.flip(effect), (error) => error._tag)

const pairs = (entries: ReadonlyArray<Credential.Entry>) => entries.map((entry) => [entry.secTag, entry.type])

describe("CredStore", () => {
  it.effect("write returns the entry with the uppercase SHA-256; read returns the exact content", () =>
    Effect.gen(function* () {
      const store = yield* makeStore()
      const content = "-----BEGIN CERTIFICATE-----\r\nMIIB\r\n-----END CERTIFICATE-----\r\n"
      const entry = yield* store.write({ secTag: 42, type: 0, content })
      assert.deepStrictEqual(entry, { secTag: 42, type: 0, sha256: Credential.sha256Hex(content) })
      assert.match(entry.sha256, /^[0-9A-F]{64}$/)
      assert.deepStrictEqual(yield* store.read(42, 0), { ...entry, content })
      assert.deepStrictEqual(yield* store.list(), [entry])
    })
  )

  it.effect("lists ascending by sec_tag then type, modem-owned included, with filters", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ ...roomy, modemOwned })
      for (const [secTag, type] of [
        [7, 2],
        [3, 4],
        [7, 0],
        [2147483647, 1],
        [3, 1]
      ] as const) {
        yield* store.write({ secTag, type, content: `${secTag}/${type}` })
      }
      assert.deepStrictEqual(pairs(yield* store.list()), [
        [3, 1],
        [3, 4],
        [7, 0],
        [7, 2],
        [2147483647, 1],
        [4294967292, 11],
        [4294967293, 10],
        [4294967294, 6]
      ])
      assert.deepStrictEqual(pairs(yield* store.list({ secTag: 7 })), [
        [7, 0],
        [7, 2]
      ])
      assert.deepStrictEqual(pairs(yield* store.list({ secTag: 7, type: 2 })), [[7, 2]])
      assert.deepStrictEqual(pairs(yield* store.list({ secTag: 4294967293 })), [[4294967293, 10]])
      assert.deepStrictEqual(yield* store.list({ secTag: 8 }), [])
      assert.deepStrictEqual(yield* store.list({ secTag: -1 }), [])
      assert.deepStrictEqual(yield* store.list({ secTag: 7, type: 12 }), [])
      const modemEntry = (yield* store.list({ secTag: 4294967294 }))[0]
      assert.strictEqual(modemEntry?.sha256, Credential.sha256Hex("device identity public key"))
    })
  )

  it.effect("overwrites an existing pair by default; overwrite: false refuses and keeps it", () =>
    Effect.gen(function* () {
      const store = yield* makeStore()
      yield* store.write({ secTag: 1, type: 4, content: "first" })
      yield* store.write({ secTag: 1, type: 4, content: "second" })
      assert.strictEqual((yield* store.read(1, 4)).content, "second")
      assert.strictEqual((yield* store.list()).length, 1)
      const error = yield* Effect.flip(store.write({ secTag: 1, type: 4, content: "third", overwrite: false }))
      assert.strictEqual(error._tag, "AlreadyExists")
      assert.strictEqual((yield* store.read(1, 4)).content, "second")
      yield* store.write({ secTag: 2, type: 4, content: "new", overwrite: false })
      assert.strictEqual((yield* store.read(2, 4)).content, "new")
    })
  )

  it.effect("stores an endorsement key (type 8) only when the modem generated it; hosts cannot touch it", () =>
    Effect.gen(function* () {
      const storage = yield* CredentialStorage.CredentialStorage
      const store = yield* CredStore.make(roomy)
      assert.strictEqual(yield* tagOf(store.write({ secTag: 9, type: 8, content: "key" })), "NoAccess")
      const entry = yield* store.write({ secTag: 9, type: 8, content: "key", generatedByModem: true })
      assert.deepStrictEqual(pairs(yield* store.list({ secTag: 9 })), [[9, 8]])
      assert.strictEqual((yield* store.secret(9, 8)).content, "key")
      assert.strictEqual(yield* tagOf(store.read(9, 8)), "NoAccess")
      assert.strictEqual(yield* tagOf(store.delete(9, 8)), "NoAccess")
      // other modem-owned types stay refused even from the modem, and the key persists
      assert.strictEqual(
        yield* tagOf(store.write({ secTag: 9, type: 6, content: "x", generatedByModem: true })),
        "NoAccess"
      )
      assert.deepStrictEqual((yield* storage.load).entries, [{ secTag: 9, type: 8, content: "key" }])
      const reopened = yield* CredStore.make(roomy)
      assert.deepStrictEqual(yield* reopened.list({ secTag: 9 }), [entry])
    }).pipe(Effect.provide(CredentialStorage.layerMemory()))
  )

  it.effect("write checks come in the documented order", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ ...roomy, modemOwned })
      const long = "p".repeat(33)
      const cases: Array<[CredStore.WriteInput, string, string?]> = [
        [{ secTag: -1, type: 99, content: "" }, "InvalidParameter", "secTag"],
        [{ secTag: 1.5, type: 0, content: "x" }, "InvalidParameter", "secTag"],
        [{ secTag: 4294967296, type: 0, content: "x" }, "InvalidParameter", "secTag"],
        [{ secTag: Number.NaN, type: 0, content: "x" }, "InvalidParameter", "secTag"],
        [{ secTag: 4294967295, type: 12, content: "" }, "InvalidParameter", "type"],
        [{ secTag: 1, type: -1, content: "x" }, "InvalidParameter", "type"],
        [{ secTag: 1, type: 0.5, content: "x" }, "InvalidParameter", "type"],
        [{ secTag: 2147483648, type: 0, content: "" }, "NoAccess"],
        [{ secTag: 4294967294, type: 6, content: "x" }, "NoAccess"],
        [{ secTag: 1, type: 6, content: "" }, "NoAccess"],
        [{ secTag: 1, type: 11, content: "x" }, "NoAccess"],
        [{ secTag: 1, type: 7, content: "x" }, "NoAccess"],
        [{ secTag: 1, type: 2, content: "", password: long }, "InvalidParameter", "content"],
        [{ secTag: 1, type: 0, content: "x", password: long }, "InvalidParameter", "password"],
        [{ secTag: 1, type: 3, content: "x", password: "secret" }, "InvalidParameter", "password"],
        [{ secTag: 1, type: 2, content: "x", password: long }, "InvalidParameter", "password"],
        // 17 characters, but 33 bytes of UTF-8:
        [{ secTag: 1, type: 2, content: "x", password: `${"é".repeat(16)}x` }, "InvalidParameter", "password"]
      ]
      for (const [input, tag, parameter] of cases) {
        const error = yield* Effect.flip(store.write(input))
        assert.strictEqual(error._tag, tag, JSON.stringify(input))
        if (error._tag === "InvalidParameter") assert.strictEqual(error.parameter, parameter, JSON.stringify(input))
      }
      assert.deepStrictEqual(pairs(yield* store.list({ secTag: 1 })), [])
      // A 32-byte password is fine with a type 2 key; an empty password is no password.
      yield* store.write({ secTag: 1, type: 2, content: "key", password: "p".repeat(32) })
      assert.deepStrictEqual(yield* store.secret(1, 2), { content: "key", password: "p".repeat(32) })
      yield* store.write({ secTag: 1, type: 0, content: "cert", password: "" })
      assert.deepStrictEqual(yield* store.secret(1, 0), { content: "cert" })
    })
  )

  it.effect("errors carry the pair and a reason", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ ...roomy, modemOwned })
      const noAccess = yield* Effect.flip(store.write({ secTag: 4294967292, type: 11, content: "x" }))
      assert.strictEqual(noAccess._tag, "NoAccess")
      if (noAccess._tag === "NoAccess") {
        assert.strictEqual(noAccess.secTag, 4294967292)
        assert.strictEqual(noAccess.type, 11)
        assert.strictEqual(noAccess.message, "sec_tag 4294967292 belongs to the modem")
      }
      const notFound = yield* Effect.flip(store.read(5, 1))
      assert.instanceOf(notFound, CredStoreError.NotFound)
      assert.strictEqual(notFound.message, "sec_tag 5 type 1 is not stored")
    })
  )

  it.effect("read: only types 0, 1 and 4 of user tags; NoAccess comes before NotFound", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ ...roomy, modemOwned })
      for (const type of [0, 1, 2, 3, 4, 5] as const) yield* store.write({ secTag: 9, type, content: `c${type}` })
      for (const type of [0, 1, 4]) assert.strictEqual((yield* store.read(9, type)).content, `c${type}`)
      for (const type of [2, 3, 5]) assert.strictEqual(yield* tagOf(store.read(9, type)), "NoAccess")
      // Not readable whether or not it exists.
      assert.strictEqual(yield* tagOf(store.read(10, 2)), "NoAccess")
      assert.strictEqual(yield* tagOf(store.read(10, 6)), "NoAccess")
      assert.strictEqual(yield* tagOf(store.read(10, 0)), "NotFound")
      assert.strictEqual(yield* tagOf(store.read(4294967293, 10)), "NoAccess")
      assert.strictEqual(yield* tagOf(store.read(4294967293, 0)), "NoAccess")
      assert.strictEqual(yield* tagOf(store.read(-5, 0)), "InvalidParameter")
      assert.strictEqual(yield* tagOf(store.read(9, 12)), "InvalidParameter")
    })
  )

  it.effect("delete removes user pairs; modem-owned ones are refused; absent ones are NotFound", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ ...roomy, modemOwned })
      yield* store.write({ secTag: 3, type: 2, content: "key" })
      yield* store.delete(3, 2)
      assert.deepStrictEqual(pairs(yield* store.list({ secTag: 3 })), [])
      assert.strictEqual(yield* tagOf(store.delete(3, 2)), "NotFound")
      assert.strictEqual(yield* tagOf(store.delete(4294967294, 6)), "NoAccess")
      assert.strictEqual(yield* tagOf(store.delete(3, 8)), "NoAccess")
      assert.strictEqual(yield* tagOf(store.delete(3, 13)), "InvalidParameter")
      assert.strictEqual((yield* store.list()).length, 3)
    })
  )

  it.effect("secret reaches unreadable and modem-owned credentials", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ ...roomy, modemOwned })
      yield* store.write({ secTag: 16842753, type: 2, content: "encrypted key", password: "pw" })
      assert.deepStrictEqual(yield* store.secret(16842753, 2), { content: "encrypted key", password: "pw" })
      assert.deepStrictEqual(yield* store.secret(4294967294, 6), { content: "device identity public key" })
      assert.strictEqual(yield* tagOf(store.secret(16842753, 3)), "NotFound")
      assert.strictEqual(yield* tagOf(store.secret(-1, 2)), "InvalidParameter")
    })
  )

  it.effect("capacity in entries: full is MemoryFull and changes nothing; overwriting still works", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ capacity: { maxEntries: 2, maxBytes: 1000 }, modemOwned })
      yield* store.write({ secTag: 1, type: 0, content: "a" })
      yield* store.write({ secTag: 2, type: 0, content: "b" })
      const before = yield* store.list()
      const error = yield* Effect.flip(store.write({ secTag: 3, type: 0, content: "c" }))
      assert.strictEqual(error._tag, "MemoryFull")
      assert.strictEqual(error.message, "the store already holds its maximum of 2 entries")
      assert.deepStrictEqual(yield* store.list(), before)
      yield* store.write({ secTag: 2, type: 0, content: "b2" })
      yield* store.delete(1, 0)
      yield* store.write({ secTag: 3, type: 0, content: "c" })
      assert.deepStrictEqual(pairs(yield* store.list({ type: 0 })), [
        [2, 0],
        [3, 0]
      ])
    })
  )

  it.effect("capacity in bytes counts UTF-8 and the overwritten content is given back", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ capacity: { maxEntries: 10, maxBytes: 10 } })
      yield* store.write({ secTag: 1, type: 4, content: "12345" })
      yield* store.write({ secTag: 2, type: 4, content: "éé" }) // 4 bytes, 9 in all
      assert.strictEqual(yield* tagOf(store.write({ secTag: 3, type: 4, content: "éé" })), "MemoryFull")
      assert.strictEqual(yield* tagOf(store.write({ secTag: 3, type: 4, content: "é" })), "MemoryFull") // 11 bytes
      yield* store.write({ secTag: 3, type: 4, content: "x" }) // 10 bytes: exactly full
      // Replacing 5 bytes by 6 would need 11.
      assert.strictEqual(yield* tagOf(store.write({ secTag: 1, type: 4, content: "123456" })), "MemoryFull")
      assert.strictEqual((yield* store.read(1, 4)).content, "12345")
      yield* store.write({ secTag: 1, type: 4, content: "1234" })
      assert.strictEqual((yield* store.read(1, 4)).content, "1234")
    })
  )

  it.effect("validation: InvalidContent with the sec_tag filled in, after AlreadyExists and before MemoryFull", () =>
    Effect.gen(function* () {
      const validator = ContentValidator.combine()
      const store = yield* makeStore({ capacity: { maxEntries: 1, maxBytes: 1000 }, validator })
      yield* store.write({ secTag: 5, type: 3, content: "00ff" })
      const invalid = yield* Effect.flip(store.write({ secTag: 6, type: 3, content: "not hex" }))
      assert.strictEqual(invalid._tag, "InvalidContent")
      if (invalid._tag === "InvalidContent") {
        assert.strictEqual(invalid.secTag, 6)
        assert.strictEqual(invalid.type, 3)
      }
      assert.strictEqual(yield* tagOf(store.write({ secTag: 6, type: 3, content: "aa" })), "MemoryFull")
      assert.strictEqual(
        yield* tagOf(store.write({ secTag: 5, type: 3, content: "zz", overwrite: false })),
        "AlreadyExists"
      )
      // Types without a check store anything.
      yield* store.delete(5, 3)
      yield* store.write({ secTag: 5, type: 4, content: "any identity" })
    })
  )

  it.effect("a failed save is not acknowledged and leaves the store unchanged", () =>
    Effect.gen(function* () {
      const saved = yield* Ref.make<ReadonlyArray<CredentialStorage.Snapshot>>([])
      const failing = yield* Ref.make(false)
      const storage = Layer.succeed(CredentialStorage.CredentialStorage, {
        load: Effect.succeed(CredentialStorage.empty),
        save: (snapshot) =>
          Effect.flatMap(Ref.get(failing), (fail) =>
            fail
              ? Effect.fail(new CredStoreError.StorageError({ reason: "disk on fire" }))
              : Ref.update(saved, (all) => [...all, snapshot])
          )
      })
      const store = yield* CredStore.make(roomy).pipe(Effect.provide(storage))
      yield* store.write({ secTag: 2, type: 0, content: "b" })
      yield* store.write({ secTag: 1, type: 2, content: "a", password: "pw" })
      assert.deepStrictEqual((yield* Ref.get(saved)).at(-1), {
        version: 1,
        entries: [
          { secTag: 1, type: 2, content: "a", password: "pw" },
          { secTag: 2, type: 0, content: "b" }
        ]
      })
      yield* Ref.set(failing, true)
      const before = yield* store.list()
      const error = yield* Effect.flip(store.write({ secTag: 2, type: 0, content: "changed" }))
      assert.strictEqual(error._tag, "StorageError")
      assert.strictEqual(yield* tagOf(store.delete(1, 2)), "StorageError")
      assert.deepStrictEqual(yield* store.list(), before)
      assert.strictEqual((yield* store.read(2, 0)).content, "b")
      yield* Ref.set(failing, false)
      yield* store.delete(1, 2)
      assert.deepStrictEqual(pairs(yield* store.list()), [[2, 0]])
    })
  )

  it.effect("concurrent writes and deletes are serialised: saves never overlap", () =>
    Effect.gen(function* () {
      let active = 0
      let maxActive = 0
      let saves = 0
      const storage = Layer.succeed(CredentialStorage.CredentialStorage, {
        load: Effect.succeed(CredentialStorage.empty),
        save: () =>
          Effect.gen(function* () {
            active++
            maxActive = Math.max(maxActive, active)
            for (let i = 0; i < 5; i++) yield* Effect.yieldNow
            active--
            saves++
          })
      })
      const store = yield* CredStore.make(roomy).pipe(Effect.provide(storage))
      yield* Effect.forEach(
        Array.from({ length: 20 }, (_, i) => i),
        (i) => store.write({ secTag: i, type: 0, content: `c${i}` }),
        { concurrency: "unbounded" }
      )
      yield* Effect.forEach([0, 1, 2, 3], (i) => store.delete(i, 0), { concurrency: "unbounded" })
      assert.strictEqual(maxActive, 1)
      assert.strictEqual(saves, 24)
      assert.strictEqual((yield* store.list()).length, 16)
    })
  )

  it.effect("loads what the storage holds, even above a lowered capacity", () =>
    Effect.gen(function* () {
      const initial: CredentialStorage.Snapshot = {
        version: 1,
        entries: [
          { secTag: 1, type: 0, content: "a" },
          { secTag: 2, type: 0, content: "b" }
        ]
      }
      const store = yield* makeStore({ capacity: { maxEntries: 1, maxBytes: 100 } }, initial)
      assert.deepStrictEqual(pairs(yield* store.list()), [
        [1, 0],
        [2, 0]
      ])
      assert.strictEqual(yield* tagOf(store.write({ secTag: 3, type: 0, content: "c" })), "MemoryFull")
    })
  )

  it.effect("a snapshot that does not decode is a StorageError", () =>
    Effect.gen(function* () {
      const bad = {
        version: 1,
        entries: [{ secTag: 1, type: 9, content: "x" }]
      } as unknown as CredentialStorage.Snapshot
      const error = yield* Effect.flip(makeStore(roomy, bad))
      assert.strictEqual(error._tag, "StorageError")
      assert.include(error.message, "stored credentials do not match the snapshot schema")
      const duplicate = {
        version: 1,
        entries: [
          { secTag: 1, type: 0, content: "x" },
          { secTag: 1, type: 0, content: "y" }
        ]
      } as const
      assert.include((yield* Effect.flip(makeStore(roomy, duplicate))).message, "do not match the snapshot schema")
    })
  )

  it.effect("modem-owned entries in the users' range are a defect", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(makeStore({ ...roomy, modemOwned: [{ secTag: 5, type: 0, content: "x" }] }))
      assert.isTrue(Exit.hasDies(exit))
    })
  )

  it.effect("layer provides the service", () =>
    Effect.gen(function* () {
      const entry = yield* CredStore.CredStore.use((store) => store.write({ secTag: 1, type: 1, content: "c" }))
      assert.strictEqual(entry.sha256, Credential.sha256Hex("c"))
    }).pipe(Effect.provide(CredStore.layer(roomy).pipe(Layer.provide(CredentialStorage.layerMemory()))))
  )
})
