/**
 * The in-process transport: a pair of connected byte channels, and a listener that serves one end of each new
 * pair on a modem. No sockets, no serialisation beyond the AT bytes themselves — the reference the other
 * transports are measured against, and the worked example of `@atmodem/transport`'s CONTRIBUTING guide.
 *
 * @since 0.1.0
 */
import type { Modem } from "@atmodem/modem-sim"
import { Channel, Server } from "@atmodem/transport"
import type * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
/**
 * @since 0.1.0
 * @category models
 */
export interface PairOptions {
  /** Chunks buffered in each direction before `write` waits for the reader (default 16). */
  readonly bufferSize?: number | undefined
  /** Names of the two ends, for logs (default `memory client` and `memory server`). */
  readonly names?: readonly [string, string] | undefined
}

type Pipe = Queue.Queue<Uint8Array, Cause.Done>

/** One end: reads `inbox`, writes `outbox`. */
const end = (description: string, inbox: Pipe, outbox: Pipe): Channel.Channel => {
  const closedError = new Channel.TransportError({ reason: `${description} is closed` })
  return Channel.make({
    description,
    incoming: Stream.fromQueue(inbox),
    // Copy: the writer may reuse its buffer once `write` returns.
    write: (bytes) =>
      Effect.flatMap(Queue.offer(outbox, bytes.slice()), (accepted) =>
        accepted ? Effect.void : Effect.fail(closedError)
      ),
    close: Effect.sync(() => {
      // The peer reads what was already sent, then sees the end; what it sends from now on is refused.
      Queue.endUnsafe(outbox)
      Queue.endUnsafe(inbox)
      Queue.shutdownUnsafe(inbox)
    })
  })
}

/**
 * Two connected channels: bytes written to one arrive on the other's `incoming`. Closing one end makes the
 * other's `incoming` end after it has read what was sent, and its writes fail.
 *
 * @since 0.1.0
 * @category constructors
 */
export const pair = (options: PairOptions = {}): Effect.Effect<readonly [Channel.Channel, Channel.Channel]> =>
  Effect.gen(function* () {
    const size = options.bufferSize ?? 16
    const [a, b] = options.names ?? ["memory client", "memory server"]
    const aToB: Pipe = yield* Queue.bounded<Uint8Array, Cause.Done>(size)
    const bToA: Pipe = yield* Queue.bounded<Uint8Array, Cause.Done>(size)
    return [end(a, bToA, aToB), end(b, aToB, bToA)] as const
  })

/**
 * A memory listener: each `connect` makes a pair, serves its server end on the modem and returns the client end.
 *
 * @since 0.1.0
 * @category models
 */
export interface Listener {
  /** A new connection to the modem; closed with the scope. */
  readonly connect: Effect.Effect<Channel.Channel, never, Scope.Scope>
  /** Connections being served now. */
  readonly connections: Effect.Effect<number>
}

/**
 * Serves the modem in context to in-process clients for the life of the scope.
 *
 * @since 0.1.0
 * @category server
 */
export const serve = (
  options: PairOptions & Server.ConnectionsOptions = {}
): Effect.Effect<Listener, never, Modem.ModemService | Scope.Scope> =>
  Effect.gen(function* () {
    const connections = yield* Server.makeConnections(options)
    let count = 0
    const connect = Effect.acquireRelease(
      Effect.gen(function* () {
        count++
        const [client, server] = yield* pair({
          ...options,
          names: options.names ?? [`memory client #${count}`, `memory server #${count}`]
        })
        connections.accept(server)
        return client
      }),
      (client) => client.close
    )
    return { connect, connections: connections.size }
  })

/**
 * One in-process connection to the modem in context, closed with the scope.
 *
 * @since 0.1.0
 * @category client
 */
export const connect = (
  options: PairOptions & Server.ConnectionsOptions = {}
): Effect.Effect<Channel.Channel, never, Modem.ModemService | Scope.Scope> =>
  Effect.flatMap(serve(options), (listener) => listener.connect)
