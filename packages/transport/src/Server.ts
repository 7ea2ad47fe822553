/**
 * The server side every transport shares: a channel becomes one session of a modem (bytes in → command lines →
 * responses out), and a set of connections is shut down gracefully.
 *
 * - One session per channel: each has its own framer state, so a client's partial line or garbage never mixes
 *   with another client's bytes. The modem runs command lines one at a time, whichever session sends them.
 * - A failing command never ends a session (it is answered `ERROR`/`+CME ERROR`); a closed, broken or stalled
 *   connection ends or stalls only its own session.
 * - Received bytes are processed a chunk at a time, uninterruptibly: when the server shuts down, commands already
 *   received finish and their responses are queued before the connection closes, so a `%CMNG` write that was
 *   executed is also acknowledged when the client still reads.
 *
 * @since 0.1.0
 */
import { Modem, Session } from "@atmodem/modem-sim"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { type Channel, TransportError } from "./Channel.ts"
import { classify } from "./internal/httpRequest.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface ServeChannelOptions {
  /**
   * Closes a connection that starts like an HTTP request before any of its bytes run (default false). For
   * listeners a browser can reach: a web page can send a request to any loopback port, and its lines would
   * otherwise run as AT commands.
   */
  readonly rejectHttp?: boolean | undefined
}

type Feed = (chunk: Uint8Array) => Effect.Effect<void, TransportError>

const joined = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

// Holds back a connection's first bytes until they cannot start an HTTP request line (at most 8 bytes).
const guardHttp = (channel: Channel, feed: Feed): Feed => {
  let head: Uint8Array | undefined = new Uint8Array(0)
  return (chunk) => {
    if (head === undefined) return feed(chunk)
    const bytes = head.length === 0 ? chunk : joined(head, chunk)
    const kind = classify(bytes)
    if (kind === "undecided") {
      head = bytes
      return Effect.void
    }
    if (kind === "http") {
      const reason = "an HTTP request (a web page?) on the AT port: connection closed, nothing of it ran"
      return Effect.andThen(
        Effect.logWarning(`${channel.description}: ${reason}`),
        Effect.fail(new TransportError({ reason }))
      )
    }
    head = undefined
    return feed(bytes)
  }
}

/**
 * Serves one channel until the peer closes it, it breaks, or the fiber is interrupted; then closes the channel.
 * Never fails: transport errors end only this session and are logged at debug level.
 *
 * @since 0.1.0
 * @category server
 */
export const serveChannel = (
  modem: Modem.Modem,
  channel: Channel,
  options: ServeChannelOptions = {}
): Effect.Effect<void> =>
  Effect.suspend(() => {
    const session = Session.make(modem)
    const feed: Feed = (chunk) => Effect.uninterruptible(session.feed(chunk, channel.write))
    return channel.incoming.pipe(
      Stream.runForEach(options.rejectHttp === true ? guardHttp(channel, feed) : feed),
      Effect.catchCause((cause) =>
        Cause.hasInterruptsOnly(cause)
          ? Effect.interrupt
          : Cause.hasFails(cause)
            ? Effect.logDebug(`${channel.description}: session ended`, Cause.squash(cause))
            : Effect.logError(`${channel.description}: session failed`, cause)
      )
    )
  }).pipe(
    Effect.ensuring(channel.close),
    Effect.onExit(() => Effect.logDebug(`${channel.description}: disconnected`))
  )

/**
 * The open sessions of a listener. `accept` can be called from any callback (an `accept` on a server socket);
 * each channel is served in the background until it closes.
 *
 * @since 0.1.0
 * @category models
 */
export interface Connections {
  /** Serves a newly connected channel in the background; after shutdown began, closes it instead. */
  readonly accept: (channel: Channel) => void
  /** How many channels are being served now. */
  readonly size: Effect.Effect<number>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ConnectionsOptions extends ServeChannelOptions {
  /**
   * On shutdown, how long in-flight commands and pending output may take before the remaining channels are
   * closed hard (default 5000 ms).
   */
  readonly graceMillis?: number | undefined
}

/**
 * A set of connections served on the modem in context. When the scope closes: new channels are refused, each
 * session finishes the bytes it already received, then every channel is closed (after `graceMillis` at most).
 * Close the listener (stop accepting) in a finalizer added after this one, so it runs first.
 *
 * @since 0.1.0
 * @category server
 */
export const makeConnections = (
  options: ConnectionsOptions = {}
): Effect.Effect<Connections, never, Modem.ModemService | Scope.Scope> =>
  Effect.gen(function* () {
    const modem = yield* Modem.ModemService
    const context = yield* Effect.context<never>()
    const run = Effect.runForkWith(context)
    const live = new Map<Fiber.Fiber<void>, Channel>()
    let closing = false

    const accept = (channel: Channel) => {
      if (closing) {
        run(channel.close)
        return
      }
      const fiber = run(
        Effect.logDebug(`${channel.description}: connected`).pipe(Effect.andThen(serveChannel(modem, channel, options)))
      )
      live.set(fiber, channel)
      fiber.addObserver(() => live.delete(fiber))
    }

    yield* Effect.addFinalizer(() =>
      Effect.gen(function* () {
        closing = true
        const fibers = [...live.keys()]
        if (fibers.length === 0) return
        yield* Effect.logDebug(`closing ${fibers.length} connection(s)`)
        // Interrupting waits for the chunk each session is processing; a session stuck writing to a peer that
        // does not read is released by closing its channel once the grace period is over.
        const interrupted = yield* Effect.forkChild(Fiber.interruptAll(fibers))
        const settled = yield* Fiber.await(interrupted).pipe(Effect.timeoutOption(options.graceMillis ?? 5000))
        if (settled._tag === "None") {
          yield* Effect.forEach([...live.values()], (channel) => channel.close, {
            concurrency: "unbounded",
            discard: true
          })
          yield* Fiber.await(interrupted)
        }
      })
    )

    return { accept, size: Effect.sync(() => live.size) }
  })

/**
 * Serves a single channel on the modem in context (for one-connection transports: stdio, a serial line) and
 * returns when the peer closes it.
 *
 * @since 0.1.0
 * @category server
 */
export const serveOne = (channel: Channel): Effect.Effect<void, never, Modem.ModemService> =>
  Effect.gen(function* () {
    yield* serveChannel(yield* Modem.ModemService, channel)
  })
