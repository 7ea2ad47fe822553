import { PassThrough } from "node:stream"
import { Setup } from "@atmodem/modem-sim"
import { Client } from "@atmodem/transport"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { StdioTransport } from "../src/index.ts"

const modem = Setup.layerMemory({ seed: "stdio-transport-test" })
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

describe("StdioTransport.serve", () => {
  it.live("answers what arrives on the input stream on the output stream, and returns when the input ends", () =>
    Effect.gen(function* () {
      const input = new PassThrough()
      const output = new PassThrough()
      const chunks: Array<string> = []
      output.on("data", (chunk: Buffer) => chunks.push(chunk.toString("utf8")))
      input.write("AT+CGMI\r\nAT+NOPE\r")
      input.end("\nAT+CGMM\r\n")
      yield* StdioTransport.serve({ input, output })
      assert.strictEqual(chunks.join(""), "Nordic Semiconductor ASA\r\nOK\r\nERROR\r\nnRF9160-SICA\r\nOK\r\n")
      assert.isFalse(output.writableEnded, "the process's own output stays open")
    }).pipe(Effect.provide(modem))
  )
})

describe("StdioTransport.spawn", () => {
  it.live("talks to a child process over its stdin/stdout; closing ends its stdin and it exits", () =>
    Effect.gen(function* () {
      // A child that echoes its stdin back: the channel is transparent both ways.
      const child = yield* StdioTransport.spawn({
        command: process.execPath,
        args:
          "Deno" in globalThis
            ? ["eval", "process.stdin.pipe(process.stdout)"]
            : ["-e", "process.stdin.pipe(process.stdout)"],
        stderr: "ignore"
      })
      yield* child.write(new TextEncoder().encode("AT\r\n"))
      const echoed = yield* child.incoming.pipe(Stream.map(decode), Stream.take(1), Stream.runCollect)
      assert.deepStrictEqual(echoed, ["AT\r\n"])
      yield* child.close
      const exit = yield* child.exited
      assert.strictEqual(exit.code, 0)
    }).pipe(Effect.scoped)
  )

  it.live("a command that cannot start is a TransportError", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(StdioTransport.spawn({ command: "/nonexistent/atmodem-sim" }))
      assert.match(error.reason, /^cannot start \/nonexistent\/atmodem-sim: .*ENOENT/)
    }).pipe(Effect.scoped)
  )

  it.live("an AT client over a spawned modem process", () =>
    Effect.gen(function* () {
      // The child serves a modem on its own stdio through this package (run from its sources).
      const script = [
        `import { Setup } from "@atmodem/modem-sim"`,
        `import { Effect } from "effect"`,
        `import { StdioTransport } from "${new URL("../src/index.ts", import.meta.url).pathname}"`,
        `Effect.runFork(StdioTransport.serve().pipe(Effect.provide(Setup.layerMemory({ seed: "child" }))))`
      ].join("\n")
      const runtime =
        (globalThis as { Deno?: unknown }).Deno !== undefined
          ? "deno"
          : process.versions.bun !== undefined
            ? "bun"
            : "node"
      const args =
        runtime === "deno"
          ? ["eval", script]
          : runtime === "bun"
            ? ["-e", script]
            : ["--input-type=module", "-e", script]
      const child = yield* StdioTransport.spawn({ command: process.execPath, args, stderr: "inherit" })
      const client = yield* Client.make(child)
      assert.deepStrictEqual(yield* client.command("AT+CGMI"), ["Nordic Semiconductor ASA"])
      assert.match((yield* client.command("AT%JWT"))[0]!, /^%JWT: "/)
      yield* child.close
      assert.strictEqual((yield* child.exited).code, 0)
    }).pipe(Effect.scoped)
  )
})
