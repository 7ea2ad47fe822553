import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Key } from "@atmodem/jwt-core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import * as Modem from "../src/Modem.ts"
import * as Setup from "../src/Setup.ts"
import { platform, send } from "./support.ts"

const persistent = (stateDir: string, options: Setup.Options = {}) =>
  Setup.layerPersistent({ stateDir, signer: "noble", ...options })

const withDir = <A, E, R>(f: (dir: string) => Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    Effect.sync(() => mkdtempSync(join(tmpdir(), "atmodem-state-"))),
    f,
    (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
  )

/** Runs `body` against a modem persisted in `dir`, then shuts it down (releasing the directory lock). */
const session = <A, E>(dir: string, body: Effect.Effect<A, E, Modem.ModemService>, options?: Setup.Options) =>
  body.pipe(Effect.provide(persistent(dir, options)), Effect.provide(platform))

describe("persistent modem", () => {
  it.effect("keeps credentials and identity across a restart, and nothing else", () =>
    withDir((dir) =>
      Effect.gen(function* () {
        const first = yield* session(
          dir,
          Effect.gen(function* () {
            const modem = yield* Modem.ModemService
            assert.strictEqual(yield* send("AT+CFUN=4;+CMEE=1"), "OK\r\n")
            assert.strictEqual(yield* send('AT%CMNG=0,42,0,"ca\r\n"'), "OK\r\n")
            assert.strictEqual(yield* send('AT+CCLK="24/01/01,00:00:00+00"'), "OK\r\n")
            return { imei: modem.identity.imei, uuid: modem.identity.deviceUuid, key: modem.identityPublicKey }
          })
        )
        const second = yield* session(
          dir,
          Effect.gen(function* () {
            const modem = yield* Modem.ModemService
            assert.strictEqual(modem.identity.imei, first.imei)
            assert.strictEqual(modem.identity.deviceUuid, first.uuid)
            assert.isTrue(Key.equals(modem.identityPublicKey, first.key))
            // credentials survived; CMEE, CFUN and the clock are back to power-on values
            assert.match(yield* send("AT%CMNG=1,42"), /^%CMNG: 42,0,"[0-9A-F]{64}"\r\nOK\r\n$/)
            assert.strictEqual(yield* send("AT+CMEE?;+CFUN?"), "+CMEE: 0\r\n+CFUN: 0\r\nOK\r\n")
            assert.strictEqual(yield* send("AT+CCLK?"), "ERROR\r\n")
            return true
          })
        )
        assert.isTrue(second)
        // private files in a private directory
        assert.strictEqual(statSync(dir).mode & 0o777, 0o700)
        assert.strictEqual(statSync(join(dir, "identity.json")).mode & 0o777, 0o600)
        assert.strictEqual(statSync(join(dir, "credentials.json")).mode & 0o777, 0o600)
      })
    )
  )

  it.effect("derives the same identity from the same seed, and refuses a state directory of another seed", () =>
    withDir((dir) =>
      Effect.gen(function* () {
        const imei = yield* session(
          dir,
          Effect.map(Modem.ModemService, (m) => m.identity.imei),
          { seed: "a" }
        )
        const again = yield* session(
          dir,
          Effect.map(Modem.ModemService, (m) => m.identity.imei),
          { seed: "a" }
        )
        assert.strictEqual(again, imei)
        const other = yield* Effect.exit(session(dir, Modem.ModemService, { seed: "b" }))
        assert.isTrue(Exit.isFailure(other))
        assert.include(String(Exit.isFailure(other) ? other.cause : ""), "identity key")
        const imeiClash = yield* Effect.exit(
          session(dir, Modem.ModemService, { identity: { imei: "352656100367872" } })
        )
        assert.include(String(Exit.isFailure(imeiClash) ? imeiClash.cause : ""), "IMEI")
      })
    )
  )

  it.effect("reports a corrupt identity file and leaves it as it was", () =>
    withDir((dir) =>
      Effect.gen(function* () {
        yield* session(dir, Modem.ModemService)
        const file = join(dir, "identity.json")
        writeFileSync(file, "{ corrupt")
        chmodSync(file, 0o600)
        const exit = yield* Effect.exit(session(dir, Modem.ModemService))
        assert.isTrue(Exit.isFailure(exit))
        assert.include(String(Exit.isFailure(exit) ? exit.cause : ""), `${file} is not valid JSON`)
        assert.strictEqual(readFileSync(file, "utf8"), "{ corrupt")
      })
    )
  )

  it.effect("refuses a second modem on a state directory in use", () =>
    withDir((dir) =>
      session(
        dir,
        Effect.gen(function* () {
          const exit = yield* Effect.exit(session(dir, Modem.ModemService))
          assert.isTrue(Exit.isFailure(exit))
          assert.include(String(Exit.isFailure(exit) ? exit.cause : ""), "in use")
        })
      )
    )
  )
})
