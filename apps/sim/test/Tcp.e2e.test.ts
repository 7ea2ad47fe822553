import { Client } from "@atmodem/transport"
import { TcpTransport } from "@atmodem/transport-tcp"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { defaultKeyJwt, type IdentityJson, makeCa, provision } from "./support/Provisioning.ts"
import { runToEnd, start, tempDir } from "./support/Sim.ts"

describe("atmodem-sim over TCP (Node)", () => {
  it.live("runs the provisioning flow; default-key tokens verify against `atmodem-sim identity`", () =>
    Effect.gen(function* () {
      const state = tempDir("tcp-state")
      const ca = yield* makeCa(tempDir("tcp-ca"))
      const sim = yield* start(["--state", state, "--port", "0"])
      assert.include(sim.stderr(), `state          ${state}`)
      const channel = yield* TcpTransport.connect(sim.tcp!)
      const client = yield* Client.make(channel)

      const identity = yield* runToEnd(["identity", "--state", state, "--json"])
      assert.strictEqual(identity.status, 0, identity.stderr)
      const id = JSON.parse(identity.stdout) as IdentityJson
      assert.deepStrictEqual(yield* client.command("AT+CGSN"), [id.imei])
      assert.include(sim.stderr(), id.imei)
      assert.include(sim.stderr(), id.deviceUuid)

      yield* provision(client, { tag: 16842753, ca, deviceUuid: id.deviceUuid })
      const { payload } = yield* defaultKeyJwt(client, id.publicKeyPem)
      assert.strictEqual(payload.iss, `nRF9160.${id.deviceUuid}`)

      // SIGTERM: a graceful stop with exit code 0, and the state directory is unlocked for the next start.
      assert.strictEqual(yield* sim.stop("SIGTERM"), 0)
      const again = yield* start(["--state", state, "--port", "0"])
      const client2 = yield* Client.make(yield* TcpTransport.connect(again.tcp!))
      const listed = yield* client2.command("AT%CMNG=1,16842753")
      assert.strictEqual(listed.length, 3)
      assert.strictEqual(yield* again.stop("SIGINT"), 0)
    }).pipe(Effect.scoped)
  )

  it.live("with --network-time tokens carry iat and exp", () =>
    Effect.gen(function* () {
      const sim = yield* start(["--ephemeral", "--seed", "tcp-time", "--network-time", "--port", "0"])
      const client = yield* Client.make(yield* TcpTransport.connect(sim.tcp!))
      const id = JSON.parse(
        (yield* runToEnd(["identity", "--ephemeral", "--seed", "tcp-time", "--json"])).stdout
      ) as IdentityJson
      const lines = yield* client.command('AT%JWT=0,600,"dev"')
      const token = /^%JWT: "(.+)"$/.exec(lines[0]!)![1]!
      const jose = yield* Effect.promise(() => import("jose"))
      const key = yield* Effect.promise(() => jose.importSPKI(id.publicKeyPem, "ES256"))
      const { payload } = yield* Effect.promise(() => jose.jwtVerify(token, key, { subject: "dev" }))
      assert.strictEqual(Object.keys(payload).join(","), "iss,jti,iat,exp,sub")
      assert.strictEqual(payload.exp! - payload.iat!, 600)
    }).pipe(Effect.scoped)
  )
})
