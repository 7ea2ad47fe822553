import * as net from "node:net"
import { Client } from "@atmodem/transport"
import { TcpTransport } from "@atmodem/transport-tcp"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import * as jose from "jose"
import type { IdentityJson } from "./support/Provisioning.ts"
import { runToEnd, start } from "./support/Sim.ts"

const CLIENTS = 100

/** Opens a raw socket (no AT client on top). */
const rawSocket = (port: number) =>
  Effect.acquireRelease(
    Effect.callback<net.Socket>((resume) => {
      const socket = net.connect({ host: "127.0.0.1", port }, () => resume(Effect.succeed(socket)))
      socket.on("error", () => {})
    }),
    (socket) => Effect.sync(() => socket.destroy())
  )

/**
 * Sends pseudo-random bytes (never `T`/`t`, so no line can ever be a valid `AT` command) as fast as the server
 * takes them, never reading, until `stop()` or `maxBytes`. Returns how many bytes were accepted.
 */
const garbage = (socket: net.Socket, maxBytes: number) => {
  let stopped = false
  let sent = 0
  let seed = 12345
  const chunk = () => {
    const bytes = Buffer.alloc(16 * 1024)
    for (let i = 0; i < bytes.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0
      const byte = seed >>> 24
      bytes[i] = byte === 0x54 || byte === 0x74 ? 0xff : byte
    }
    return bytes
  }
  const pump = Effect.callback<number>((resume) => {
    const loop = () => {
      while (!stopped && sent < maxBytes && !socket.destroyed) {
        const bytes = chunk()
        sent += bytes.length
        if (!socket.write(bytes)) {
          socket.once("drain", loop)
          return
        }
      }
      resume(Effect.succeed(sent))
    }
    loop()
  })
  return { pump, stop: () => (stopped = true), running: () => !stopped && sent < maxBytes }
}

describe("robustness over TCP", () => {
  it.live(
    `${CLIENTS} concurrent clients get correct, uninterleaved answers while stalled, garbage and vanishing clients misbehave`,
    () =>
      Effect.gen(function* () {
        const seed = "robustness"
        const id = JSON.parse(
          (yield* runToEnd(["identity", "--ephemeral", "--seed", seed, "--json"])).stdout
        ) as IdentityJson
        const sim = yield* start(["--ephemeral", "--seed", seed, "--port", "0"])
        const port = sim.tcp!.port
        const key = yield* Effect.promise(() => jose.importSPKI(id.publicKeyPem, "ES256"))

        // A client stalled inside an unfinished quoted string, and one that opened a partial line.
        const stalled = yield* rawSocket(port)
        stalled.write('AT%JWT=0,0,"this string never ends and has no terminator')
        const partial = yield* rawSocket(port)
        partial.write("AT+CGS")
        // A client flooding binary garbage without reading.
        const flood = garbage(yield* rawSocket(port), 256 * 1024 * 1024)
        const floodFiber = yield* Effect.forkChild(flood.pump)
        // Clients that send a command and vanish before the answer.
        for (let i = 0; i < 20; i++) {
          const socket = yield* rawSocket(port)
          socket.write(i % 2 === 0 ? "AT%JWT\r\n" : "AT+CFUN=4;%KEYGEN=99,2,0\r\n")
          socket.destroy()
        }

        const session = (n: number) =>
          Effect.gen(function* () {
            const client = yield* Client.make(yield* TcpTransport.connect({ port }))
            const lines = [
              "AT+CGSN",
              `AT%JWT=0,0,"client-${n}"`,
              "AT+CGMI",
              "AT+NOSUCH",
              "AT+CGSN=1",
              `AT%JWT=0,0,"client-${n}","again"`,
              "AT%XMODEMUUID",
              "AT+CMEE?"
            ]
            // Even clients pipeline all their lines at once; odd clients wait for each answer.
            const responses =
              n % 2 === 0
                ? yield* Effect.forEach(lines, client.send, { concurrency: "unbounded" })
                : yield* Effect.forEach(lines, client.send)
            const [imei, jwt1, cgmi, nosuch, cgsn1, jwt2, uuid, cmee] = responses
            assert.deepStrictEqual(imei, { lines: [id.imei], final: { _tag: "Ok" } })
            assert.deepStrictEqual(cgmi!.lines, ["Nordic Semiconductor ASA"])
            assert.deepStrictEqual(nosuch, { lines: [], final: { _tag: "Error" } })
            assert.deepStrictEqual(cgsn1!.lines, [`+CGSN: "${id.imei}"`])
            assert.deepStrictEqual(uuid!.lines, [`%XMODEMUUID: ${id.firmwareUuid}`])
            assert.deepStrictEqual(cmee!.lines, ["+CMEE: 0"])
            for (const [response, audience] of [
              [jwt1!, undefined],
              [jwt2!, "again"]
            ] as const) {
              const token = /^%JWT: "(.+)"$/.exec(response.lines[0] ?? "")?.[1]
              assert.isDefined(token, `client ${n}: ${JSON.stringify(response)}`)
              const { payload } = yield* Effect.promise(() => jose.jwtVerify(token!, key))
              assert.strictEqual(payload.sub, `client-${n}`, "each client gets the answer to its own command")
              assert.strictEqual(payload.aud, audience)
            }
            return n
          }).pipe(Effect.scoped)

        const done = yield* Effect.forEach(
          Array.from({ length: CLIENTS }, (_, n) => n),
          session,
          {
            concurrency: "unbounded"
          }
        )
        assert.strictEqual(done.length, CLIENTS)
        // The well-behaved clients finished while the flood was still being pushed and the stalled ones waited.
        assert.isTrue(flood.running(), "the garbage client was still sending when all the others had finished")
        assert.isFalse(stalled.destroyed)
        flood.stop()
        yield* Fiber.join(floodFiber)

        // The stalled client's line runs into the length limit and is answered ERROR once it ends.
        const answer = Effect.callback<string>((resume) => {
          let text = ""
          stalled.on("data", (chunk: Buffer) => {
            text += chunk.toString("latin1")
            if (text.includes("\r\n")) resume(Effect.succeed(text))
          })
        })
        stalled.write(`${"x".repeat(5000)}"\r\n`)
        assert.strictEqual(yield* answer, "ERROR\r\n")
        const after = yield* Client.make(yield* TcpTransport.connect({ port }))
        assert.deepStrictEqual(yield* after.command("AT+CGMI"), ["Nordic Semiconductor ASA"])
        assert.strictEqual(yield* sim.stop("SIGTERM"), 0)
      }).pipe(Effect.scoped)
  )
})
