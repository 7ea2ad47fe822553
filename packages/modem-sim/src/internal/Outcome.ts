import type * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
/**
 * Whether an effect is already a successful `Exit`: what a handler returns when it finished synchronously.
 * The hot path reads the value at once instead of running an Effect for it.
 */
export const succeeded = <A, E, R>(effect: Effect.Effect<A, E, R>): effect is Exit.Success<A, E> =>
  Exit.isExit(effect) && Exit.isSuccess(effect)
