import { Client } from "@atmodem/transport"
import { StdioTransport } from "@atmodem/transport-stdio"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { defaultKeyJwt, type IdentityJson, makeCa, provision } from "./support/Provisioning.ts"
import { appDir, binSource, runToEnd, tempDir } from "./support/Sim.ts"

describe("atmodem-sim --stdio (spawned, Node)", () => {
  it.live("runs the provisioning flow; stdout carries only AT responses; stdin EOF ends it with 0", () =>
    Effect.gen(function* () {
      const state = tempDir("stdio-state")
      const ca = yield* makeCa(tempDir("stdio-ca"))
      const id = JSON.parse((yield* runToEnd(["identity", "--state", state, "--json"])).stdout) as IdentityJson
      const child = yield* StdioTransport.spawn({
        command: process.execPath,
        args: [binSource, "--stdio", "--state", state, "--log-level", "debug"],
        cwd: appDir,
        stderr: "ignore"
      })
      // Everything on stdout is read by the client; a stray log line would show up as unsolicited.
      const client = yield* Client.make(child, { unsolicited: [] })
      yield* provision(client, { tag: 42, ca, deviceUuid: id.deviceUuid })
      yield* defaultKeyJwt(client, id.publicKeyPem)
      const bad = yield* client.send("AT+NOSUCH")
      assert.deepStrictEqual(bad.final, { _tag: "Error" })
      assert.deepStrictEqual(yield* client.unsolicited, [])
      yield* child.close
      const exit = yield* child.exited
      assert.deepStrictEqual(exit, { code: 0, signal: null })
    }).pipe(Effect.scoped)
  )

  it.live("answers commands piped in and exits when the input ends", () =>
    Effect.gen(function* () {
      const result = yield* runToEnd(["--stdio", "--ephemeral", "--seed", "pipe"], {
        input: "AT+CGMI\r\nAT+CGMM\r\nAT+CFUN?\r\n"
      })
      assert.strictEqual(result.status, 0, result.stderr)
      assert.strictEqual(result.stdout, "Nordic Semiconductor ASA\r\nOK\r\nnRF9160-SICA\r\nOK\r\n+CFUN: 0\r\nOK\r\n")
      assert.include(result.stderr, "ready")
    })
  )
})
