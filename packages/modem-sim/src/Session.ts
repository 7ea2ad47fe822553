/**
 * A session: one connection's byte stream to a modem. Bytes in are framed into command lines (quote-aware,
 * length-limited), each line runs on the modem, and the responses go out in order. A failing command never
 * ends the session; an overlong line is answered `ERROR` without being buffered.
 *
 * @since 0.1.0
 */
import { Framer, ResponseWriter } from "@atmodem/at-protocol"
import { concatBytes } from "@noble/hashes/utils.js"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Outcome from "./internal/Outcome.ts"
import type { Modem } from "./Modem.ts"

export interface Session {
  /** Feeds received bytes; `write` is called with each complete response, in order, as soon as it is ready. */
  readonly feed: <E, R>(
    chunk: Uint8Array,
    write: (response: Uint8Array) => Effect.Effect<void, E, R>
  ) => Effect.Effect<void, E, R>
  /** Feeds received bytes and returns all the responses they complete, concatenated. */
  readonly feedAll: (chunk: Uint8Array) => Effect.Effect<Uint8Array>
}

const empty = new Uint8Array(0)
/** An overlong line is answered like a syntax error: a bare `ERROR` whatever the `+CMEE` mode. */
const overflowResponse = Exit.succeed(ResponseWriter.formatFinal(ResponseWriter.error, 0))

export const make = (modem: Modem): Session => {
  const framer = Framer.make()
  // This runs for every chunk a connection receives.
  const feed = <E, R>(chunk: Uint8Array, write: (response: Uint8Array) => Effect.Effect<void, E, R>) =>
    Effect.suspend(() => respond(framer.push(chunk), 0, write))
  // Answers `frames` from `index` in order: plain code while lines and writes finish synchronously, an Effect
  // from the first one that has to wait.
  const respond = <E, R>(
    frames: ReadonlyArray<Framer.Frame>,
    index: number,
    write: (response: Uint8Array) => Effect.Effect<void, E, R>
  ): Effect.Effect<void, E, R> => {
    for (let i = index; i < frames.length; i++) {
      const frame = frames[i]!
      const response = frame._tag === "Overflow" ? overflowResponse : modem.executeNow(frame.line)
      if (!Outcome.succeeded(response))
        return Effect.flatMap(response, (text) =>
          Effect.flatMap(write(ResponseWriter.encode(text)), () => respond(frames, i + 1, write))
        )
      const written = write(ResponseWriter.encode(response.value))
      if (!Outcome.succeeded(written)) return Effect.flatMap(written, () => respond(frames, i + 1, write))
    }
    return Effect.void
  }
  return {
    feed,
    feedAll: (chunk) =>
      Effect.suspend(() => {
        let single: Uint8Array | undefined
        let parts: Array<Uint8Array> | undefined
        const collect = (response: Uint8Array) => {
          if (single === undefined) single = response
          else if (parts === undefined) parts = [single, response]
          else parts.push(response)
          return Effect.void
        }
        const all = () => (parts !== undefined ? concatBytes(...parts) : (single ?? empty))
        const done = respond(framer.push(chunk), 0, collect)
        return Outcome.succeeded(done) ? Exit.succeed(all()) : Effect.map(done, all)
      })
  }
}
