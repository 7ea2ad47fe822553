/**
 * A byte channel: the one thing every transport provides. Bytes written go to the peer; bytes the peer sends
 * arrive on `incoming`. A channel knows nothing of AT commands: a TCP socket, a serial line, a WebSocket, a child
 * process's stdio or an in-process pair are all channels.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
/**
 * One end of a byte stream.
 *
 * Contract every implementation keeps (and `test/ChannelContract.ts` checks for the memory pair):
 * - `incoming` emits received bytes in order and ends when the peer closes its side; it fails with a
 *   {@link TransportError} on an I/O error. It is meant to be run once.
 * - `write` hands bytes to the transport, in order. It completes when the transport can take more (so a peer
 *   that does not read slows its writer down instead of filling memory), and fails with a
 *   {@link TransportError} once the channel is closed or broken: a pending `write` never hangs past `close`.
 * - `close` ends the channel: it flushes what was written if the peer takes it within a short grace period,
 *   then releases the underlying resource. It is idempotent and never fails.
 *
 * @since 0.1.0
 * @category models
 */
export interface Channel {
  /** What the channel is connected to, for logs: `tcp 127.0.0.1:51234`, `serial /dev/ttyUSB0`. */
  readonly description: string
  /** Bytes from the peer, in order; ends when the peer closes. */
  readonly incoming: Stream.Stream<Uint8Array, TransportError>
  /** Sends bytes to the peer; completes when the transport can take more. */
  readonly write: (bytes: Uint8Array) => Effect.Effect<void, TransportError>
  /** Closes the channel (flushing within a grace period). Idempotent. */
  readonly close: Effect.Effect<void>
}

/**
 * A transport could not open, read, write or listen. `reason` says what happened in words; `cause` keeps the
 * underlying error (never key material: transports carry only what the peer sent).
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends Data.TaggedError("TransportError")<{
  readonly reason: string
  readonly cause?: unknown
}> {
  override get message() {
    return this.reason
  }
}

/**
 * Builds a channel from its parts.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (channel: Channel): Channel => channel

/**
 * The text of an unknown error, for `TransportError.reason`.
 *
 * @since 0.1.0
 * @category errors
 */
export const describeError = (error: unknown): string =>
  error instanceof Error ? error.message : typeof error === "string" ? error : String(error)
