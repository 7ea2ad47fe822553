import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Client } from "@atmodem/transport"
import { TcpTransport } from "@atmodem/transport-tcp"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { defaultKeyJwt, type IdentityJson, makeCa, provision } from "./support/Provisioning.ts"
import { appDir, type Runtime, repoRoot, runToEnd, start, tempDir } from "./support/Sim.ts"

/** Starts the simulator under a runtime and checks that its tokens verify against the seed's identity key. */
const answersJwt = (runtime: Runtime, signer: "native" | "noble") =>
  Effect.gen(function* () {
    const seed = `runtime-${typeof runtime === "string" ? runtime : "binary"}`
    const id = JSON.parse(
      (yield* runToEnd(["identity", "--ephemeral", "--seed", seed, "--json"], { runtime })).stdout
    ) as IdentityJson
    const sim = yield* start(["--ephemeral", "--seed", seed, "--port", "0", "--signer", signer], { runtime })
    const client = yield* Client.make(yield* TcpTransport.connect(sim.tcp!))
    assert.deepStrictEqual(yield* client.command("AT+CGSN"), [id.imei])
    const first = yield* defaultKeyJwt(client, id.publicKeyPem)
    const second = yield* defaultKeyJwt(client, id.publicKeyPem)
    assert.notStrictEqual(first.token, second.token, "every token has a fresh jti")
    assert.strictEqual(yield* sim.stop("SIGTERM"), 0)
    return { id, sim }
  }).pipe(Effect.scoped)

describe("the simulator started under each runtime answers AT%JWT", () => {
  for (const runtime of ["node", "bun", "deno"] as const)
    it.live(`${runtime}: src/bin.ts serves TCP, AT%JWT verifies against \`identity\`, SIGTERM exits 0`, () =>
      Effect.gen(function* () {
        const { id } = yield* answersJwt(runtime, "native")
        // The same seed gives the same modem whichever runtime runs it.
        const fromNode = JSON.parse(
          (yield* runToEnd(["identity", "--ephemeral", "--seed", `runtime-${runtime}`, "--json"])).stdout
        ) as IdentityJson
        assert.deepStrictEqual(id, fromNode)
      })
    )

  it.live("noble signer: deterministic signatures under Node and Bun alike", () =>
    Effect.gen(function* () {
      const token = (runtime: Runtime) =>
        Effect.gen(function* () {
          const sim = yield* start(["--ephemeral", "--seed", "noble", "--port", "0", "--signer", "noble"], { runtime })
          const client = yield* Client.make(yield* TcpTransport.connect(sim.tcp!))
          return (yield* client.command("AT%JWT"))[0]!
        }).pipe(Effect.scoped)
      // Seeded nonces and RFC 6979 signatures: the same modem signs the same first token.
      assert.strictEqual(yield* token("node"), yield* token("bun"))
    })
  )
})

describe("the single executable (bun build --compile)", () => {
  it.live("builds with `pnpm build:bin` and runs the provisioning flow and `identity`", () =>
    Effect.gen(function* () {
      // Exactly what `pnpm build:bin` runs (its script from package.json), with the workspace's tools on the PATH.
      const script = (
        JSON.parse(readFileSync(join(appDir, "package.json"), "utf8")) as { scripts: Record<string, string> }
      ).scripts["build:bin"]!
      const built = spawnSync("sh", ["-c", script], {
        cwd: appDir,
        encoding: "utf8",
        env: { ...process.env, PATH: `${join(repoRoot, "node_modules", ".bin")}:${process.env.PATH}` }
      })
      assert.strictEqual(built.status, 0, built.stderr)
      const out = join(appDir, "build", "atmodem-sim")
      const runtime = { executable: out }
      const version = yield* runToEnd(["--version"], { runtime })
      assert.strictEqual(version.status, 0)
      assert.include(version.stdout, "0.0.0")

      const state = tempDir("binary-state")
      const ca = yield* makeCa(tempDir("binary-ca"))
      const id = JSON.parse(
        (yield* runToEnd(["identity", "--state", state, "--json"], { runtime })).stdout
      ) as IdentityJson
      yield* Effect.scoped(
        Effect.gen(function* () {
          const sim = yield* start(["--state", state, "--port", "0"], { runtime })
          const client = yield* Client.make(yield* TcpTransport.connect(sim.tcp!))
          yield* provision(client, { tag: 99, ca, deviceUuid: id.deviceUuid })
          yield* defaultKeyJwt(client, id.publicKeyPem)
          assert.strictEqual(yield* sim.stop("SIGINT"), 0)
        })
      )
      // Under Bun the serial transport refuses clearly instead of crashing in the native binding.
      const serial = yield* runToEnd(["--serial", "/dev/null", "--ephemeral"], { runtime })
      assert.strictEqual(serial.status, 1)
      assert.include(serial.stderr, "the serial transport needs Node")
    })
  )
})
