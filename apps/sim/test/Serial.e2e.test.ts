import { spawn } from "node:child_process"
import { join } from "node:path"
import { Client } from "@atmodem/transport"
import { SerialTransport } from "@atmodem/transport-serial"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { defaultKeyJwt, type IdentityJson, makeCa, provision, requireSocat } from "./support/Provisioning.ts"
import { fileExists, runToEnd, start, tempDir } from "./support/Sim.ts"

/** Two linked pseudo-terminals made by socat, killed with the scope. */
const ptyPair = (a: string, b: string) =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      yield* requireSocat
      const child = spawn("socat", [`PTY,link=${a},raw,echo=0`, `PTY,link=${b},raw,echo=0`], { stdio: "ignore" })
      while (!(fileExists(a) && fileExists(b))) yield* Effect.sleep(20)
      return child
    }),
    (child) => Effect.sync(() => child.kill("SIGTERM"))
  )

describe("atmodem-sim on a pseudo-terminal, serial client (Node, serialport)", () => {
  it.live("--pty PATH: the provisioning flow through a socat pty opened with the serial client", () =>
    Effect.gen(function* () {
      yield* requireSocat
      const dir = tempDir("pty")
      const state = join(dir, "state")
      const link = join(dir, "ttyNRF")
      const ca = yield* makeCa(tempDir("pty-ca"))
      const sim = yield* start(["--pty", link, "--state", state])
      assert.include(sim.stderr(), `pty            ${link}`)
      assert.isUndefined(sim.tcp, "only the transports asked for are started")
      const id = JSON.parse((yield* runToEnd(["identity", "--state", state, "--json"])).stdout) as IdentityJson

      // A host opens the device, works, closes it; a second host opens it again.
      yield* Effect.scoped(
        Effect.gen(function* () {
          const client = yield* Client.make(yield* SerialTransport.open({ path: link }))
          yield* provision(client, { tag: 7, ca, deviceUuid: id.deviceUuid })
        })
      )
      yield* Effect.scoped(
        Effect.gen(function* () {
          const client = yield* Client.make(yield* SerialTransport.open({ path: link, baudRate: 9600 }))
          yield* defaultKeyJwt(client, id.publicKeyPem)
        })
      )
      assert.strictEqual(yield* sim.stop("SIGTERM"), 0)
      assert.isFalse(fileExists(link), "the pty link is removed when the simulator stops")
    }).pipe(Effect.scoped)
  )

  it.live("--serial PATH: the simulator serves one end of a socat pty pair, the client opens the other", () =>
    Effect.gen(function* () {
      const dir = tempDir("serial")
      const a = join(dir, "ttyA")
      const b = join(dir, "ttyB")
      yield* ptyPair(a, b)
      const sim = yield* start(["--serial", a, "--ephemeral", "--seed", "serial"])
      assert.include(sim.stderr(), `serial         ${a}`)
      const client = yield* Client.make(yield* SerialTransport.open({ path: b }))
      assert.deepStrictEqual(yield* client.command("AT+CGMI"), ["Nordic Semiconductor ASA"])
      const id = JSON.parse(
        (yield* runToEnd(["identity", "--ephemeral", "--seed", "serial", "--json"])).stdout
      ) as IdentityJson
      yield* defaultKeyJwt(client, id.publicKeyPem)
      assert.strictEqual(yield* sim.stop("SIGINT"), 0)
    }).pipe(Effect.scoped)
  )
})
