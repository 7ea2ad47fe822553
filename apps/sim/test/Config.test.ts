import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import * as Config from "../src/Config.ts"

const flags: Config.Flags = {
  stdio: false,
  tcp: false,
  ws: false,
  serial: undefined,
  baud: 115200,
  pty: undefined,
  host: "127.0.0.1",
  port: 7777,
  wsPort: 7778,
  wsOrigins: [],
  state: undefined,
  ephemeral: false,
  profile: "nrf9160",
  seed: undefined,
  imei: undefined,
  networkTime: false,
  signer: "native"
}

const resolve = (overrides: Partial<Config.Flags>, env: Record<string, string | undefined> = {}) =>
  Config.resolve({ ...flags, ...overrides }, env)

describe("Config", () => {
  it("defaults: TCP on 127.0.0.1:7777 only", () => {
    const config = Result.getOrThrow(resolve({}))
    assert.deepStrictEqual(config.transports, {
      stdio: false,
      tcp: { host: "127.0.0.1", port: 7777 },
      ws: undefined,
      serial: undefined,
      pty: undefined
    })
  })

  it("naming any transport serves exactly those; --tcp adds TCP back", () => {
    const stdio = Result.getOrThrow(resolve({ stdio: true }))
    assert.isTrue(stdio.transports.stdio)
    assert.isUndefined(stdio.transports.tcp)
    const both = Result.getOrThrow(resolve({ stdio: true, tcp: true, pty: "/tmp/tty", ws: true, wsPort: 0 }))
    assert.deepStrictEqual(both.transports.tcp, { host: "127.0.0.1", port: 7777 })
    assert.deepStrictEqual(both.transports.ws, { host: "127.0.0.1", port: 0, origins: "loopback" })
    assert.strictEqual(both.transports.pty, "/tmp/tty")
    const serial = Result.getOrThrow(resolve({ serial: "/dev/ttyACM0", baud: 9600 }))
    assert.deepStrictEqual(serial.transports.serial, { path: "/dev/ttyACM0", baudRate: 9600 })
  })

  it("origins: loopback by default, a list, or * for any", () => {
    const origins = (wsOrigins: ReadonlyArray<string>) =>
      Result.getOrThrow(resolve({ ws: true, wsOrigins })).transports.ws?.origins
    assert.strictEqual(origins([]), "loopback")
    assert.deepStrictEqual(origins(["https://a.example"]), ["https://a.example"])
    assert.strictEqual(origins(["https://a.example", "*"]), "any")
  })

  it("state directory: --state, else XDG_STATE_HOME, else ~/.local/state; one per profile; none with --ephemeral", () => {
    assert.strictEqual(Result.getOrThrow(resolve({ state: "/srv/modem" })).stateDir, "/srv/modem")
    assert.strictEqual(
      Result.getOrThrow(resolve({ profile: "nrf9151" }, { XDG_STATE_HOME: "/x" })).stateDir,
      join("/x", "atmodem", "nrf9151")
    )
    assert.strictEqual(
      Config.defaultStateDir("nrf9160", {}, "/home/me", "linux"),
      join("/home/me", ".local", "state", "atmodem", "nrf9160")
    )
    assert.strictEqual(
      Config.defaultStateDir("nrf9160", { LOCALAPPDATA: "C:\\Users\\me\\AppData\\Local" }, "C:\\Users\\me", "win32"),
      join("C:\\Users\\me\\AppData\\Local", "atmodem", "nrf9160")
    )
    assert.isUndefined(Result.getOrThrow(resolve({ ephemeral: true })).stateDir)
  })

  it("rejects what cannot work, saying why", () => {
    const reason = (overrides: Partial<Config.Flags>) => {
      const result = resolve(overrides)
      return Result.isFailure(result) ? result.failure.reason : "accepted"
    }
    assert.strictEqual(reason({ port: 70000 }), "--port must be 0..65535, got 70000")
    assert.strictEqual(reason({ wsPort: -1 }), "--ws-port must be 0..65535, got -1")
    assert.strictEqual(reason({ baud: 0 }), "--baud must be a positive integer, got 0")
    assert.strictEqual(reason({ state: "/s", ephemeral: true }), "--state and --ephemeral exclude each other")
    assert.match(reason({ profile: "nrf9999" }), /unknown profile "nrf9999" \(known: nrf9160, nrf9151\)/)
    assert.strictEqual(reason({ host: " " }), "--host must not be empty")
    assert.strictEqual(reason({ seed: "" }), "--seed must not be empty")
    assert.strictEqual(reason({ port: 0 }), "accepted")
  })
})
