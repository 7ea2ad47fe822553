/**
 * The modem on WebSocket, for browser and Node clients: a listener (127.0.0.1 by default) where each connection
 * is one AT byte stream — every message received is appended to the stream (binary or text alike), every
 * response goes out as a binary message — and a client channel over the standard `WebSocket` global (Node 22+,
 * Bun, Deno and browsers), or the `ws` library's client where there is no such global (Node 20).
 *
 * Browsers can be made to connect to any address, so the server checks the `Origin` header: by default only pages
 * served from a loopback host (`localhost`, `127.0.0.1`, `[::1]`) and clients that send no `Origin` (non-browser
 * programs) are accepted; others get HTTP 403.
 *
 * @since 0.1.0
 */
import * as http from "node:http"
import type { Modem } from "@atmodem/modem-sim"
import { Channel, Server } from "@atmodem/transport"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { WebSocketServer, type WebSocket as WsSocket } from "ws"

/**
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_HOST = "127.0.0.1"

/**
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_PORT = 7778

/**
 * Which browser origins may connect: `"loopback"` (default: pages from localhost, 127.0.0.1 or [::1], any port),
 * `"any"`, or a list of exact origins such as `["https://tools.example.com"]`. Clients sending no `Origin`
 * header (not browsers) are always accepted.
 *
 * @since 0.1.0
 * @category models
 */
export type OriginPolicy = "loopback" | "any" | ReadonlyArray<string>

/**
 * @since 0.1.0
 * @category models
 */
export interface ServeOptions extends Server.ConnectionsOptions {
  /** Default `127.0.0.1`. */
  readonly host?: string | undefined
  /** Default 7778; 0 picks a free port. */
  readonly port?: number | undefined
  /** Default `"loopback"`. */
  readonly origins?: OriginPolicy | undefined
  /** Largest message accepted, in bytes (default 1 MiB); a bigger one closes that connection. */
  readonly maxPayload?: number | undefined
  /** Most connections open at once (default 1024, as for TCP); more are refused at accept. */
  readonly maxConnections?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Listener {
  readonly host: string
  readonly port: number
  /** `ws://host:port/`. */
  readonly url: string
  readonly connections: Effect.Effect<number>
}

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]", "::1"])

/**
 * Whether a request with this `Origin` header may connect.
 *
 * @since 0.1.0
 * @category server
 */
export const originAllowed = (policy: OriginPolicy, origin: string | undefined): boolean => {
  if (origin === undefined || policy === "any") return true
  if (policy === "loopback") {
    if (!URL.canParse(origin)) return false
    const hostname = new URL(origin).hostname
    return loopbackHosts.has(hostname) || hostname.endsWith(".localhost")
  }
  return policy.includes(origin) || policy.includes("*")
}

const hostForUrl = (host: string) => (host.includes(":") ? `[${host}]` : host)

/** Chunks read ahead of the session before the connection is paused. */
const READ_AHEAD = 16
/** Output buffered on a connection before `write` waits for it to be sent. */
const HIGH_WATER_MARK = 64 * 1024

const toBytes = (data: unknown): Uint8Array => {
  if (data instanceof Uint8Array) return data
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (Array.isArray(data)) {
    const parts = data as Array<Uint8Array>
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
    let offset = 0
    for (const part of parts) {
      out.set(part, offset)
      offset += part.length
    }
    return out
  }
  return new TextEncoder().encode(String(data))
}

/** A channel over one accepted `ws` connection. Listeners are attached at once so nothing is lost. */
const fromServerSocket = (ws: WsSocket, description: string, graceMillis: number): Channel.Channel => {
  const queue = Effect.runSync(Queue.bounded<Uint8Array, Channel.TransportError | Cause.Done>(READ_AHEAD))
  let failure: Channel.TransportError | undefined
  const canPause = typeof ws.pause === "function"
  ws.on("message", (data) => {
    const bytes = toBytes(data)
    if (Queue.offerUnsafe(queue, bytes)) return
    if (canPause) ws.pause()
    Effect.runFork(Queue.offer(queue, bytes).pipe(Effect.andThen(Effect.sync(() => canPause && ws.resume()))))
  })
  ws.on("error", (error) => {
    failure ??= new Channel.TransportError({ reason: `${description}: ${Channel.describeError(error)}`, cause: error })
    Queue.failCauseUnsafe(queue, Cause.fail(failure))
  })
  ws.on("close", () => Queue.endUnsafe(queue))

  const write = (bytes: Uint8Array) =>
    Effect.callback<void, Channel.TransportError>((resume) => {
      if (ws.readyState !== ws.OPEN) {
        resume(Effect.fail(failure ?? new Channel.TransportError({ reason: `${description} is closed` })))
        return
      }
      const wait = ws.bufferedAmount + bytes.length > HIGH_WATER_MARK
      ws.send(bytes, { binary: true }, (error) => {
        if (!wait) return
        resume(
          error === undefined || error === null
            ? Effect.void
            : Effect.fail(new Channel.TransportError({ reason: `${description}: ${error.message}`, cause: error }))
        )
      })
      if (!wait) resume(Effect.void)
    })

  const close = Effect.callback<void>((resume) => {
    if (ws.readyState === ws.CLOSED) return resume(Effect.void)
    const timer = setTimeout(() => {
      ws.terminate()
      resume(Effect.void)
    }, graceMillis)
    ws.once("close", () => {
      clearTimeout(timer)
      resume(Effect.void)
    })
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000)
  }).pipe(Effect.uninterruptible)

  return Channel.make({ description, incoming: Stream.fromQueue(queue), write, close })
}

/**
 * Listens for WebSocket connections and serves the modem in context on each, for the life of the scope. A
 * non-WebSocket HTTP request gets 426 with a line saying what this is.
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
    const policy = options.origins ?? "loopback"
    const graceMillis = options.graceMillis ?? 5000
    const connections = yield* Server.makeConnections(options)
    const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? 1024 * 1024 })
    let count = 0
    const server = yield* Effect.acquireRelease(
      Effect.callback<http.Server, Channel.TransportError>((resume) => {
        const server = http.createServer((_request, response) => {
          response.writeHead(426, { "content-type": "text/plain", upgrade: "websocket" })
          response.end("atmodem: this is a WebSocket endpoint carrying AT commands; connect with a WebSocket client\n")
        })
        server.on("upgrade", (request, socket, head) => {
          socket.on("error", () => socket.destroy())
          if (!originAllowed(policy, request.headers.origin)) {
            socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
            return
          }
          wss.handleUpgrade(request, socket, head, (ws) => {
            count++
            const peer = `${hostForUrl(request.socket.remoteAddress ?? "?")}:${request.socket.remotePort ?? "?"}`
            connections.accept(fromServerSocket(ws, `websocket #${count} ${peer}`, graceMillis))
          })
        })
        const onListenError = (error: Error) =>
          resume(
            Effect.fail(
              new Channel.TransportError({
                reason: `cannot listen on ws ${hostForUrl(host)}:${port}: ${Channel.describeError(error)}`,
                cause: error
              })
            )
          )
        server.maxConnections = options.maxConnections ?? 1024
        server.once("error", onListenError)
        server.listen({ host, port }, () => {
          server.off("error", onListenError)
          server.on("error", () => {})
          resume(Effect.succeed(server))
        })
      }),
      (server) =>
        Effect.sync(() => {
          server.close()
          wss.close()
        })
    )
    const address = server.address()
    const boundPort = typeof address === "object" && address !== null ? address.port : port
    return {
      host,
      port: boundPort,
      url: `ws://${hostForUrl(host)}:${boundPort}/`,
      connections: connections.size
    }
  })

/**
 * @since 0.1.0
 * @category models
 */
export interface ConnectOptions {
  /** Subprotocols to offer. */
  readonly protocols?: string | ReadonlyArray<string> | undefined
  /** How long `close` waits for the closing handshake (default 1000 ms). */
  readonly graceMillis?: number | undefined
}

/** What the client needs of a WebSocket: the standard global's API, which the `ws` library's client shares. */
interface ClientSocket {
  binaryType: string
  readonly readyState: number
  send(data: Uint8Array): void
  close(code?: number): void
  addEventListener(type: "open", listener: () => void): void
  addEventListener(type: "message", listener: (event: { readonly data: unknown }) => void): void
  addEventListener(type: "error", listener: (event: unknown) => void): void
  addEventListener(type: "close", listener: (event: { readonly code: number; readonly reason: string }) => void): void
}

type ClientConstructor = new (url: string, protocols?: string | Array<string>) => ClientSocket

/** `WebSocket.OPEN` and `WebSocket.CLOSED`, the same in every implementation. */
const OPEN = 1
const CLOSED = 3

/**
 * The runtime's standard `WebSocket` (Node 22+, Bun, Deno, browsers), or where there is none (Node 20) the
 * client of the `ws` library, loaded only then.
 */
const clientConstructor: Effect.Effect<ClientConstructor, Channel.TransportError> = Effect.suspend(() => {
  const standard = (globalThis as { WebSocket?: unknown }).WebSocket
  if (typeof standard === "function") return Effect.succeed(standard as ClientConstructor)
  return Effect.tryPromise({
    try: () => import("ws"),
    catch: (error) =>
      new Channel.TransportError({
        reason: `this runtime has no WebSocket client, and the ws library did not load: ${Channel.describeError(error)}`,
        cause: error
      })
  }).pipe(Effect.map((ws) => ws.WebSocket as unknown as ClientConstructor))
})

const nonEmpty = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value.trim() : undefined

/**
 * What an `error` event says: its message (the `ws` client: `connect ECONNREFUSED 127.0.0.1:1`; Bun: `… failed:
 * Failed to connect`), else its error's, and the system error code when the message does not name it. Node's
 * standard client gives neither; its `close` event's code is all there is.
 *
 * @since 0.1.0
 * @category client
 */
export const describeErrorEvent = (event: unknown): string | undefined => {
  const e = (typeof event === "object" && event !== null ? event : {}) as { message?: unknown; error?: unknown }
  const inner = (typeof e.error === "object" && e.error !== null ? e.error : {}) as {
    message?: unknown
    code?: unknown
    cause?: { message?: unknown; code?: unknown } | undefined
  }
  const message = nonEmpty(e.message) ?? nonEmpty(inner.message) ?? nonEmpty(inner.cause?.message)
  const code = nonEmpty(inner.code) ?? nonEmpty(inner.cause?.code)
  if (code !== undefined && (message === undefined || !message.includes(code)))
    return message === undefined ? code : `${message} (${code})`
  return message
}

/**
 * What a `close` event says: its code, what 1006 means, and the reason the peer gave.
 *
 * @since 0.1.0
 * @category client
 */
export const describeCloseEvent = (event: { readonly code: number; readonly reason: string }): string => {
  const meaning = event.code === 1006 ? " (abnormal closure: refused, unreachable, or not a WebSocket endpoint)" : ""
  const reason = nonEmpty(event.reason)
  return `closed with code ${event.code}${meaning}${reason === undefined ? "" : `: ${reason}`}`
}

/**
 * Connects to a WebSocket AT endpoint (`ws://127.0.0.1:7778/`) with the runtime's standard `WebSocket`, or the
 * `ws` library's client where the runtime has none (Node 20); the channel is closed with the scope. A failed
 * connection says why, as far as the client tells: the error (`ECONNREFUSED`, an HTTP status) or the close code.
 *
 * @since 0.1.0
 * @category client
 */
export const connect = (
  url: string,
  options: ConnectOptions = {}
): Effect.Effect<Channel.Channel, Channel.TransportError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      if (!URL.canParse(url)) return yield* new Channel.TransportError({ reason: `not a WebSocket URL: ${url}` })
      const Client = yield* clientConstructor
      const queue = yield* Queue.unbounded<Uint8Array, Channel.TransportError | Cause.Done>()
      const ws = yield* Effect.try({
        try: () =>
          options.protocols === undefined ? new Client(url) : new Client(url, options.protocols as Array<string>),
        catch: (error) =>
          new Channel.TransportError({
            reason: `cannot connect to ${url}: ${Channel.describeError(error)}`,
            cause: error
          })
      })
      return yield* Effect.callback<Channel.Channel, Channel.TransportError>((resume) => {
        const description = `websocket ${url}`
        ws.binaryType = "arraybuffer"
        let opened = false
        let settled = false
        let errorDetail: string | undefined
        let fallback: ReturnType<typeof setTimeout> | undefined
        const fail = (detail: string) => {
          clearTimeout(fallback)
          if (settled) return
          settled = true
          resume(Effect.fail(new Channel.TransportError({ reason: `cannot connect to ${url}: ${detail}` })))
        }
        ws.addEventListener("message", (event) => {
          Queue.offerUnsafe(queue, toBytes(event.data))
        })
        ws.addEventListener("error", (event) => {
          errorDetail = describeErrorEvent(event)
          if (!opened) {
            // A close event follows with its code; wait for it briefly, so the message can name it when the
            // error itself says nothing.
            if (fallback === undefined) fallback = setTimeout(() => fail(errorDetail ?? "connection error"), 1000)
            return
          }
          Queue.failCauseUnsafe(
            queue,
            Cause.fail(new Channel.TransportError({ reason: `${description}: ${errorDetail ?? "connection error"}` }))
          )
        })
        ws.addEventListener("close", (event) => {
          if (!opened) fail(errorDetail ?? describeCloseEvent(event))
          Queue.endUnsafe(queue)
        })
        const graceMillis = options.graceMillis ?? 1000
        ws.addEventListener("open", () => {
          opened = true
          settled = true
          resume(
            Effect.succeed(
              Channel.make({
                description,
                incoming: Stream.fromQueue(queue),
                write: (bytes) =>
                  ws.readyState === OPEN
                    ? Effect.sync(() => ws.send(bytes.slice()))
                    : Effect.fail(new Channel.TransportError({ reason: `${description} is closed` })),
                close: Effect.callback<void>((resume) => {
                  if (ws.readyState === CLOSED) return resume(Effect.void)
                  const timer = setTimeout(() => resume(Effect.void), graceMillis)
                  ws.addEventListener("close", () => {
                    clearTimeout(timer)
                    resume(Effect.void)
                  })
                  ws.close(1000)
                })
              })
            )
          )
        })
        return Effect.sync(() => {
          clearTimeout(fallback)
          ws.close()
        })
      })
    }),
    (channel) => channel.close
  )
