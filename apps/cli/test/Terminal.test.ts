/** What happens on a terminal: the spinner while waiting, line editing and history in the shell. */
import * as fs from "node:fs"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { fakePeer, runCli, tcpSim, tempDir } from "./helpers.ts"

describe("on a terminal", () => {
  it.live("a spinner says what is awaited, and is cleared before the error", () =>
    Effect.gen(function* () {
      const port = yield* fakePeer("silent")
      const run = yield* runCli(["--port", port, "--timeout", "1", "jwt"], { stderrIsTTY: true })
      assert.strictEqual(run.code, 4)
      assert.include(run.stderr, "\r⠋ requesting a token (AT%JWT)\x1b[K")
      assert.include(run.stderr, "\r\x1b[Kerror: no answer to AT+CMEE=1")
      const plain = yield* runCli(["--port", port, "--timeout", "1", "jwt"])
      assert.notInclude(plain.stderr, "⠋")
    })
  )

  it.live("the shell keeps a history file (mode 0600) and reads it back next time", () =>
    Effect.gen(function* () {
      const port = yield* tcpSim("history")
      const history = path.join(yield* tempDir, "history")
      const env = { ATMODEM_HISTORY: history }
      const first = yield* runCli(["--port", port, "shell"], {
        stdin: "AT+CGMI\rAT+CGMM\rexit\r",
        stdinIsTTY: true,
        env
      })
      assert.strictEqual(first.code, 0, first.stderr)
      assert.include(first.stderr, "type AT commands")
      assert.include(first.stdout, "AT> ")
      assert.include(first.stdout, "Nordic Semiconductor ASA\nOK\n")
      assert.include(first.stdout, "nRF9160-SICA\nOK\n")
      assert.deepStrictEqual(fs.readFileSync(history, "utf8").split("\n"), ["AT+CGMI", "AT+CGMM", "exit", ""])
      if (process.platform !== "win32") assert.strictEqual(fs.statSync(history).mode & 0o777, 0o600)
      // Up-arrow twice brings back AT+CGMM from the previous session (history is newest first).
      const second = yield* runCli(["--port", port, "shell"], { stdin: "\x1b[A\x1b[A\r\x04", stdinIsTTY: true, env })
      assert.strictEqual(second.code, 0, second.stderr)
      assert.include(second.stdout, "nRF9160-SICA\nOK\n")
      // A pasted multi-line credential write is one command, and none of its lines reaches the history file.
      const pasted = yield* runCli(["--port", port, "shell"], {
        stdin:
          'AT%CMNG=0,951,2,"-----BEGIN PRIVATE KEY-----\rSECRETBODYLINE\r-----END PRIVATE KEY-----"\rAT+CGMI\rexit\r',
        stdinIsTTY: true,
        env
      })
      assert.strictEqual(pasted.code, 0, pasted.stderr)
      assert.notInclude(pasted.stdout, "ERROR")
      assert.notInclude(fs.readFileSync(history, "utf8"), "SECRETBODYLINE")
      assert.notInclude(fs.readFileSync(history, "utf8"), "PRIVATE KEY")
    })
  )
})
