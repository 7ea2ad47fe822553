import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Result from "effect/Result"
import type { ModemClock } from "../ModemState.ts"

/** The modem's UTC time in epoch milliseconds given the host clock, or `undefined` while it has no valid time. */
export const nowWith = (clock: ModemClock, hostMs: number): number | undefined =>
  clock._tag === "Unset" ? undefined : hostMs + clock.offsetMs

/**
 * The host clock of the fiber running the current command (a `TestClock` in tests), read without an Effect:
 * command handlers run synchronously inside the session's fiber. Outside any fiber, the default clock.
 */
export const hostClock = (): Clock.Clock => {
  const fiber = Fiber.getCurrent()
  return fiber === undefined ? defaultClock : fiber.getRef(Clock.Clock)
}
const defaultClock = Effect.runSync(Clock.clockWith(Effect.succeed))

/** The modem's UTC time in epoch milliseconds, or `undefined` while it has no valid time. */
export const now = (clock: ModemClock): Effect.Effect<number | undefined> =>
  clock._tag === "Unset" ? Effect.succeed(undefined) : Effect.map(Clock.currentTimeMillis, (ms) => nowWith(clock, ms))

const two = (n: number) => String(n).padStart(2, "0")

/** `yy/MM/dd,hh:mm:ss±zz` for a UTC time and a time zone in quarter hours (99: unknown, written `+99`). */
export const format = (epochMs: number, timeZone: number): string => {
  const d = new Date(epochMs)
  const zone = timeZone < 0 ? `-${two(-timeZone)}` : `+${two(timeZone)}`
  return `${two(d.getUTCFullYear() % 100)}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())},${two(
    d.getUTCHours()
  )}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}${zone}`
}

const pattern = /^(\d\d)\/(\d\d)\/(\d\d),(\d\d):(\d\d):(\d\d)([+-])(\d\d)$/

/**
 * Parses `yy/MM/dd,hh:mm:ss±zz` (years 2000–2099). The date-time is UTC; the zone (quarter hours, −48..+48,
 * or 99 = unknown where `allowUnknownZone`) is extra information.
 */
export const parse = (
  text: string,
  options: { readonly allowUnknownZone: boolean }
): Result.Result<{ readonly epochMs: number; readonly timeZone: number }, string> => {
  const m = pattern.exec(text)
  if (m === null) return Result.fail(`time "${text}" is not yy/MM/dd,hh:mm:ss±zz`)
  const [year, month, day, hour, minute, second, zone] = [m[1], m[2], m[3], m[4], m[5], m[6], m[8]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number
  ]
  const timeZone = m[7] === "-" ? -zone : zone
  const epochMs = Date.UTC(2000 + year, month - 1, day, hour, minute, second)
  const d = new Date(epochMs)
  if (
    d.getUTCMonth() !== month - 1 ||
    d.getUTCDate() !== day ||
    d.getUTCHours() !== hour ||
    d.getUTCMinutes() !== minute ||
    d.getUTCSeconds() !== second
  )
    return Result.fail(`time "${text}" is not a valid date and time`)
  const unknownZone = options.allowUnknownZone && zone === 99 && m[7] === "+"
  if (!unknownZone && (timeZone < -48 || timeZone > 48)) return Result.fail("time zone must be -48..+48 quarter hours")
  return Result.succeed({ epochMs, timeZone })
}
