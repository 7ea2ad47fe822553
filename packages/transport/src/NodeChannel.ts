/**
 * Channels over Node-style streams (`node:stream` Readable/Writable, as Node, Bun and Deno all provide): a TCP
 * socket, a serial port, a child process's stdio, the process's own stdin/stdout. Transports built on such
 * streams need only this.
 *
 * - Reading uses flowing mode with backpressure: a chunk the session has not taken yet pauses the stream, so a
 *   client that floods the modem fills its own socket buffers, not this process's memory.
 * - An `error` listener is attached at once, so a connection reset is a {@link Channel.TransportError} on this
 *   channel and never an uncaught exception.
 *
 * @since 0.1.0
 */
import type { Readable, Writable } from "node:stream"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import { type Channel, describeError, TransportError } from "./Channel.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly readable: Readable
  readonly writable: Writable
  /** For logs and error messages: `tcp 127.0.0.1:51234`. */
  readonly description: string
  /**
   * How `close` ends the channel. `"end"` (default): end the writable (flushing it), wait up to `graceMillis` for
   * it to finish, then `destroy`. `"flush"`: only wait (up to `graceMillis`) until what was written has been
   * handed on, then `destroy` — for streams that must not be ended, like the process's own stdout (pass a no-op
   * `destroy` to leave them open).
   */
  readonly closeMode?: "end" | "flush" | undefined
  /** Releases the underlying resource after ending (default: destroy both streams). */
  readonly destroy?: (() => void) | undefined
  /** How long `close` waits for pending output to be taken (default 1000 ms). */
  readonly graceMillis?: number | undefined
}

/** Chunks read ahead of the session before the stream is paused. */
const READ_AHEAD = 16

const toBytes = (chunk: unknown): Uint8Array =>
  chunk instanceof Uint8Array
    ? chunk
    : typeof chunk === "string"
      ? new TextEncoder().encode(chunk)
      : new Uint8Array(chunk as ArrayBuffer)

/**
 * A channel over a readable and a writable stream (the same object for a duplex such as a socket).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromStreams = (options: Options): Channel => {
  const { readable, writable, description } = options
  const graceMillis = options.graceMillis ?? 1000
  let failure: TransportError | undefined
  let closed = false

  const onError = (error: unknown) => {
    failure ??= new TransportError({ reason: `${description}: ${describeError(error)}`, cause: error })
  }
  readable.on("error", onError)
  if (writable !== (readable as unknown)) writable.on("error", onError)

  const destroy =
    options.destroy ??
    (() => {
      readable.destroy()
      writable.destroy()
    })

  const incoming = Stream.callback<Uint8Array, TransportError>(
    (queue) =>
      Effect.acquireRelease(
        Effect.sync(() => {
          const end = () => Queue.endUnsafe(queue)
          const fail = (error: unknown) => {
            onError(error)
            Queue.failCauseUnsafe(queue, Cause.fail(failure!))
          }
          const onData = (chunk: unknown) => {
            const bytes = toBytes(chunk)
            if (Queue.offerUnsafe(queue, bytes)) return
            // The session is behind: stop reading until it takes this chunk.
            readable.pause()
            Effect.runFork(Queue.offer(queue, bytes).pipe(Effect.andThen(Effect.sync(() => readable.resume()))))
          }
          // A stream destroyed with an error may not have emitted it yet: take it from `errored`.
          const errored = (readable as { readonly errored?: unknown }).errored
          if (failure === undefined && errored !== null && errored !== undefined) onError(errored)
          if (failure !== undefined) Queue.failCauseUnsafe(queue, Cause.fail(failure))
          else if (readable.readableEnded || readable.destroyed) end()
          readable.on("data", onData)
          readable.once("end", end)
          readable.once("close", end)
          readable.on("error", fail)
          return () => {
            readable.off("data", onData)
            readable.off("end", end)
            readable.off("close", end)
            readable.off("error", fail)
          }
        }),
        (detach) => Effect.sync(detach)
      ),
    { bufferSize: READ_AHEAD, strategy: "suspend" }
  )

  const closedError = () => failure ?? new TransportError({ reason: `${description} is closed` })

  const write = (bytes: Uint8Array) =>
    Effect.callback<void, TransportError>((resume) => {
      if (closed || failure !== undefined || writable.destroyed || writable.writableEnded) {
        resume(Effect.fail(closedError()))
        return
      }
      if (writable.write(bytes)) {
        resume(Effect.void)
        return
      }
      const cleanup = () => {
        writable.off("drain", onDrain)
        writable.off("close", onClose)
      }
      const onDrain = () => {
        cleanup()
        resume(Effect.void)
      }
      const onClose = () => {
        cleanup()
        resume(Effect.fail(closedError()))
      }
      writable.on("drain", onDrain)
      writable.on("close", onClose)
      return Effect.sync(cleanup)
    })

  /** Resolves when `done` is signalled or after the grace period, whichever comes first. */
  const waitAtMost = (subscribe: (done: () => void) => () => void) =>
    Effect.callback<void>((resume) => {
      let unsubscribe = () => {}
      const timer = setTimeout(() => {
        unsubscribe()
        resume(Effect.void)
      }, graceMillis)
      unsubscribe = subscribe(() => {
        clearTimeout(timer)
        unsubscribe()
        resume(Effect.void)
      })
      return Effect.sync(() => {
        clearTimeout(timer)
        unsubscribe()
      })
    })

  const flushed = waitAtMost((done) => {
    if (writable.writableLength === 0 || writable.destroyed) {
      queueMicrotask(done)
      return () => {}
    }
    const check = () => {
      if (writable.writableLength === 0) done()
    }
    writable.on("drain", check)
    writable.on("close", done)
    return () => {
      writable.off("drain", check)
      writable.off("close", done)
    }
  })

  const ended = waitAtMost((done) => {
    if (writable.writableFinished || writable.destroyed) {
      queueMicrotask(done)
      return () => {}
    }
    writable.on("finish", done)
    writable.on("close", done)
    writable.on("error", done)
    writable.end()
    return () => {
      writable.off("finish", done)
      writable.off("close", done)
      writable.off("error", done)
    }
  })

  const close = Effect.suspend(() => {
    if (closed) return Effect.void
    closed = true
    return (options.closeMode === "flush" ? flushed : ended).pipe(Effect.andThen(Effect.sync(destroy)))
  }).pipe(Effect.uninterruptible)

  return { description, incoming, write, close }
}
