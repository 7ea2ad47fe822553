/**
 * The `atmodem-sim` command line (effect/cli): the root command starts the simulator, `identity` prints the
 * identity of a state directory. `--help`, `--version` and `--log-level` are effect/cli's built-ins.
 *
 * @since 0.1.0
 */
import type { Setup } from "@atmodem/modem-sim"
import type { Channel } from "@atmodem/transport"
import { Command, Flag } from "effect/cli"
import * as Effect from "effect/Effect"
import type * as FileSystem from "effect/FileSystem"
import * as Option from "effect/Option"
import type * as Path from "effect/Path"
import * as Result from "effect/Result"
import * as Config from "./Config.ts"
import * as IdentityReport from "./IdentityReport.ts"
import * as Simulator from "./Simulator.ts"

const optionalString = (name: string, description: string, metavar: string) =>
  Flag.String(name).pipe(Flag.withDescription(description), Flag.withMetavar(metavar), Flag.optional)

const toUndefined = <A>(option: Option.Option<A>): A | undefined => Option.getOrUndefined(option)

/** Flags shared by the root command and `identity`: which modem, where its state lives. */
const modemFlags = {
  state: optionalString(
    "state",
    "state directory (identity and credentials); default $XDG_STATE_HOME/atmodem/<profile> or ~/.local/state/atmodem/<profile>",
    "DIR"
  ),
  ephemeral: Flag.Boolean("ephemeral").pipe(
    Flag.withDefault(false),
    Flag.withDescription("keep identity and credentials in memory only (nothing written to disk)")
  ),
  profile: Flag.Literals("profile", ["nrf9160", "nrf9151"]).pipe(
    Flag.withDescription("modem profile preset"),
    Flag.withDefault("nrf9160")
  ),
  seed: optionalString("seed", "derive identity and nonces from this seed (reproducible modem)", "TEXT"),
  imei: optionalString("imei", "IMEI for a new identity (15 digits, valid Luhn check digit)", "IMEI"),
  networkTime: Flag.Boolean("network-time").pipe(
    Flag.withDefault(false),
    Flag.withDescription("the clock is valid from start, as if the network had set it (tokens get iat/exp)")
  ),
  signer: Flag.Literals("signer", ["native", "noble"]).pipe(
    Flag.withDescription("ES256 signer: the runtime's native crypto, or noble (deterministic signatures)"),
    Flag.withDefault("native")
  )
} as const

const serveFlags = {
  ...modemFlags,
  stdio: Flag.Boolean("stdio").pipe(
    Flag.withDefault(false),
    Flag.withDescription("serve on stdin/stdout (stdout carries only AT bytes)")
  ),
  tcp: Flag.Boolean("tcp").pipe(
    Flag.withDefault(false),
    Flag.withDescription("serve on TCP (the default when no transport is given)")
  ),
  ws: Flag.Boolean("ws").pipe(
    Flag.withDefault(false),
    Flag.withDescription("serve on WebSocket (one AT byte stream per connection)")
  ),
  serial: optionalString("serial", "serve on this serial device (Node only)", "PATH"),
  baud: Flag.Int("baud").pipe(Flag.withDescription("baud rate for --serial"), Flag.withDefault(115200)),
  pty: optionalString("pty", "create a pseudo-terminal linked at PATH (with socat) and serve on it", "PATH"),
  host: Flag.String("host").pipe(
    Flag.withDescription("address for TCP and WebSocket (default loopback only)"),
    Flag.withDefault(Config.DEFAULT_HOST)
  ),
  port: Flag.Int("port").pipe(
    Flag.withDescription("TCP port (0 picks a free one)"),
    Flag.withDefault(Config.DEFAULT_TCP_PORT)
  ),
  wsPort: Flag.Int("ws-port").pipe(
    Flag.withDescription("WebSocket port (0 picks a free one)"),
    Flag.withDefault(Config.DEFAULT_WS_PORT)
  ),
  wsOrigins: Flag.String("ws-origin").pipe(
    Flag.withDescription("browser origin allowed on WebSocket (repeatable; * for any); default loopback pages"),
    Flag.withMetavar("ORIGIN"),
    Flag.atLeast(0)
  )
} as const

interface ParsedModemFlags {
  readonly state: Option.Option<string>
  readonly ephemeral: boolean
  readonly profile: string
  readonly seed: Option.Option<string>
  readonly imei: Option.Option<string>
  readonly networkTime: boolean
  readonly signer: "native" | "noble"
}

const baseFlags = (input: ParsedModemFlags): Config.Flags => ({
  stdio: false,
  tcp: false,
  ws: false,
  serial: undefined,
  baud: 115200,
  pty: undefined,
  host: Config.DEFAULT_HOST,
  port: Config.DEFAULT_TCP_PORT,
  wsPort: Config.DEFAULT_WS_PORT,
  wsOrigins: [],
  state: toUndefined(input.state),
  ephemeral: input.ephemeral,
  profile: input.profile,
  seed: toUndefined(input.seed),
  imei: toUndefined(input.imei),
  networkTime: input.networkTime,
  signer: input.signer
})

/**
 * Why a command could not do its work.
 *
 * @since 0.1.0
 * @category errors
 */
export type Failure = Config.UsageError | Channel.TransportError | Setup.SetupError

type Handler = Effect.Effect<void, Failure, FileSystem.FileSystem | Path.Path>

const resolved = (flags: Config.Flags) => {
  const config = Config.resolve(flags)
  return Result.isSuccess(config) ? Effect.succeed(config.success) : Effect.fail(config.failure)
}

/**
 * `atmodem-sim identity`.
 *
 * @since 0.1.0
 * @category commands
 */
export const identity = Command.make(
  "identity",
  {
    ...modemFlags,
    json: Flag.Boolean("json").pipe(
      Flag.withDefault(false),
      Flag.withDescription("print one JSON object instead of text")
    )
  },
  (input): Handler =>
    Effect.gen(function* () {
      const config = yield* resolved(baseFlags(input))
      const report = yield* IdentityReport.load(config)
      const text = input.json ? `${JSON.stringify(report, null, 2)}\n` : IdentityReport.format(report)
      yield* Effect.sync(() => void process.stdout.write(text))
    })
).pipe(
  Command.withDescription(
    "print the identity of a state directory: IMEI, device and firmware UUIDs, and the identity public key (PEM, JWK, kid) that verifies default-key %JWT tokens"
  )
)

/**
 * `atmodem-sim`: start the simulator.
 *
 * @since 0.1.0
 * @category commands
 */
export const root = Command.make(
  "atmodem-sim",
  serveFlags,
  (input): Handler =>
    Effect.gen(function* () {
      const config = yield* resolved({
        ...baseFlags(input),
        stdio: input.stdio,
        tcp: input.tcp,
        ws: input.ws,
        serial: toUndefined(input.serial),
        baud: input.baud,
        pty: toUndefined(input.pty),
        host: input.host,
        port: input.port,
        wsPort: input.wsPort,
        wsOrigins: input.wsOrigins
      })
      yield* Simulator.run(config)
    })
).pipe(
  Command.withDescription(
    "a simulated nRF91 modem (AT%JWT, %CMNG, %KEYGEN, %ATTESTTOKEN) with persistent state; serves TCP 127.0.0.1:7777 unless told otherwise"
  ),
  Command.withSubcommands([identity])
)
