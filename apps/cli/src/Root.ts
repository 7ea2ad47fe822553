/**
 * The `atmodem` root command and its shared flags (`--port`, `--timeout`, `--json`, `--baud`,
 * `--flow-control`), accepted before or after the subcommand, and what they resolve to.
 *
 * @since 0.1.0
 */

import { Command, Flag } from "effect/cli"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import type * as Connection from "./Connection.ts"
import { UsageError } from "./Failure.ts"
import { IoService } from "./Io.ts"
import * as Target from "./Target.ts"

/**
 * Seconds to wait for a connection and for each answer when `--timeout` is not given.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_TIMEOUT_SECONDS = 10

/**
 * The environment variable read when `--port` is not given.
 *
 * @since 0.1.0
 * @category constants
 */
export const PORT_ENV = "ATMODEM_PORT"

/**
 * The root command.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("atmodem").pipe(
  Command.withSharedFlags({
    port: Flag.String("port").pipe(
      Flag.withAlias("p"),
      Flag.withMetavar("TARGET"),
      Flag.withDescription(
        `The modem: tcp://HOST:PORT, ws://HOST:PORT/, serial:/dev/ttyACM0 (or a device path), sim:[STATE_DIR]. Default: $${PORT_ENV}`
      ),
      Flag.optional
    ),
    timeout: Flag.Finite("timeout").pipe(
      Flag.withMetavar("SECONDS"),
      Flag.withDescription(
        `How long to wait for the connection and for each answer (default ${DEFAULT_TIMEOUT_SECONDS})`
      ),
      Flag.withDefault(DEFAULT_TIMEOUT_SECONDS)
    ),
    json: Flag.Boolean("json").pipe(
      Flag.withDescription("Print one JSON document on stdout instead of text"),
      Flag.withDefault(false)
    ),
    baud: Flag.Int("baud").pipe(
      Flag.withMetavar("RATE"),
      Flag.withDescription("Serial baud rate (default 115200)"),
      Flag.optional
    ),
    flowControl: Flag.Literals("flow-control", ["none", "rtscts"]).pipe(
      Flag.withDescription("Serial flow control (default none)"),
      Flag.optional
    )
  }),
  Command.withDescription(
    "The host tool for real and simulated nRF91 modems: AT commands, JWTs, credentials, keys, attestation."
  )
)

/**
 * The settings a command that talks to a modem needs.
 *
 * @since 0.1.0
 * @category models
 */
export interface Settings {
  readonly target: Target.Target
  readonly connection: Connection.Options
}

/**
 * The timeout in milliseconds from `--timeout`.
 *
 * @since 0.1.0
 * @category settings
 */
export const timeoutMillis = (seconds: number): Result.Result<number, UsageError> =>
  Number.isFinite(seconds) && seconds > 0 && seconds <= 86400
    ? Result.succeed(Math.round(seconds * 1000))
    : Result.fail(new UsageError({ reason: `--timeout ${seconds} is not a number of seconds above 0` }))

/**
 * Resolves the shared flags (and `ATMODEM_PORT`) into a target and connection options.
 *
 * @since 0.1.0
 * @category settings
 */
export const settings = Effect.gen(function* () {
  const flags = yield* command
  const io = yield* IoService
  const port = Option.getOrElse(flags.port, () => io.env[PORT_ENV] ?? "")
  if (port.trim() === "")
    return yield* new UsageError({
      reason: `no modem given: use --port (tcp://HOST:PORT, ws://…, serial:/dev/ttyACM0, sim:) or set ${PORT_ENV}`
    })
  const target = yield* Effect.fromResult(Target.parse(port))
  const timeout = yield* Effect.fromResult(timeoutMillis(flags.timeout))
  const baud = Option.getOrUndefined(flags.baud)
  if (baud !== undefined && !(baud > 0)) return yield* new UsageError({ reason: `--baud ${baud} is not a baud rate` })
  const settings: Settings = {
    target,
    connection: {
      timeoutMillis: timeout,
      baudRate: baud,
      flowControl: Option.getOrUndefined(flags.flowControl)
    }
  }
  return settings
})
