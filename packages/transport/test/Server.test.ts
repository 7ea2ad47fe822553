import { PassThrough } from "node:stream"
import { Modem, Setup } from "@atmodem/modem-sim"
import { assert, describe, it } from "@effect/vitest"
import { type Cause, Deferred, Effect, Exit, Fiber, Queue, Scope, Stream } from "effect"
import { Channel, Client, NodeChannel, Server } from "../src/index.ts"

const modemLayer = Setup.layerMemory({ seed: "transport-server-test" })
const encode = (text: string) => new TextEncoder().encode(text)
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

/** A scripted channel: `incoming` is fed by the test, writes are collected. */
const scripted = Effect.gen(function* () {
  const input = yield* Queue.unbounded<Uint8Array, Channel.TransportError | Cause.Done>()
  const written: Array<string> = []
  const closed = yield* Deferred.make<void>()
  const channel = Channel.make({
    description: "scripted",
    incoming: Stream.fromQueue(input),
    write: (bytes) => Effect.sync(() => void written.push(decode(bytes))),
    close: Deferred.succeed(closed, undefined).pipe(Effect.asVoid)
  })
  return { channel, input, written, closed }
})

describe("Server.serveChannel", () => {
  it.effect("answers each command line, keeps going after failures, closes the channel at the end", () =>
    Effect.gen(function* () {
      const modem = yield* Modem.ModemService
      const { channel, input, written, closed } = yield* scripted
      const fiber = yield* Effect.forkChild(Server.serveChannel(modem, channel))
      // Split across chunks, an unknown command, a syntax error, then a valid command again.
      yield* Queue.offer(input, encode("AT+CG"))
      yield* Queue.offer(input, encode("MI\r\nAT+NOPE\r\nAT+CFUN=\r\nAT+CMEE=1\r\nAT%CMNG=2,99,0\r\n"))
      yield* Queue.end(input)
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(written, [
        "Nordic Semiconductor ASA\r\nOK\r\n",
        "ERROR\r\n",
        "ERROR\r\n",
        "OK\r\n",
        "+CME ERROR: 513\r\n"
      ])
      assert.isTrue(yield* Deferred.isDone(closed))
    }).pipe(Effect.provide(modemLayer))
  )

  it.effect("an overlong line is answered ERROR without ending the session", () =>
    Effect.gen(function* () {
      const modem = yield* Modem.ModemService
      const { channel, input, written } = yield* scripted
      const fiber = yield* Effect.forkChild(Server.serveChannel(modem, channel))
      yield* Queue.offer(input, encode(`AT${"X".repeat(5000)}\r\nAT\r\n`))
      yield* Queue.end(input)
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(written, ["ERROR\r\n", "OK\r\n"])
    }).pipe(Effect.provide(modemLayer))
  )

  it.effect("a broken channel ends only its own session, without failing", () =>
    Effect.gen(function* () {
      const modem = yield* Modem.ModemService
      const { channel, input } = yield* scripted
      yield* Queue.fail(input, new Channel.TransportError({ reason: "connection reset" }))
      const exit = yield* Effect.exit(Server.serveChannel(modem, channel))
      assert.strictEqual(exit._tag, "Success")
    }).pipe(Effect.provide(modemLayer))
  )
})

describe("Server.makeConnections", () => {
  it.effect("on shutdown, a session finishes the chunk it received and its answers are written", () =>
    Effect.gen(function* () {
      const { channel, input, written, closed } = yield* scripted
      const scope = yield* Scope.make()
      const connections = yield* Server.makeConnections().pipe(Scope.provide(scope))
      connections.accept(channel)
      yield* Queue.offer(input, encode('AT+CGMI\r\nAT%CMNG=0,1,0,"x"\r\nAT+CGMM\r\n'))
      // Wait until the session has taken the chunk (its answers start to appear), then shut down.
      while (written.length === 0) yield* Effect.yieldNow
      yield* Scope.close(scope, Exit.void)
      assert.deepStrictEqual(written, ["Nordic Semiconductor ASA\r\nOK\r\n", "OK\r\n", "nRF9160-SICA\r\nOK\r\n"])
      assert.isTrue(yield* Deferred.isDone(closed))
      // After shutdown began, new channels are closed at once.
      const late = yield* scripted
      connections.accept(late.channel)
      yield* Deferred.await(late.closed)
      assert.strictEqual(yield* connections.size, 0)
    }).pipe(Effect.provide(modemLayer))
  )
})

describe("NodeChannel.fromStreams", () => {
  it.effect("reads and writes Node streams; an error is a TransportError, not an exception", () =>
    Effect.gen(function* () {
      const readable = new PassThrough()
      const writable = new PassThrough()
      const channel = NodeChannel.fromStreams({ readable, writable, description: "pipes" })
      readable.write("AT\r\n")
      readable.end("AT+CGMI\r\n")
      const received = yield* Stream.runCollect(channel.incoming)
      assert.strictEqual(received.map(decode).join(""), "AT\r\nAT+CGMI\r\n")
      yield* channel.write(encode("OK\r\n"))
      assert.strictEqual(decode(writable.read() as Uint8Array), "OK\r\n")

      const broken = new PassThrough()
      const failing = NodeChannel.fromStreams({ readable: broken, writable: broken, description: "broken" })
      broken.destroy(new Error("ECONNRESET"))
      const error = yield* Effect.flip(Stream.runCollect(failing.incoming))
      assert.strictEqual(error._tag, "TransportError")
      assert.match(error.reason, /broken: ECONNRESET/)
      const writeError = yield* Effect.flip(failing.write(encode("x")))
      assert.strictEqual(writeError._tag, "TransportError")
      yield* failing.close
      yield* failing.close
    })
  )

  it.effect("close ends the writable and a pending write fails instead of hanging", () =>
    Effect.gen(function* () {
      const readable = new PassThrough()
      // A writable nobody reads, with a tiny buffer: the second write has to wait.
      const writable = new PassThrough({ highWaterMark: 16 })
      const channel = NodeChannel.fromStreams({ readable, writable, description: "stuck", graceMillis: 50 })
      yield* channel.write(encode("12345678"))
      const pending = yield* Effect.forkChild(channel.write(encode("more than fits")))
      yield* channel.close
      const exit = yield* Fiber.await(pending)
      assert.strictEqual(exit._tag, "Failure")
      assert.isTrue(writable.destroyed)
    })
  )
})

describe("Client", () => {
  it.effect("pipelines lines and matches each answer to its line", () =>
    Effect.gen(function* () {
      const modem = yield* Modem.ModemService
      const { channel, input } = yield* scripted
      // Loop the client's writes into a session and the session's answers back.
      const answers = yield* Queue.unbounded<Uint8Array, Cause.Done>()
      const clientChannel = Channel.make({
        description: "loop",
        incoming: Stream.fromQueue(answers),
        write: (bytes) => Queue.offer(input, bytes).pipe(Effect.asVoid),
        close: Queue.end(answers).pipe(Effect.asVoid)
      })
      const server = yield* Effect.forkChild(
        Server.serveChannel(modem, {
          ...channel,
          write: (bytes) => Queue.offer(answers, bytes).pipe(Effect.asVoid)
        })
      )
      const client = yield* Client.make(clientChannel)
      const [a, b, c] = yield* Effect.all([client.send("AT+CGMI"), client.send("AT+NOPE"), client.send("AT+CGMM")], {
        concurrency: "unbounded"
      })
      assert.deepStrictEqual(a, { lines: ["Nordic Semiconductor ASA"], final: { _tag: "Ok" } })
      assert.deepStrictEqual(b, { lines: [], final: { _tag: "Error" } })
      assert.deepStrictEqual(c?.lines, ["nRF9160-SICA"])
      const failed = yield* Effect.flip(client.command("AT+CMEE=1;%CMNG=2,5,0"))
      assert.strictEqual(failed._tag, "CommandFailed")
      assert.strictEqual(failed.message, "AT+CMEE=1;%CMNG=2,5,0 answered CmeError 513")
      // When the channel ends, a send still waiting for its answer fails, and so do later ones.
      yield* Fiber.interrupt(server)
      const pending = yield* Effect.forkChild(client.send("AT"))
      yield* Effect.yieldNow
      yield* Queue.end(answers)
      const exit = yield* Fiber.await(pending)
      assert.strictEqual(exit._tag, "Failure")
      const later = yield* Effect.flip(client.send("AT"))
      assert.strictEqual(later._tag, "TransportError")
    }).pipe(Effect.scoped, Effect.provide(modemLayer))
  )
})
