/**
 * The simulator program: one modem (persisted in a state directory, or in memory), served on every transport
 * asked for, until it is interrupted (SIGINT/SIGTERM) or — when stdio is its only transport — until stdin ends.
 * Shutting down stops the listeners first, lets each session finish the commands it received, closes the
 * connections, then releases the state directory.
 *
 * @since 0.1.0
 */
import { Modem, Setup } from "@atmodem/modem-sim"
import type { Channel } from "@atmodem/transport"
import { Pty, SerialTransport } from "@atmodem/transport-serial"
import { StdioTransport } from "@atmodem/transport-stdio"
import { TcpTransport } from "@atmodem/transport-tcp"
import { WebSocketTransport } from "@atmodem/transport-websocket"
import * as Effect from "effect/Effect"
import type * as FileSystem from "effect/FileSystem"
import type * as Layer from "effect/Layer"
import type * as Path from "effect/Path"
import type * as Scope from "effect/Scope"
import { type Config, DEFAULT_HOST } from "./Config.ts"
import { VERSION } from "./Version.ts"

/**
 * The modem-sim options a configuration implies.
 *
 * @since 0.1.0
 * @category modem
 */
export const setupOptions = (config: Config): Setup.Options => ({
  profile: config.profile,
  profileOverrides: config.networkTime ? { networkTime: true } : {},
  seed: config.seed,
  identity: config.imei === undefined ? undefined : { imei: config.imei },
  signer: config.signer
})

/**
 * The modem layer: persistent in `config.stateDir` (locked while it runs), or in memory with `--ephemeral`.
 *
 * @since 0.1.0
 * @category modem
 */
export const modemLayer = (
  config: Config
): Layer.Layer<Modem.ModemService, Setup.SetupError, FileSystem.FileSystem | Path.Path> =>
  config.stateDir === undefined
    ? Setup.layerMemory(setupOptions(config))
    : Setup.layerPersistent({ ...setupOptions(config), stateDir: config.stateDir })

/**
 * One line of the start-up banner per transport: what it is, where, how to connect.
 *
 * @since 0.1.0
 * @category banner
 */
export interface Endpoint {
  readonly kind: string
  readonly address: string
  readonly hint: string
}

/**
 * The start-up banner (stderr): what this modem is, where its state lives, how to connect. The last line is
 * `ready`, printed once every transport is listening.
 *
 * @since 0.1.0
 * @category banner
 */
export const banner = (modem: Modem.Modem, config: Config, endpoints: ReadonlyArray<Endpoint>): string => {
  const { profile, identity } = modem
  const rows: Array<[string, string]> = [
    ["profile", `${profile.preset} (${profile.model}, ${profile.firmware})`],
    ["IMEI", identity.imei],
    ["device UUID", identity.deviceUuid],
    ["firmware UUID", profile.firmwareUuid],
    ["state", config.stateDir ?? "in memory (--ephemeral): nothing is kept after exit"],
    ["signer", config.signer === "noble" ? "noble (deterministic signatures)" : "native"],
    ["clock", profile.networkTime ? "valid from start (--network-time)" : "not set until AT+CCLK"]
  ]
  for (const endpoint of endpoints) rows.push([endpoint.kind, `${endpoint.address}    ${endpoint.hint}`])
  const width = Math.max(...rows.map(([label]) => label.length))
  return [
    `atmodem-sim ${VERSION}: a simulated ${profile.chip} modem`,
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    "ready (Ctrl-C or SIGTERM stops it)",
    ""
  ].join("\n")
}

const writeStderr = (text: string) => Effect.sync(() => void process.stderr.write(text))

/**
 * Serves the modem in context on the configured transports; returns when stdin ends (stdio only) or never.
 *
 * @since 0.1.0
 * @category program
 */
export const serve = (config: Config): Effect.Effect<void, Channel.TransportError, Modem.ModemService | Scope.Scope> =>
  Effect.gen(function* () {
    const modem = yield* Modem.ModemService
    const endpoints: Array<Endpoint> = []
    const { tcp, ws, serial, pty, stdio } = config.transports
    if (tcp !== undefined) {
      const listener = yield* TcpTransport.serve(tcp)
      const host = listener.host === "0.0.0.0" || listener.host === "::" ? DEFAULT_HOST : listener.host
      endpoints.push({ kind: "tcp", address: listener.url, hint: `connect: nc ${host} ${listener.port}` })
    }
    if (ws !== undefined) {
      const listener = yield* WebSocketTransport.serve(ws)
      const origins = ws.origins === "loopback" ? "loopback pages" : ws.origins === "any" ? "any" : ws.origins.join(" ")
      endpoints.push({ kind: "websocket", address: listener.url, hint: `origins: ${origins}` })
    }
    if (pty !== undefined) {
      const opened = yield* Pty.serve({ link: pty })
      endpoints.push({
        kind: "pty",
        address: opened.link,
        hint: `open it like a serial modem, e.g. picocom ${opened.link}`
      })
    }
    if (serial !== undefined) {
      yield* SerialTransport.serve(serial)
      endpoints.push({ kind: "serial", address: serial.path, hint: `${serial.baudRate} baud` })
    }
    if (stdio) endpoints.push({ kind: "stdio", address: "stdin/stdout", hint: "AT bytes only on stdout" })
    yield* writeStderr(banner(modem, config, endpoints))
    yield* Effect.logDebug(`serving on ${endpoints.map((e) => e.kind).join(", ")}`)
    if (!stdio) return yield* Effect.never
    if (endpoints.length === 1) return yield* StdioTransport.serve()
    yield* Effect.forkScoped(StdioTransport.serve())
    return yield* Effect.never
  })

/**
 * The whole program: the modem layer around the transports, so that connections close before the state
 * directory is released.
 *
 * @since 0.1.0
 * @category program
 */
export const run = (
  config: Config
): Effect.Effect<void, Channel.TransportError | Setup.SetupError, FileSystem.FileSystem | Path.Path> =>
  serve(config).pipe(Effect.scoped, Effect.provide(modemLayer(config)))
