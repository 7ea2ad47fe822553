/** `ATE0` / `ATE1`: command echo (chosen: the modem has no echo by default; `ATE` alone means `ATE0`). */
import * as Effect from "effect/Effect"
import { PlainError } from "../CmeError.ts"
import type { CommandSpec } from "../internal/CommandSpec.ts"

const setEcho = (on: boolean) => (_: unknown, env: { readonly state: { echo: boolean } }) =>
  Effect.sync(() => {
    env.state.echo = on
    return []
  })

export const commands: ReadonlyArray<CommandSpec> = [
  {
    name: "E",
    execute: setEcho(false),
    set: (params, env) => {
      const [param] = params
      if (params.length !== 1 || param?._tag !== "Integer" || (param.value !== 0 && param.value !== 1))
        return Effect.fail(new PlainError({ reason: "ATE takes 0 or 1" }))
      return setEcho(param.value === 1)(params, env)
    }
  }
]
