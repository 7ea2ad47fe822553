/**
 * `%CMNG`: credential storage — 0 write, 1 list, 2 read, 3 delete. The rules (ranges, modem-owned entries,
 * readable types, capacity, SHA-256) live in credstore; this module reads the parameters, applies the
 * modem-state rules (518, 528) and writes the information lines.
 */
import * as Effect from "effect/Effect"
import { fromCredStore, IncorrectParameters } from "../CmeError.ts"
import type { CommandSpec, Handler } from "../internal/CommandSpec.ts"
import { storageChangeAllowed } from "../internal/Guards.ts"
import * as Params from "../internal/Params.ts"

const MAX_TAG = 4294967295
/** Types outside 0..11 are 50 for every opcode (a list filter included). */
const MAX_TYPE = 11

const write: Handler = (params, env) =>
  Effect.gen(function* () {
    yield* Params.atMost(params, 5, "%CMNG write")
    const secTag = yield* Params.integer(params, 1, "sec_tag", 0, MAX_TAG)
    const type = yield* Params.integer(params, 2, "type", 0, MAX_TYPE)
    const content = params[3]
    if (content?._tag !== "String" || content.value === "")
      return yield* new IncorrectParameters({ reason: "content must be a non-empty quoted string" })
    const password = yield* Params.optionalString(params, 4, "passwd")
    yield* storageChangeAllowed(env, "writing a credential")
    yield* Effect.mapError(
      env.credentials.write({
        secTag,
        type,
        content: content.value,
        ...(password === undefined ? {} : { password })
      }),
      fromCredStore
    )
    return []
  })

const list: Handler = (params, env) =>
  Effect.gen(function* () {
    yield* Params.atMost(params, 3, "%CMNG list")
    const secTag = yield* Params.optionalInteger(params, 1, "sec_tag", 0, MAX_TAG)
    const type = yield* Params.optionalInteger(params, 2, "type", 0, MAX_TYPE)
    if (secTag === undefined && type !== undefined)
      return yield* new IncorrectParameters({ reason: "a type filter needs a sec_tag" })
    const entries = yield* env.credentials.list({
      ...(secTag === undefined ? {} : { secTag }),
      ...(type === undefined ? {} : { type })
    })
    return entries.map((entry) => `%CMNG: ${entry.secTag},${entry.type},"${entry.sha256}"`)
  })

const read: Handler = (params, env) =>
  Effect.gen(function* () {
    yield* Params.atMost(params, 3, "%CMNG read")
    const secTag = yield* Params.integer(params, 1, "sec_tag", 0, MAX_TAG)
    const type = yield* Params.integer(params, 2, "type", 0, MAX_TYPE)
    const credential = yield* Effect.mapError(env.credentials.read(secTag, type), fromCredStore)
    return [`%CMNG: ${credential.secTag},${credential.type},"${credential.sha256}","${credential.content}"`]
  })

const remove: Handler = (params, env) =>
  Effect.gen(function* () {
    yield* Params.atMost(params, 3, "%CMNG delete")
    const secTag = yield* Params.integer(params, 1, "sec_tag", 0, MAX_TAG)
    const type = yield* Params.integer(params, 2, "type", 0, MAX_TYPE)
    yield* storageChangeAllowed(env, "deleting a credential")
    yield* Effect.mapError(env.credentials.delete(secTag, type), fromCredStore)
    return []
  })

const operations: ReadonlyArray<Handler> = [write, list, read, remove]

export const commands: ReadonlyArray<CommandSpec> = [
  {
    name: "%CMNG",
    set: (params, env) => {
      const opcode = params[0]
      const operation = opcode?._tag === "Integer" ? operations[opcode.value] : undefined
      return operation === undefined
        ? Effect.fail(new IncorrectParameters({ reason: "opcode must be 0 (write), 1 (list), 2 (read) or 3 (delete)" }))
        : operation(params, env)
    }
  }
]
