import * as http from "node:http"
import { Setup } from "@atmodem/modem-sim"
import { Client } from "@atmodem/transport"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import { WebSocketTransport } from "../src/index.ts"

const modem = Setup.layerMemory({ seed: "websocket-transport-test" })

/** Hides the runtime's global `WebSocket` (as on Node 20) for the life of the scope. */
const withoutGlobalWebSocket = Effect.acquireRelease(
  Effect.sync(() => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, "WebSocket")
    Reflect.deleteProperty(globalThis, "WebSocket")
    return saved
  }),
  (saved) =>
    Effect.sync(() => {
      if (saved !== undefined) Object.defineProperty(globalThis, "WebSocket", saved)
    })
)

/** A TCP port nobody listens on (it was free a moment ago). */
const closedPort = Effect.callback<number>((resume) => {
  const server = http.createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

/** The HTTP status of a raw WebSocket handshake with this Origin (101 when accepted). */
const handshakeStatus = (port: number, origin: string | undefined) =>
  Effect.callback<number>((resume) => {
    const headers: Record<string, string> = {
      connection: "Upgrade",
      upgrade: "websocket",
      "sec-websocket-version": "13",
      "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ=="
    }
    if (origin !== undefined) headers.origin = origin
    const req = http.request({ host: "127.0.0.1", port, path: "/", headers })
    req.on("upgrade", (response, socket) => {
      socket.destroy()
      resume(Effect.succeed(response.statusCode ?? 0))
    })
    req.on("response", (response) => {
      response.resume()
      resume(Effect.succeed(response.statusCode ?? 0))
    })
    req.on("error", () => resume(Effect.succeed(0)))
    req.end()
  })

describe("WebSocketTransport.originAllowed", () => {
  it("loopback policy: no Origin, or pages from localhost/127.0.0.1/[::1]", () => {
    const allowed = (origin: string | undefined) => WebSocketTransport.originAllowed("loopback", origin)
    assert.isTrue(allowed(undefined))
    assert.isTrue(allowed("http://localhost:5173"))
    assert.isTrue(allowed("http://127.0.0.1"))
    assert.isTrue(allowed("https://[::1]:8443"))
    assert.isTrue(allowed("http://app.localhost:3000"))
    assert.isFalse(allowed("https://evil.example"))
    assert.isFalse(allowed("http://localhost.evil.example"))
    assert.isFalse(allowed("null"))
  })

  it("a list matches exact origins; * or any allows all", () => {
    assert.isTrue(WebSocketTransport.originAllowed(["https://tools.example"], "https://tools.example"))
    assert.isFalse(WebSocketTransport.originAllowed(["https://tools.example"], "https://tools.example:444"))
    assert.isFalse(WebSocketTransport.originAllowed(["https://tools.example"], "http://localhost"))
    assert.isTrue(WebSocketTransport.originAllowed(["*"], "https://anything.example"))
    assert.isTrue(WebSocketTransport.originAllowed("any", "https://anything.example"))
  })
})

describe("WebSocketTransport", () => {
  it.live("serves AT over WebSocket to the standard WebSocket client, one session per connection", () =>
    Effect.gen(function* () {
      const listener = yield* WebSocketTransport.serve({ port: 0 })
      assert.strictEqual(listener.url, `ws://127.0.0.1:${listener.port}/`)
      const a = yield* Client.make(yield* WebSocketTransport.connect(listener.url))
      const b = yield* Client.make(yield* WebSocketTransport.connect(listener.url))
      const [x, y] = yield* Effect.all([a.command("AT+CGMI"), b.command("AT%JWT")], { concurrency: "unbounded" })
      assert.deepStrictEqual(x, ["Nordic Semiconductor ASA"])
      assert.match(y[0]!, /^%JWT: "[\w-]+\.[\w-]+\.[\w-]{86}"$/)
      assert.strictEqual(yield* listener.connections, 2)
    }).pipe(Effect.scoped, Effect.provide(modem))
  )

  // maxConnections is enforced by node:http's server; Bun's and Deno's compatibility layers may not honour it.
  it.live.skipIf(
    typeof (globalThis as { Bun?: unknown; Deno?: unknown }).Bun !== "undefined" ||
      typeof (globalThis as { Deno?: unknown }).Deno !== "undefined"
  )("refuses connections beyond maxConnections", () =>
    Effect.gen(function* () {
      const listener = yield* WebSocketTransport.serve({ port: 0, maxConnections: 1 })
      const a = yield* Client.make(yield* WebSocketTransport.connect(listener.url))
      assert.deepStrictEqual(yield* a.command("AT+CGMI"), ["Nordic Semiconductor ASA"])
      assert.strictEqual(yield* handshakeStatus(listener.port, undefined), 0)
      assert.deepStrictEqual(yield* a.command("AT+CGMM"), ["nRF9160-SICA"])
    }).pipe(Effect.scoped, Effect.provide(modem))
  )

  it.live("checks the Origin of the handshake", () =>
    Effect.gen(function* () {
      const listener = yield* WebSocketTransport.serve({ port: 0 })
      assert.strictEqual(yield* handshakeStatus(listener.port, undefined), 101)
      assert.strictEqual(yield* handshakeStatus(listener.port, "http://localhost:8080"), 101)
      assert.strictEqual(yield* handshakeStatus(listener.port, "https://evil.example"), 403)
      const open = yield* WebSocketTransport.serve({ port: 0, origins: "any" })
      assert.strictEqual(yield* handshakeStatus(open.port, "https://evil.example"), 101)
    }).pipe(Effect.scoped, Effect.provide(modem))
  )

  it.live("a plain HTTP request is told what this endpoint is", () =>
    Effect.gen(function* () {
      const listener = yield* WebSocketTransport.serve({ port: 0 })
      const response = yield* Effect.promise(() => fetch(`http://127.0.0.1:${listener.port}/`))
      assert.strictEqual(response.status, 426)
      assert.include(yield* Effect.promise(() => response.text()), "WebSocket endpoint carrying AT commands")
    }).pipe(Effect.scoped, Effect.provide(modem))
  )

  it.live("closing the server scope ends the connections; connecting later fails with a TransportError", () =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const listener = yield* WebSocketTransport.serve({ port: 0 }).pipe(Scope.provide(scope))
      const client = yield* Client.make(yield* WebSocketTransport.connect(listener.url))
      assert.deepStrictEqual(yield* client.command("AT"), [])
      yield* Scope.close(scope, Exit.void)
      const error = yield* Effect.flip(client.send("AT"))
      assert.strictEqual(error._tag, "TransportError")
      const refused = yield* Effect.flip(WebSocketTransport.connect(listener.url))
      assert.match(refused.reason, /^cannot connect to ws:\/\/127\.0\.0\.1:\d+\//)
      const invalid = yield* Effect.flip(WebSocketTransport.connect("not a url"))
      assert.strictEqual(invalid.reason, "not a WebSocket URL: not a url")
    }).pipe(Effect.scoped, Effect.provide(modem))
  )

  it.live("without a global WebSocket (Node 20) the ws library's client is used, and behaves the same", () =>
    Effect.gen(function* () {
      const listener = yield* WebSocketTransport.serve({ port: 0 })
      yield* withoutGlobalWebSocket
      assert.isUndefined((globalThis as { WebSocket?: unknown }).WebSocket)
      const client = yield* Client.make(yield* WebSocketTransport.connect(listener.url))
      assert.deepStrictEqual(yield* client.command("AT+CGMI"), ["Nordic Semiconductor ASA"])
      assert.match((yield* client.command("AT%JWT"))[0]!, /^%JWT: "[\w-]+\.[\w-]+\.[\w-]{86}"$/)
      assert.deepStrictEqual(yield* client.command("AT+CGMM"), ["nRF9160-SICA"])
      const refused = yield* Effect.flip(WebSocketTransport.connect(`ws://127.0.0.1:${yield* closedPort}/`))
      assert.match(refused.reason, /^cannot connect to ws:\/\/127\.0\.0\.1:\d+\/: connect ECONNREFUSED /)
    }).pipe(Effect.scoped, Effect.provide(modem))
  )

  it.live("a refused connection says why: the error, or else the close code", () =>
    Effect.gen(function* () {
      const port = yield* closedPort
      const refused = yield* Effect.flip(WebSocketTransport.connect(`ws://127.0.0.1:${port}/`))
      // Node's standard client tells only the close code (1006); ws, Bun and Deno tell the error.
      assert.match(refused.reason, new RegExp(`^cannot connect to ws://127\\.0\\.0\\.1:${port}/: \\S`))
      assert.match(refused.reason, /ECONNREFUSED|code 1006|connect/)
      const fragment = yield* Effect.flip(WebSocketTransport.connect(`ws://127.0.0.1:${port}/#x`))
      assert.match(fragment.reason, /^cannot connect to ws:\/\/127\.0\.0\.1:\d+\/#x: \S/)
    }).pipe(Effect.scoped)
  )

  it("describes error and close events", () => {
    assert.strictEqual(
      WebSocketTransport.describeErrorEvent({
        message: "connect ECONNREFUSED 127.0.0.1:1",
        error: { code: "ECONNREFUSED" }
      }),
      "connect ECONNREFUSED 127.0.0.1:1"
    )
    assert.strictEqual(
      WebSocketTransport.describeErrorEvent({ message: "Failed to connect", error: { code: "ECONNREFUSED" } }),
      "Failed to connect (ECONNREFUSED)"
    )
    assert.strictEqual(WebSocketTransport.describeErrorEvent({ message: "", error: new TypeError() }), undefined)
    assert.strictEqual(
      WebSocketTransport.describeErrorEvent({ error: { cause: { code: "EHOSTUNREACH" } } }),
      "EHOSTUNREACH"
    )
    assert.strictEqual(WebSocketTransport.describeErrorEvent(undefined), undefined)
    assert.strictEqual(
      WebSocketTransport.describeCloseEvent({ code: 1006, reason: "" }),
      "closed with code 1006 (abnormal closure: refused, unreachable, or not a WebSocket endpoint)"
    )
    assert.strictEqual(
      WebSocketTransport.describeCloseEvent({ code: 1008, reason: "origin" }),
      "closed with code 1008: origin"
    )
  })
})
