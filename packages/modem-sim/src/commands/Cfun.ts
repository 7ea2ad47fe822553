/**
 * `+CFUN`: functional mode. LTE is active after 1, 2 and 21 and inactive after 0, 4, 20 and 44; credential
 * writes and key generation need it inactive. The read form reports 0 (off), 1 (LTE or GNSS running) or 4.
 */
import * as Effect from "effect/Effect"
import { IncorrectParameters } from "../CmeError.ts"
import type { CommandSpec } from "../internal/CommandSpec.ts"
import type { ModemState } from "../ModemState.ts"
import { reportedFunctionalMode } from "../ModemState.ts"

/** What each mode does to the state. 40/41 (UICC) leave LTE and GNSS as they are. */
const modes: { readonly [mode: number]: (state: ModemState) => void } = {
  0: (s) => Object.assign(s, { powered: false, lte: false, gnss: false }),
  1: (s) => Object.assign(s, { powered: true, lte: true, gnss: true }),
  2: (s) => Object.assign(s, { powered: true, lte: true }),
  4: (s) => Object.assign(s, { powered: true, lte: false, gnss: false }),
  20: (s) => Object.assign(s, { powered: true, lte: false }),
  21: (s) => Object.assign(s, { powered: true, lte: true }),
  30: (s) => Object.assign(s, { powered: true, gnss: false }),
  31: (s) => Object.assign(s, { powered: true, gnss: true }),
  40: (s) => Object.assign(s, { powered: true }),
  41: (s) => Object.assign(s, { powered: true }),
  44: (s) => Object.assign(s, { powered: true, lte: false, gnss: false })
}

export const commands: ReadonlyArray<CommandSpec> = [
  {
    name: "+CFUN",
    set: (params, env) => {
      const [param] = params
      const apply = param?._tag === "Integer" && params.length === 1 ? modes[param.value] : undefined
      if (apply === undefined)
        return Effect.fail(new IncorrectParameters({ reason: "+CFUN mode must be 0,1,2,4,20,21,30,31,40,41 or 44" }))
      apply(env.state)
      return Effect.succeed([])
    },
    read: (_, env) => Effect.succeed([`+CFUN: ${reportedFunctionalMode(env.state)}`]),
    test: () => Effect.succeed(["+CFUN: (0,1,4,20,21,30,31,40,41,44)"])
  }
]
