import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Client } from "@atmodem/transport"
import { TcpTransport } from "@atmodem/transport-tcp"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as jose from "jose"
import { VERSION } from "../src/Version.ts"
import type { IdentityJson } from "./support/Provisioning.ts"
import { appDir, runToEnd, start, tempDir } from "./support/Sim.ts"

describe("atmodem-sim command line", () => {
  it.live("bad options: a clear message on stderr, nothing on stdout, exit code 2", () =>
    Effect.gen(function* () {
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, RegExp]> = [
        [["--bogus"], /Unrecognized flag: --bogus/],
        [["--port", "99999"], /--port must be 0\.\.65535, got 99999/],
        [["--port", "seven"], /Invalid value for flag --port/],
        [["--profile", "nrf9999"], /Invalid value for flag --profile/],
        [["--signer", "fast"], /Invalid value for flag --signer/],
        [["--state", "/tmp/x", "--ephemeral"], /--state and --ephemeral exclude each other/]
      ]
      for (const [args, message] of cases) {
        const result = yield* runToEnd(args)
        assert.strictEqual(result.status, 2, `${args.join(" ")}: ${result.stderr}`)
        assert.match(result.stderr, message)
        assert.match(result.stderr, /--help/)
        assert.strictEqual(result.stdout, "")
      }
    })
  )

  it.live("--help and --version", () =>
    Effect.gen(function* () {
      const help = yield* runToEnd(["--help"])
      assert.strictEqual(help.status, 0)
      for (const flag of ["--stdio", "--tcp", "--ws", "--serial", "--pty", "--state", "--profile", "--seed", "--imei"])
        assert.include(help.stdout, flag)
      assert.include(help.stdout, "--log-level")
      assert.include(help.stdout, "identity")
      const version = yield* runToEnd(["--version"])
      assert.include(version.stdout, VERSION)
      const pkg = JSON.parse(readFileSync(join(appDir, "package.json"), "utf8")) as { version: string }
      assert.strictEqual(VERSION, pkg.version, "src/Version.ts follows package.json")
    })
  )

  it.live("a startup failure (invalid IMEI) is one line on stderr and exit code 1", () =>
    Effect.gen(function* () {
      const result = yield* runToEnd(["--ephemeral", "--imei", "123456789012345"])
      assert.strictEqual(result.status, 1)
      assert.match(result.stderr, /^atmodem-sim: IMEI "123456789012345" must be 15 digits ending in a valid Luhn/m)
      assert.notInclude(result.stderr, "    at ")
    })
  )

  it.live("default state directory under $XDG_STATE_HOME; identity text and JSON agree; --seed and --imei", () =>
    Effect.gen(function* () {
      const xdg = tempDir("xdg")
      const env = { XDG_STATE_HOME: xdg }
      const text = yield* runToEnd(["identity", "--seed", "cli", "--imei", "352656100000002"], { env })
      assert.strictEqual(text.status, 0, text.stderr)
      const json = yield* runToEnd(["identity", "--json"], { env })
      const id = JSON.parse(json.stdout) as IdentityJson
      assert.strictEqual(id.stateDir, join(xdg, "atmodem", "nrf9160"))
      assert.strictEqual(id.imei, "352656100000002")
      assert.include(text.stdout, `IMEI           ${id.imei}`)
      assert.include(text.stdout, `device UUID    ${id.deviceUuid}`)
      assert.include(text.stdout, id.publicKeyPem.trim())
      assert.include(text.stdout, JSON.stringify(id.publicKeyJwk))
      // The JWK and the PEM are the same key.
      const fromJwk = yield* Effect.promise(() => jose.importJWK(id.publicKeyJwk, "ES256"))
      const fromPem = yield* Effect.promise(() => jose.importSPKI(id.publicKeyPem, "ES256", { extractable: true }))
      assert.deepStrictEqual(
        yield* Effect.promise(() => jose.exportJWK(fromJwk as CryptoKey)),
        yield* Effect.promise(() => jose.exportJWK(fromPem))
      )
      // Another seed does not silently replace the stored identity.
      const other = yield* runToEnd(["identity", "--seed", "another"], { env })
      assert.strictEqual(other.status, 1)
      assert.match(other.stderr, /another state directory or drop the option/)
      // nrf9151 keeps its own directory.
      const nrf9151 = JSON.parse((yield* runToEnd(["identity", "--profile", "nrf9151", "--json"], { env })).stdout)
      assert.strictEqual(nrf9151.stateDir, join(xdg, "atmodem", "nrf9151"))
      assert.notStrictEqual(nrf9151.deviceUuid, id.deviceUuid)
    })
  )

  it.live("a state directory in use: a second simulator is refused clearly; identity still reads it", () =>
    Effect.gen(function* () {
      const state = tempDir("locked")
      const sim = yield* start(["--state", state, "--port", "0", "--profile", "nrf9151"])
      assert.include(sim.stderr(), "profile        nrf9151 (nRF9151-LACA, mfw_nrf91x1_2.0.2)")
      const second = yield* runToEnd(["--state", state, "--port", "0", "--profile", "nrf9151"])
      assert.strictEqual(second.status, 1)
      assert.match(second.stderr, /^atmodem-sim: .*lock/m)
      const identity = yield* runToEnd(["identity", "--state", state, "--profile", "nrf9151", "--json"])
      assert.strictEqual(identity.status, 0, identity.stderr)
      const client = yield* Client.make(yield* TcpTransport.connect(sim.tcp!))
      const id = JSON.parse(identity.stdout) as IdentityJson
      assert.deepStrictEqual(yield* client.command("AT%DEVICEUUID"), [`%DEVICEUUID: ${id.deviceUuid}`])
      // A port in use is a clear startup error too.
      const busy = yield* runToEnd(["--ephemeral", "--port", String(sim.tcp!.port)])
      assert.strictEqual(busy.status, 1)
      assert.match(busy.stderr, /cannot listen on tcp 127\.0\.0\.1:\d+: .*EADDRINUSE/)
    }).pipe(Effect.scoped)
  )
})
