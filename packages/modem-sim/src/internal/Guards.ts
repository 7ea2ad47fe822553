import * as Effect from "effect/Effect"
import { NotAllowedInActiveState, NotAllowedInPowerOffWarning } from "../CmeError.ts"
import type { Env } from "./Env.ts"

/**
 * Credential writes, deletes and key generation need LTE off (518) and no power-off warning (528). Checked
 * after the parameters, so a malformed command still answers 50.
 */
export const storageChangeAllowed = (env: Env, what: string) => {
  if (env.state.lte)
    return Effect.fail(new NotAllowedInActiveState({ reason: `${what} is not allowed while LTE is active` }))
  if (env.state.powerOffWarning)
    return Effect.fail(new NotAllowedInPowerOffWarning({ reason: `${what} is not allowed after a power-off warning` }))
  return Effect.void
}
