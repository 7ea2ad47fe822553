/** `+CMEE`: report failures as `+CME ERROR: <n>` (1) or a bare `ERROR` (0, the power-on default). */
import * as Effect from "effect/Effect"
import { PlainError } from "../CmeError.ts"
import type { CommandSpec } from "../internal/CommandSpec.ts"

export const commands: ReadonlyArray<CommandSpec> = [
  {
    name: "+CMEE",
    set: (params, env) => {
      const [param] = params
      if (params.length !== 1) return Effect.fail(new PlainError({ reason: "+CMEE takes one parameter" }))
      if (param?._tag === "Empty") {
        env.state.cmee = 0
        return Effect.succeed([])
      }
      if (param?._tag !== "Integer" || (param.value !== 0 && param.value !== 1))
        return Effect.fail(new PlainError({ reason: "+CMEE takes 0 or 1" }))
      env.state.cmee = param.value
      return Effect.succeed([])
    },
    read: (_, env) => Effect.succeed([`+CMEE: ${env.state.cmee}`]),
    test: () => Effect.succeed(["+CMEE: (0,1)"])
  }
]
