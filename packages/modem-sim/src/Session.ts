/**
 * A session: one connection's byte stream to a modem. Bytes in are framed into command lines (quote-aware,
 * length-limited), each line runs on the modem, and the responses go out in order. A failing command never
 * ends the session; an overlong line is answered `ERROR` without being buffered.
 *
 * @since 0.1.0
 */
import { Framer, ResponseWriter } from "@atmodem/at-protocol"
import { concatBytes } from "@noble/hashes/utils.js"
import { Effect } from "effect"
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

const encoder = new TextEncoder()
/** An overlong line is answered like a syntax error: a bare `ERROR` whatever the `+CMEE` mode. */
const overflowResponse = encoder.encode(ResponseWriter.formatFinal(ResponseWriter.error, 0))

export const make = (modem: Modem): Session => {
  const framer = Framer.make()
  const respond = (frame: Framer.Frame): Effect.Effect<Uint8Array> =>
    frame._tag === "Overflow"
      ? Effect.succeed(overflowResponse)
      : Effect.map(modem.execute(frame.line), (text) => encoder.encode(text))
  // Plain continuations rather than Effect.gen: this runs for every chunk a connection receives.
  const feed = <E, R>(chunk: Uint8Array, write: (response: Uint8Array) => Effect.Effect<void, E, R>) =>
    Effect.suspend(() => {
      const frames = framer.push(chunk)
      const from = (index: number): Effect.Effect<void, E, R> =>
        index === frames.length
          ? Effect.void
          : Effect.flatMap(respond(frames[index]!), (response) =>
              Effect.flatMap(write(response), () => from(index + 1))
            )
      return from(0)
    })
  return {
    feed,
    feedAll: (chunk) =>
      Effect.gen(function* () {
        const parts: Array<Uint8Array> = []
        yield* feed(chunk, (response) => Effect.sync(() => void parts.push(response)))
        return parts.length === 1 ? parts[0]! : concatBytes(...parts)
      })
  }
}
