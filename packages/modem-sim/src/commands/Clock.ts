/**
 * `+CCLK` and `%CCLK`: set and read the modem clock. The date-time is UTC and the zone is extra information
 * (the SDK reads it with timegm). Once set the clock runs on; `%CCLK` adds daylight saving (0..2) and allows
 * zone 99 (unknown). Reading while the modem has no valid time answers `ERROR`.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import { IncorrectParameters, PlainError } from "../CmeError.ts"
import type { CommandSpec, Handler } from "../internal/CommandSpec.ts"
import * as Params from "../internal/Params.ts"
import * as Time from "../internal/Time.ts"

const setClock =
  (extended: boolean): Handler =>
  (params, env) =>
    Effect.gen(function* () {
      yield* Params.atMost(params, extended ? 2 : 1, extended ? "%CCLK" : "+CCLK")
      const text = yield* Params.optionalString(params, 0, "time")
      if (text === undefined) return yield* new IncorrectParameters({ reason: "time is missing" })
      const dst = extended ? ((yield* Params.optionalInteger(params, 1, "dst", 0, 2)) ?? 0) : 0
      const parsed = Time.parse(text, { allowUnknownZone: extended })
      if (Result.isFailure(parsed)) return yield* new IncorrectParameters({ reason: parsed.failure })
      const hostMs = yield* Clock.currentTimeMillis
      env.state.clock = {
        _tag: "Set",
        offsetMs: parsed.success.epochMs - hostMs,
        timeZone: parsed.success.timeZone,
        dst
      }
      return []
    })

const readClock =
  (extended: boolean): Handler =>
  (_, env) =>
    Effect.gen(function* () {
      const clock = env.state.clock
      const now = yield* Time.now(clock)
      if (now === undefined || clock._tag === "Unset")
        return yield* new PlainError({ reason: "the modem has no valid time" })
      const text = `"${Time.format(now, clock.timeZone)}"`
      return [extended ? `%CCLK: ${text},${clock.dst}` : `+CCLK: ${text}`]
    })

export const commands: ReadonlyArray<CommandSpec> = [
  { name: "+CCLK", set: setClock(false), read: readClock(false) },
  { name: "%CCLK", set: setClock(true), read: readClock(true) }
]
