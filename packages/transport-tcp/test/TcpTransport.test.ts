import * as net from "node:net"
import { Setup } from "@atmodem/modem-sim"
import { Client } from "@atmodem/transport"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Scope, Stream } from "effect"
import { TcpTransport } from "../src/index.ts"

const modem = Setup.layerMemory({ seed: "tcp-transport-test" })
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

/** Sends `text`, half-closes, and returns everything the server sent until it closed. */
const halfClose = (port: number, text: string) =>
  Effect.callback<string>((resume) => {
    let received = ""
    const socket = net.connect({ host: "127.0.0.1", port }, () => socket.end(text))
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("utf8")
    })
    socket.on("close", () => resume(Effect.succeed(received)))
    socket.on("error", () => {})
  })

describe("TcpTransport", () => {
  it.live("serves many clients on one modem, each with its own session", () =>
    Effect.gen(function* () {
      const listener = yield* TcpTransport.serve({ port: 0 })
      assert.strictEqual(listener.host, "127.0.0.1")
      assert.strictEqual(listener.url, `tcp://127.0.0.1:${listener.port}`)
      const clients = yield* Effect.forEach([1, 2, 3], () =>
        Effect.flatMap(TcpTransport.connect({ port: listener.port }), (channel) => Client.make(channel))
      )
      // Each client leaves a partial line behind; it must not leak into another client's session.
      const partials = yield* Effect.forEach([1, 2, 3], () => TcpTransport.connect({ port: listener.port }))
      yield* Effect.forEach(partials, (channel) => channel.write(new TextEncoder().encode("AT+CG")))
      const answers = yield* Effect.forEach(clients, (client) => client.command("AT+CGMI"), {
        concurrency: "unbounded"
      })
      assert.deepStrictEqual(answers, [
        ["Nordic Semiconductor ASA"],
        ["Nordic Semiconductor ASA"],
        ["Nordic Semiconductor ASA"]
      ])
      assert.strictEqual(yield* listener.connections, 6)
    }).pipe(Effect.scoped, Effect.provide(modem))
  )

  it.live("a client that half-closes after its commands still gets every answer", () =>
    Effect.gen(function* () {
      const listener = yield* TcpTransport.serve({ port: 0 })
      const text = yield* halfClose(listener.port, "AT+CGMI\r\nAT+NOPE\r\nAT+CGMM\r\nAT+CG")
      assert.strictEqual(text, "Nordic Semiconductor ASA\r\nOK\r\nERROR\r\nnRF9160-SICA\r\nOK\r\n")
    }).pipe(Effect.scoped, Effect.provide(modem))
  )

  it.live("an HTTP request (a web page posting to the port) is closed before any of its lines run", () =>
    Effect.gen(function* () {
      const listener = yield* TcpTransport.serve({ port: 0 })
      const body = 'AT+CFUN=4\r\nAT%CMNG=0,77,0,"written-by-a-web-page"\r\n'
      const request = `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`
      assert.strictEqual(yield* halfClose(listener.port, request), "")
      // the method split over two writes is caught too
      const split = yield* Effect.callback<string>((resume) => {
        let received = ""
        const socket = net.connect({ host: "127.0.0.1", port: listener.port }, () => {
          socket.write("PO")
          setTimeout(() => socket.end(`ST / HTTP/1.1\r\n\r\n${body}`), 50)
        })
        socket.on("data", (chunk: Buffer) => {
          received += chunk.toString("utf8")
        })
        socket.on("close", () => resume(Effect.succeed(received)))
        socket.on("error", () => {})
      })
      assert.strictEqual(split, "")
      // nothing was stored, and an AT host sending its line byte by byte is served as before
      const client = yield* Effect.flatMap(TcpTransport.connect({ port: listener.port }), (channel) =>
        Client.make(channel)
      )
      assert.deepStrictEqual(yield* client.command("AT%CMNG=1,77"), [])
      assert.strictEqual(
        yield* halfClose(listener.port, "P\r\nAT+CGMI\r\n"),
        "ERROR\r\nNordic Semiconductor ASA\r\nOK\r\n"
      )
    }).pipe(Effect.scoped, Effect.provide(modem))
  )

  it.live("a client vanishing mid-command does not disturb the others", () =>
    Effect.gen(function* () {
      const listener = yield* TcpTransport.serve({ port: 0 })
      for (let i = 0; i < 10; i++) {
        const socket = net.connect({ host: "127.0.0.1", port: listener.port }, () => {
          socket.write("AT%JWT\r\n")
          socket.destroy()
        })
        socket.on("error", () => {})
      }
      const client = yield* Client.make(yield* TcpTransport.connect({ port: listener.port }))
      assert.match((yield* client.command("AT%JWT"))[0]!, /^%JWT: "[\w-]+\.[\w-]+\.[\w-]{86}"$/)
    }).pipe(Effect.scoped, Effect.provide(modem))
  )

  it.live("closing the server scope stops accepting and ends the connections", () =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const listener = yield* TcpTransport.serve({ port: 0 }).pipe(Scope.provide(scope))
      const channel = yield* TcpTransport.connect({ port: listener.port })
      const client = yield* Client.make(channel)
      assert.deepStrictEqual(yield* client.command("AT"), [])
      yield* Scope.close(scope, Exit.void)
      const refused = yield* Effect.flip(TcpTransport.connect({ port: listener.port }))
      assert.match(refused.reason, /^cannot connect to tcp 127\.0\.0\.1:\d+: .*ECONNREFUSED/)
      const error = yield* Effect.flip(client.send("AT"))
      assert.strictEqual(error._tag, "TransportError")
    }).pipe(Effect.scoped, Effect.provide(modem))
  )

  it.live("a port in use is a TransportError saying so", () =>
    Effect.gen(function* () {
      const first = yield* TcpTransport.serve({ port: 0 })
      const error = yield* Effect.flip(TcpTransport.serve({ port: first.port }))
      assert.match(error.reason, new RegExp(`^cannot listen on tcp 127\\.0\\.0\\.1:${first.port}: .*EADDRINUSE`))
    }).pipe(Effect.scoped, Effect.provide(modem))
  )

  it.live("a channel reads raw bytes: binary garbage gets ERROR lines, the session goes on", () =>
    Effect.gen(function* () {
      const listener = yield* TcpTransport.serve({ port: 0 })
      const channel = yield* TcpTransport.connect({ port: listener.port })
      yield* channel.write(Uint8Array.from([0x00, 0xff, 0xfe, 0x0d, 0x41, 0x54, 0x0d, 0x0a]))
      const received = yield* channel.incoming.pipe(
        Stream.map(decode),
        Stream.scan(
          () => "",
          (all: string, text: string) => all + text
        ),
        Stream.takeUntil((all) => all.includes("OK\r\n")),
        Stream.runLast
      )
      assert.strictEqual(received._tag === "Some" ? received.value : "", "ERROR\r\nOK\r\n")
    }).pipe(Effect.scoped, Effect.provide(modem))
  )
})
