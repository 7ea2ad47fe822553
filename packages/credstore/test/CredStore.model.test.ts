/**
 * Model-based test: random sequences of operations run against the store and against a plain model written
 * from the rules (spec section 4 and the documented order of checks). Every result (success value or error tag)
 * and the listing after every step must agree.
 */
import { createHash } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as fc from "fast-check"
import { CredentialStorage, CredStore, CredStoreError, FileStore } from "../src/index.ts"
import { platformLayer } from "./helpers/platform.ts"

// ---------------------------------------------------------------------------------------------------------------
// The model

interface ModelEntry {
  readonly secTag: number
  readonly type: number
  readonly content: string
  readonly password: string | undefined
}

type Outcome = { readonly ok: unknown } | { readonly error: string }

const MODEM_OWNED = [
  { secTag: 4294967292, type: 11, content: "base" },
  { secTag: 4294967293, type: 10, content: "root" },
  { secTag: 4294967294, type: 6, content: "identity" }
] as const

const sha = (content: string) => createHash("sha256").update(content, "utf8").digest("hex").toUpperCase()
const utf8Bytes = (text: string) => new TextEncoder().encode(text).length

/** The test's validator: type 1 content starting with "!" is invalid. */
const testValidator: CredStore.Config["validator"] = (input) =>
  input.type === 1 && input.content.startsWith("!")
    ? Effect.fail(new CredStoreError.InvalidContent({ type: input.type, reason: "starts with !" }))
    : Effect.void

class Model {
  readonly entries = new Map<string, ModelEntry>()
  readonly maxEntries: number
  readonly maxBytes: number
  constructor(maxEntries: number, maxBytes: number) {
    this.maxEntries = maxEntries
    this.maxBytes = maxBytes
  }

  private all(): Array<ModelEntry> {
    const owned = MODEM_OWNED.map((e) => ({ ...e, password: undefined }))
    return [...this.entries.values(), ...owned].sort((a, b) => a.secTag - b.secTag || a.type - b.type)
  }

  private badPair(secTag: number, type: number): Outcome | undefined {
    if (!Number.isInteger(secTag) || secTag < 0 || secTag > 4294967295) return { error: "InvalidParameter" }
    if (!Number.isInteger(type) || type < 0 || type > 11) return { error: "InvalidParameter" }
    return undefined
  }

  write(input: CredStore.WriteInput): Outcome {
    const { secTag, type, content } = input
    const bad = this.badPair(secTag, type)
    if (bad) return bad
    if (secTag > 2147483647 || type >= 6) return { error: "NoAccess" }
    if (content === "") return { error: "InvalidParameter" }
    const password = input.password === "" ? undefined : input.password
    if (password !== undefined && (type !== 2 || utf8Bytes(password) > 32)) return { error: "InvalidParameter" }
    const key = `${secTag}/${type}`
    const previous = this.entries.get(key)
    if (previous && input.overwrite === false) return { error: "AlreadyExists" }
    if (type === 1 && content.startsWith("!")) return { error: "InvalidContent" }
    const others = [...this.entries.values()].filter((e) => e !== previous)
    const bytes = others.reduce((n, e) => n + utf8Bytes(e.content), utf8Bytes(content))
    if (others.length + 1 > this.maxEntries || bytes > this.maxBytes) return { error: "MemoryFull" }
    this.entries.set(key, { secTag, type, content, password })
    return { ok: { secTag, type, sha256: sha(content) } }
  }

  list(filter: CredStore.ListFilter): Outcome {
    return {
      ok: this.all()
        .filter(
          (e) =>
            (filter.secTag === undefined || e.secTag === filter.secTag) &&
            (filter.type === undefined || e.type === filter.type)
        )
        .map((e) => ({ secTag: e.secTag, type: e.type, sha256: sha(e.content) }))
    }
  }

  read(secTag: number, type: number): Outcome {
    const bad = this.badPair(secTag, type)
    if (bad) return bad
    if (secTag > 2147483647 || ![0, 1, 4].includes(type)) return { error: "NoAccess" }
    const entry = this.entries.get(`${secTag}/${type}`)
    return entry ? { ok: { secTag, type, sha256: sha(entry.content), content: entry.content } } : { error: "NotFound" }
  }

  delete(secTag: number, type: number): Outcome {
    const bad = this.badPair(secTag, type)
    if (bad) return bad
    if (secTag > 2147483647 || type >= 6) return { error: "NoAccess" }
    return this.entries.delete(`${secTag}/${type}`) ? { ok: undefined } : { error: "NotFound" }
  }

  secret(secTag: number, type: number): Outcome {
    const bad = this.badPair(secTag, type)
    if (bad) return bad
    const entry = this.all().find((e) => e.secTag === secTag && e.type === type)
    if (!entry) return { error: "NotFound" }
    return {
      ok:
        entry.password === undefined ? { content: entry.content } : { content: entry.content, password: entry.password }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Operations

type Op =
  | { readonly op: "write"; readonly input: CredStore.WriteInput }
  | { readonly op: "list"; readonly filter: CredStore.ListFilter }
  | { readonly op: "read" | "delete" | "secret"; readonly secTag: number; readonly type: number }
  | { readonly op: "reload" }

const secTagArb = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 3 }), weight: 12 },
  {
    arbitrary: fc.constantFrom(
      2147483647,
      2147483648,
      4294967292,
      4294967293,
      4294967294,
      4294967295,
      4294967296,
      -1,
      1.5
    ),
    weight: 1
  }
)
const typeArb = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 5 }), weight: 12 },
  { arbitrary: fc.integer({ min: -1, max: 12 }), weight: 2 },
  { arbitrary: fc.constant(0.5), weight: 1 }
)
const contentArb = fc.oneof(
  { arbitrary: fc.constant(""), weight: 1 },
  {
    arbitrary: fc.string({
      unit: fc.constantFrom("a", "B", "0", "é", "😀", "\r\n", "\n", "!"),
      minLength: 1,
      maxLength: 10
    }),
    weight: 8
  }
)
const passwordArb = fc.constantFrom("", "pw", "p".repeat(32), "p".repeat(33), "é".repeat(16), "é".repeat(17))

const writeArb = fc
  .record({
    secTag: secTagArb,
    type: typeArb,
    content: contentArb,
    password: fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: passwordArb, weight: 1 }),
    overwrite: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.boolean(), weight: 1 })
  })
  .map(
    ({ password, overwrite, ...rest }): Op => ({
      op: "write",
      input: {
        ...rest,
        ...(password === undefined ? {} : { password }),
        ...(overwrite === undefined ? {} : { overwrite })
      }
    })
  )
const pairArb = (op: "read" | "delete" | "secret") =>
  fc.record({ secTag: secTagArb, type: typeArb }).map((pair): Op => ({ op, ...pair }))
const listArb = fc
  .record({ secTag: secTagArb, type: typeArb }, { requiredKeys: [] })
  .map((filter): Op => ({ op: "list", filter }))

const opArb = (withReload: boolean) =>
  fc.oneof(
    { arbitrary: writeArb, weight: 10 },
    { arbitrary: listArb, weight: 1 },
    { arbitrary: pairArb("read"), weight: 2 },
    { arbitrary: pairArb("delete"), weight: 2 },
    { arbitrary: pairArb("secret"), weight: 1 },
    { arbitrary: fc.constant<Op>({ op: "reload" }), weight: withReload ? 2 : 0 }
  )

const scenarioArb = (options: { withReload: boolean; maxOps: number; roomy: boolean }) =>
  fc.record({
    maxEntries: fc.integer({ min: 1, max: options.roomy ? 10 : 5 }),
    maxBytes: fc.integer({ min: 4, max: options.roomy ? 200 : 40 }),
    ops: fc.array(opArb(options.withReload), { minLength: 1, maxLength: options.maxOps, size: "max" })
  })

// ---------------------------------------------------------------------------------------------------------------
// Running a scenario

const outcome = <A>(effect: Effect.Effect<A, { readonly _tag: string }>): Effect.Effect<Outcome> =>
  Effect.match(effect, { onSuccess: (ok): Outcome => ({ ok }), onFailure: (error): Outcome => ({ error: error._tag }) })

const runOp = (store: CredStore.CredStore["Service"], op: Exclude<Op, { op: "reload" }>) => {
  switch (op.op) {
    case "write":
      return outcome(store.write(op.input))
    case "list":
      return outcome(store.list(op.filter))
    case "read":
      return outcome(store.read(op.secTag, op.type))
    case "delete":
      return outcome(store.delete(op.secTag, op.type))
    case "secret":
      return outcome(store.secret(op.secTag, op.type))
  }
}

const runModel = (model: Model, op: Exclude<Op, { op: "reload" }>): Outcome => {
  switch (op.op) {
    case "write":
      return model.write(op.input)
    case "list":
      return model.list(op.filter)
    case "read":
      return model.read(op.secTag, op.type)
    case "delete":
      return model.delete(op.secTag, op.type)
    case "secret":
      return model.secret(op.secTag, op.type)
  }
}

/** Runs the operations of one store lifetime, comparing each step and the listing after it. */
const runSegment = (model: Model, ops: ReadonlyArray<Exclude<Op, { op: "reload" }>>, offset: number) =>
  CredStore.CredStore.use((store) =>
    Effect.gen(function* () {
      assert.deepStrictEqual(
        yield* store.list(),
        (model.list({}) as { ok: unknown }).ok,
        `listing at open, step ${offset}`
      )
      for (const [i, op] of ops.entries()) {
        const actual = yield* runOp(store, op)
        const expected = runModel(model, op)
        assert.deepStrictEqual(actual, expected, `step ${offset + i}: ${JSON.stringify(op)}`)
        assert.deepStrictEqual(
          yield* store.list(),
          (model.list({}) as { ok: unknown }).ok,
          `listing after step ${offset + i}`
        )
      }
    })
  )

/** Splits at `reload`: each part runs on a freshly opened store. */
const segments = (ops: ReadonlyArray<Op>) => {
  const parts: Array<{ offset: number; ops: Array<Exclude<Op, { op: "reload" }>> }> = [{ offset: 0, ops: [] }]
  ops.forEach((op, i) => {
    if (op.op === "reload") parts.push({ offset: i + 1, ops: [] })
    else parts.at(-1)!.ops.push(op)
  })
  return parts
}

const configFor = (scenario: { maxEntries: number; maxBytes: number }): CredStore.Config => ({
  capacity: { maxEntries: scenario.maxEntries, maxBytes: scenario.maxBytes },
  validator: testValidator,
  modemOwned: MODEM_OWNED
})

describe("CredStore model", () => {
  it.live("agrees with the model, memory backend", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(scenarioArb({ withReload: false, maxOps: 40, roomy: false }), (scenario) => {
          const model = new Model(scenario.maxEntries, scenario.maxBytes)
          const layer = CredStore.layer(configFor(scenario)).pipe(Layer.provide(CredentialStorage.layerMemory()))
          return Effect.runPromise(Effect.provide(runSegment(model, segments(scenario.ops)[0]!.ops, 0), layer))
        }),
        { numRuns: 300 }
      )
    )
  )

  it.live("agrees with the model, file backend, reopening from disk between segments", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(scenarioArb({ withReload: true, maxOps: 30, roomy: true }), (scenario) => {
          const directory = mkdtempSync(join(tmpdir(), "credstore-model-"))
          const model = new Model(scenario.maxEntries, scenario.maxBytes)
          const layer = CredStore.layer(configFor(scenario)).pipe(
            Layer.provide(FileStore.layer(directory)),
            Layer.provide(platformLayer)
          )
          const program = Effect.forEach(segments(scenario.ops), (part) =>
            Effect.provide(runSegment(model, part.ops, part.offset), layer)
          ).pipe(Effect.asVoid, Effect.ensuring(Effect.sync(() => rmSync(directory, { recursive: true, force: true }))))
          return Effect.runPromise(program)
        }),
        { numRuns: 40 }
      )
    )
  )
})
