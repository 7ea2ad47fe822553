/**
 * A session: one connection's byte stream to a modem. Bytes in are framed into command lines (quote-aware,
 * length-limited), each line runs on the modem, and the responses go out in order. A failing command never
 * ends the session; an overlong line is answered `ERROR` without being buffered.
 *
 * @since 0.1.0
 */
import { Framer, ResponseWriter } from "@atmodem/at-protocol"
import { concatBytes } from "@noble/hashes/utils.js"
import { Effect, Exit } from "effect"
import * as Outcome from "./internal/Outcome.ts"
import * as Utf8Slab from "./internal/Utf8Slab.ts"
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

/** An overlong line is answered like a syntax error: a bare `ERROR` whatever the `+CMEE` mode. */
const overflowResponse = Exit.succeed(ResponseWriter.formatFinal(ResponseWriter.error, 0))

export const make = (modem: Modem): Session => {
  const framer = Framer.make()
  const encode = Utf8Slab.make()
  // One uninterruptible region per chunk, not per line: the lines of a chunk run as plain code while they finish
  // synchronously; waiting for the modem, asynchronous commands and writes stay interruptible. This runs for
  // every chunk a connection receives.
  const feed = <E, R>(chunk: Uint8Array, write: (response: Uint8Array) => Effect.Effect<void, E, R>) =>
    Effect.uninterruptibleMask((restore) =>
      Effect.suspend(() => {
        const frames = framer.push(chunk)
        const from = (index: number): Effect.Effect<void, E, R> => {
          for (let i = index; i < frames.length; i++) {
            const frame = frames[i]!
            const response = frame._tag === "Overflow" ? overflowResponse : modem.executeNow(frame.line, restore)
            if (Outcome.succeeded(response)) {
              const written = write(encode(response.value))
              if (Outcome.succeeded(written)) continue
              return Effect.flatMap(restore(written), () => from(i + 1))
            }
            return Effect.flatMap(response, (text) => Effect.flatMap(restore(write(encode(text))), () => from(i + 1)))
          }
          return Effect.void
        }
        return from(0)
      })
    )
  return {
    feed,
    feedAll: (chunk) =>
      Effect.suspend(() => {
        const parts: Array<Uint8Array> = []
        const collected = feed(chunk, (response) => {
          parts.push(response)
          return Effect.void
        })
        const all = () => (parts.length === 1 ? parts[0]! : concatBytes(...parts))
        return Outcome.succeeded(collected) ? Exit.succeed(all()) : Effect.map(collected, all)
      })
  }
}
