/**
 * The modem on TCP: a listener (127.0.0.1 by default) serving many concurrent clients on one modem, one session
 * per connection, and a client channel to any `host:port` speaking raw AT bytes (the simulator, or a serial-to-
 * TCP bridge in front of a real modem).
 *
 * Each connection has its own session (framer state) and fiber: a client that disconnects mid-command, sends a
 * partial line forever, floods binary garbage or stops reading affects no other client. Connections are
 * half-open capable, so `printf 'AT+CGSN\r\n' | nc -N 127.0.0.1 7777` gets its answer before the socket closes.
 *
 * @since 0.1.0
 */
import * as net from "node:net"
import type { Modem } from "@atmodem/modem-sim"
import { Channel, NodeChannel, Server } from "@atmodem/transport"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
/**
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_HOST = "127.0.0.1"

/**
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_PORT = 7777

/**
 * @since 0.1.0
 * @category models
 */
export interface ServeOptions extends Server.ConnectionsOptions {
  /** Address to bind (default `127.0.0.1`: loopback only). */
  readonly host?: string | undefined
  /** Port (default 7777; 0 picks a free port, see `Listener.port`). */
  readonly port?: number | undefined
  /** Connections beyond this are refused (default 1024). */
  readonly maxConnections?: number | undefined
  /**
   * Close a connection that starts like an HTTP request before any of it runs (default true): a web page can
   * make the browser send a request to a loopback port, and its lines would otherwise run as AT commands.
   */
  readonly rejectHttp?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Listener {
  readonly host: string
  /** The port bound (useful with `port: 0`). */
  readonly port: number
  /** `tcp://host:port`. */
  readonly url: string
  /** Connections being served now. */
  readonly connections: Effect.Effect<number>
}

const hostForUrl = (host: string) => (host.includes(":") ? `[${host}]` : host)

/**
 * A channel over a connected TCP socket.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromSocket = (socket: net.Socket, description?: string): Channel.Channel => {
  socket.setNoDelay(true)
  return NodeChannel.fromStreams({
    readable: socket,
    writable: socket,
    description: description ?? `tcp ${hostForUrl(socket.remoteAddress ?? "?")}:${socket.remotePort ?? "?"}`
  })
}

/**
 * Listens on TCP and serves the modem in context to every client, for the life of the scope. Closing the scope
 * stops accepting at once, lets each session finish the commands it received, then closes the connections.
 *
 * @since 0.1.0
 * @category server
 */
export const serve = (
  options: ServeOptions = {}
): Effect.Effect<Listener, Channel.TransportError, Modem.ModemService | Scope.Scope> =>
  Effect.gen(function* () {
    const host = options.host ?? DEFAULT_HOST
    const port = options.port ?? DEFAULT_PORT
    // Added first so that it is closed last: the listener stops accepting before sessions are wound down.
    const connections = yield* Server.makeConnections({ ...options, rejectHttp: options.rejectHttp ?? true })
    const server = yield* Effect.acquireRelease(
      Effect.callback<net.Server, Channel.TransportError>((resume) => {
        const server = net.createServer({ allowHalfOpen: true })
        server.maxConnections = options.maxConnections ?? 1024
        server.on("connection", (socket) => connections.accept(fromSocket(socket)))
        const onListenError = (error: Error) =>
          resume(
            Effect.fail(
              new Channel.TransportError({
                reason: `cannot listen on tcp ${hostForUrl(host)}:${port}: ${Channel.describeError(error)}`,
                cause: error
              })
            )
          )
        server.once("error", onListenError)
        server.listen({ host, port }, () => {
          server.off("error", onListenError)
          // Accept errors (e.g. out of file descriptors) must not crash the process; the listener keeps going.
          server.on("error", () => {})
          resume(Effect.succeed(server))
        })
      }),
      (server) => Effect.sync(() => server.close())
    )
    const address = server.address()
    const boundPort = typeof address === "object" && address !== null ? address.port : port
    return {
      host,
      port: boundPort,
      url: `tcp://${hostForUrl(host)}:${boundPort}`,
      connections: connections.size
    }
  })

/**
 * @since 0.1.0
 * @category models
 */
export interface ConnectOptions {
  /** Default `127.0.0.1`. */
  readonly host?: string | undefined
  /** Default 7777. */
  readonly port?: number | undefined
}

/**
 * Connects to `host:port`; the channel is closed with the scope.
 *
 * @since 0.1.0
 * @category client
 */
export const connect = (
  options: ConnectOptions = {}
): Effect.Effect<Channel.Channel, Channel.TransportError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.callback<Channel.Channel, Channel.TransportError>((resume) => {
      const host = options.host ?? DEFAULT_HOST
      const port = options.port ?? DEFAULT_PORT
      const where = `tcp ${hostForUrl(host)}:${port}`
      const socket = net.connect({ host, port })
      const onError = (error: Error) => {
        socket.destroy()
        resume(
          Effect.fail(
            new Channel.TransportError({
              reason: `cannot connect to ${where}: ${Channel.describeError(error)}`,
              cause: error
            })
          )
        )
      }
      socket.once("error", onError)
      socket.once("connect", () => {
        socket.off("error", onError)
        resume(Effect.succeed(fromSocket(socket, where)))
      })
      return Effect.sync(() => socket.destroy())
    }),
    (channel) => channel.close
  )
