/**
 * Peers that are not (working) modems: each run ends within the timeout with a clear message and its exit
 * code — never a hang. Also unreachable targets.
 */
import * as net from "node:net"
import { SerialTransport } from "@atmodem/transport-serial"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { type Behaviour, fakePeer, json, runCli } from "./helpers.ts"

const TIMEOUT = ["--timeout", "1"]

const against = (behaviour: Behaviour, args: ReadonlyArray<string>) =>
  Effect.flatMap(fakePeer(behaviour), (port) => runCli(["--port", port, ...TIMEOUT, ...args]))

describe("fake peers", () => {
  it.live("a silent peer: timeout, exit 4, says nothing was received", () =>
    Effect.gen(function* () {
      const run = yield* against("silent", ["identity"])
      assert.strictEqual(run.code, 4)
      assert.match(
        run.stderr,
        /^error: no answer to AT\+CMEE=1 from tcp:\/\/127\.0\.0\.1:\d+ within 1 s: nothing was received/
      )
      assert.strictEqual(run.stdout, "")
    })
  )

  it.live("a peer answering garbage lines: timeout, exit 4, shows what arrived", () =>
    Effect.gen(function* () {
      const run = yield* against("garbage-lines", ["at", "AT+CGMI"])
      assert.strictEqual(run.code, 4)
      assert.include(run.stderr, "within 1 s: received lines but no final result (OK, ERROR, +CME ERROR)")
      assert.include(run.stderr, "hello there")
    })
  )

  it.live("a peer answering binary bytes: timeout, exit 4, not AT text", () =>
    Effect.gen(function* () {
      const run = yield* against("binary", ["jwt"])
      assert.strictEqual(run.code, 4)
      assert.include(run.stderr, "bytes that are not AT text (00 ff 13 80")
    })
  )

  it.live("a peer answering half a line: timeout, exit 4", () =>
    Effect.gen(function* () {
      const run = yield* against("half-line", ["at", "AT"])
      assert.strictEqual(run.code, 4)
      assert.include(run.stderr, 'received half a line without a line end: "O')
    })
  )

  it.live("a peer that hangs up: connection error, exit 3", () =>
    Effect.gen(function* () {
      const run = yield* against("close", ["creds", "list"])
      assert.strictEqual(run.code, 3)
      assert.match(run.stderr, /^error: .*(closed by the peer|ECONNRESET|EPIPE|is closed)/)
    })
  )

  it.live("a peer that answers OK to everything: exit 6, the answer is not what the command returns", () =>
    Effect.gen(function* () {
      const port = yield* fakePeer("ok-to-everything")
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
        [["jwt"], 'AT%JWT answered OK without a %JWT: "<token>" line'],
        [["attest"], "AT%ATTESTTOKEN answered OK without a %ATTESTTOKEN:"],
        [["keygen", "--tag", "1"], "AT%KEYGEN=1,2,0 answered OK without a %KEYGEN:"],
        [["creds", "read", "--tag", "1", "--type", "0"], "AT%CMNG=2,1,0 answered OK without a %CMNG content line"],
        [["identity"], "the modem answered none of the identity commands"]
      ]
      for (const [args, message] of cases) {
        const run = yield* runCli(["--port", port, ...TIMEOUT, ...args])
        assert.strictEqual(run.code, 6, args.join(" "))
        assert.isTrue(run.stderr.startsWith(`error: ${message}`), run.stderr)
      }
    })
  )

  it.live("a peer that answers OK with text that is not identity data: identity exits 6 and says why", () =>
    Effect.gen(function* () {
      const port = yield* fakePeer("hello-world-to-everything")
      const run = yield* runCli(["--port", port, ...TIMEOUT, "identity"])
      assert.strictEqual(run.code, 6, run.stderr)
      assert.strictEqual(run.stdout, "")
      assert.isTrue(run.stderr.startsWith("error: the modem's answers are not identity data: "), run.stderr)
      assert.include(run.stderr, 'AT+CGSN answered "hello world", not an IMEI (15 digits)')
      assert.include(run.stderr, 'AT%XMODEMUUID answered "hello world", not %XMODEMUUID: <firmware UUID>')
      assert.include(run.stderr, 'AT+CGMR answered "hello world", not a firmware name with an x.y.z version')
      const doc = json(yield* runCli(["--port", port, ...TIMEOUT, "--json", "identity"]))
      assert.deepStrictEqual([doc.ok, (doc.error as { exitCode: number }).exitCode], [false, 6])
    })
  )

  it.live("--json on a timeout: one JSON document with the error", () =>
    Effect.gen(function* () {
      const run = yield* against("silent", ["--json", "attest"])
      assert.strictEqual(run.code, 4)
      const doc = json(run)
      assert.deepStrictEqual(Object.keys(doc), ["ok", "error"])
      const error = doc.error as Record<string, unknown>
      assert.deepStrictEqual([doc.ok, error.kind, error.exitCode], [false, "Timeout", 4])
      assert.include(String(error.message), "nothing was received")
    })
  )

  it.live("the shell reports a silent peer and reconnects; a peer that hangs up ends it (exit 3)", () =>
    Effect.gen(function* () {
      const silent = yield* against("silent", ["shell", "--raw"])
      // --raw skips AT+CMEE=1, so the shell starts; stdin is empty, so it ends at once.
      assert.strictEqual(silent.code, 0)
      const port = yield* fakePeer("silent")
      const run = yield* runCli(["--port", port, ...TIMEOUT, "shell", "--raw"], { stdin: "AT\nAT\n" })
      // Piped input exits with the last command's status: no answer in time.
      assert.strictEqual(run.code, 4)
      assert.strictEqual(run.stderr.match(/opening the connection again/g)?.length, 2)
      const hangsUp = yield* fakePeer("close")
      const closed = yield* runCli(["--port", hangsUp, ...TIMEOUT, "shell", "--raw"], { stdin: "AT\nAT\n" })
      assert.strictEqual(closed.code, 3)
      assert.match(closed.stderr, /error: .*(closed by the peer|ECONNRESET|EPIPE|is closed)/)
    })
  )

  it.live("a port nobody listens on: connection refused, exit 3", () =>
    Effect.gen(function* () {
      const port = yield* Effect.callback<number>((resume) => {
        const server = net.createServer()
        server.listen(0, "127.0.0.1", () => {
          const { port } = server.address() as net.AddressInfo
          server.close(() => resume(Effect.succeed(port)))
        })
      })
      const run = yield* runCli(["--port", `tcp://127.0.0.1:${port}`, ...TIMEOUT, "identity"])
      assert.strictEqual(run.code, 3)
      assert.include(run.stderr, "ECONNREFUSED")
    })
  )

  it.live("an address that does not answer: exit 3 or 4 within the timeout, never a hang", () =>
    Effect.gen(function* () {
      // TEST-NET-1 is never routed: depending on the network the connect fails at once or times out.
      const run = yield* runCli(["--port", "tcp://192.0.2.1:7777", ...TIMEOUT, "identity"])
      assert.include([3, 4], run.code)
      assert.match(run.stderr, /^error: (could not open tcp:\/\/192\.0\.2\.1:7777 within 1 s|cannot connect)/)
    })
  )

  it.live("a WebSocket URL nobody serves, a missing serial device: exit 3", () =>
    Effect.gen(function* () {
      const ws = yield* runCli(["--port", "ws://127.0.0.1:1/", ...TIMEOUT, "identity"])
      assert.strictEqual(ws.code, 3)
      // With the cause, as for TCP: the error (ECONNREFUSED) where the client tells it, else the close code.
      assert.match(
        ws.stderr,
        /^error: cannot connect to ws:\/\/127\.0\.0\.1:1\/: (.*ECONNREFUSED|closed with code 1006|.*connect)/
      )
      const serial = yield* runCli(["--port", "/dev/atmodem-no-such-device", ...TIMEOUT, "identity"])
      assert.strictEqual(serial.code, 3)
      // Under Bun and Deno the serialport binding does not load: the transport says so instead.
      assert.include(serial.stderr, SerialTransport.supported() ? "/dev/atmodem-no-such-device" : "needs Node")
    })
  )

  it.live("a serial target under Bun or Deno: exit 3, and advice that works (Node for the CLI, or a TCP bridge)", () =>
    Effect.gen(function* () {
      // Pretend to be Bun for the length of the run: the serial transport is refused before anything loads.
      yield* Effect.acquireRelease(
        Effect.sync(() => {
          const g = globalThis as { Bun?: unknown }
          const saved = g.Bun
          g.Bun ??= {}
          return saved
        }),
        (saved) =>
          Effect.sync(() => {
            if (saved === undefined) delete (globalThis as { Bun?: unknown }).Bun
          })
      )
      const run = yield* runCli(["--port", "/dev/atmodem-no-such-device", ...TIMEOUT, "identity"])
      assert.strictEqual(run.code, 3)
      assert.include(
        run.stderr,
        "error: cannot open serial /dev/atmodem-no-such-device: the serial transport needs Node"
      )
      assert.include(run.stderr, "run atmodem with Node for serial targets")
      assert.notInclude(run.stderr, "--pty")
    }).pipe(Effect.scoped)
  )
})
