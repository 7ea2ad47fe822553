/**
 * The exit codes of the real program (`src/bin.ts` run by this test's runtime: node, bun or deno), as a
 * script sees them, and the `--json` document on its stdout.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { currentRuntime } from "../../../tooling/runtime.ts"
import { ExitCode } from "../src/index.ts"
import { exec, fakePeer, tcpSim, tempDir } from "./helpers.ts"

const bin = fileURLToPath(new URL("../src/bin.ts", import.meta.url))

const atmodem = (args: ReadonlyArray<string>, env: Record<string, string | undefined> = {}) =>
  exec(process.execPath, [...(currentRuntime() === "deno" ? ["run", "-A"] : []), bin, ...args], {
    env: { ATMODEM_PORT: undefined, ATMODEM_HISTORY: "", ...env }
  })

describe(`exit codes of the program (${currentRuntime()})`, () => {
  it("are the documented numbers", () => {
    assert.deepStrictEqual(
      [
        ExitCode.OK,
        ExitCode.COMMAND_REJECTED,
        ExitCode.USAGE,
        ExitCode.CONNECTION,
        ExitCode.TIMEOUT,
        ExitCode.CHECK_FAILED,
        ExitCode.UNEXPECTED_RESPONSE,
        ExitCode.INTERNAL,
        ExitCode.INTERRUPTED
      ],
      [0, 1, 2, 3, 4, 5, 6, 70, 130]
    )
  })

  it.live("0: success; --help; --version", () =>
    Effect.gen(function* () {
      const ok = yield* atmodem(["--port", "sim:", "at", "AT+CGMI"])
      assert.deepStrictEqual([ok.code, ok.stdout], [0, "Nordic Semiconductor ASA\nOK\n"])
      const help = yield* atmodem(["--help"])
      assert.strictEqual(help.code, 0)
      assert.include(help.stdout, "USAGE\n  atmodem <subcommand> [flags]")
      const version = yield* atmodem(["--version"])
      assert.deepStrictEqual([version.code, version.stdout.trim()], [0, "atmodem v0.0.0"])
    })
  )

  it.live("1: the modem answered an error, with the --json document", () =>
    Effect.gen(function* () {
      const run = yield* atmodem(["--json", "at", "AT%CMNG=2,1,0"], { ATMODEM_PORT: "sim:" })
      assert.strictEqual(run.code, 1)
      const doc = JSON.parse(run.stdout) as { ok: boolean; responses: Array<{ final: unknown }> }
      assert.deepStrictEqual(
        [doc.ok, doc.responses[0]?.final],
        [false, { result: "CME ERROR", code: 513, meaning: "not found" }]
      )
    })
  )

  it.live("2: usage — no command, no modem, a bad port, an unknown flag", () =>
    Effect.gen(function* () {
      assert.strictEqual((yield* atmodem([])).code, 2)
      const noPort = yield* atmodem(["identity"])
      assert.strictEqual(noPort.code, 2)
      assert.include(noPort.stderr, "no modem given: use --port")
      assert.strictEqual((yield* atmodem(["--port", "carrier-pigeon", "identity"])).code, 2)
      assert.strictEqual((yield* atmodem(["jwt", "--no-such-flag"])).code, 2)
      const json = yield* atmodem(["--json", "--port", "x", "identity"])
      assert.strictEqual(json.code, 2)
      assert.strictEqual((JSON.parse(json.stdout) as { error: { kind: string } }).error.kind, "UsageError")
    })
  )

  it.live("3: connection refused; 4: a silent peer — within the timeout", () =>
    Effect.gen(function* () {
      const refused = yield* atmodem(["--port", "tcp://127.0.0.1:1", "--timeout", "2", "identity"])
      assert.strictEqual(refused.code, 3)
      const silent = yield* fakePeer("silent")
      const timeout = yield* atmodem(["--port", silent, "--timeout", "1", "--json", "jwt"])
      assert.strictEqual(timeout.code, 4)
      assert.strictEqual((JSON.parse(timeout.stdout) as { error: { kind: string } }).error.kind, "Timeout")
      assert.include(timeout.stderr, "nothing was received")
    })
  )

  it.live("5: a check failed; 0 again when it passes", () =>
    Effect.gen(function* () {
      const port = yield* tcpSim("exit-codes")
      const file = path.join(yield* tempDir, "identity.txt")
      fs.writeFileSync(file, "psk-identity-1")
      const run = yield* atmodem(["--port", port, "creds", "check", "--tag", "1", "--type", "0", file])
      assert.strictEqual(run.code, 5)
      assert.include(run.stdout, "1,0 is not on the modem")
      assert.strictEqual(
        (yield* atmodem(["--port", port, "creds", "write", "--tag", "1", "--type", "4", file])).code,
        0
      )
      assert.strictEqual(
        (yield* atmodem(["--port", port, "creds", "check", "--tag", "1", "--type", "4", file])).code,
        0
      )
    })
  )
})
