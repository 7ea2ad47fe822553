import { Client } from "@atmodem/transport"
import { WebSocketTransport } from "@atmodem/transport-websocket"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { WebSocket as WsClient } from "ws"
import { defaultKeyJwt, type IdentityJson, makeCa, provision } from "./support/Provisioning.ts"
import { runToEnd, start, tempDir } from "./support/Sim.ts"

/** The HTTP status a WebSocket handshake with this Origin gets (101 when accepted). */
const handshake = (url: string, origin: string) =>
  Effect.callback<number>((resume) => {
    const ws = new WsClient(url, { origin })
    ws.on("open", () => {
      ws.close()
      resume(Effect.succeed(101))
    })
    ws.on("unexpected-response", (_request, response) => {
      resume(Effect.succeed(response.statusCode ?? 0))
      ws.terminate()
    })
    ws.on("error", () => {})
  })

describe("atmodem-sim --ws (Node)", () => {
  it.live("runs the provisioning flow over a WebSocket; browser origins are checked", () =>
    Effect.gen(function* () {
      const state = tempDir("ws-state")
      const ca = yield* makeCa(tempDir("ws-ca"))
      const sim = yield* start(["--ws", "--ws-port", "0", "--state", state])
      assert.isDefined(sim.wsUrl)
      assert.isUndefined(sim.tcp)
      const id = JSON.parse((yield* runToEnd(["identity", "--state", state, "--json"])).stdout) as IdentityJson
      const client = yield* Client.make(yield* WebSocketTransport.connect(sim.wsUrl!))
      yield* provision(client, { tag: 1234, ca, deviceUuid: id.deviceUuid })
      yield* defaultKeyJwt(client, id.publicKeyPem)

      assert.strictEqual(yield* handshake(sim.wsUrl!, "http://localhost:5173"), 101)
      assert.strictEqual(yield* handshake(sim.wsUrl!, "https://evil.example"), 403)
      assert.strictEqual(yield* sim.stop("SIGTERM"), 0)
    }).pipe(Effect.scoped)
  )

  it.live("--ws-origin lets a listed origin in and keeps others out", () =>
    Effect.gen(function* () {
      const sim = yield* start([
        "--ws",
        "--ws-port",
        "0",
        "--ephemeral",
        "--ws-origin",
        "https://tools.example",
        "--ws-origin",
        "https://other.example"
      ])
      assert.strictEqual(yield* handshake(sim.wsUrl!, "https://tools.example"), 101)
      assert.strictEqual(yield* handshake(sim.wsUrl!, "https://other.example"), 101)
      assert.strictEqual(yield* handshake(sim.wsUrl!, "http://localhost:5173"), 403)
    }).pipe(Effect.scoped)
  )
})
