/**
 * What `atmodem-sim` was asked to do, checked: which transports, where its state lives, which modem. Pure: the
 * CLI parses flags into {@link Flags}, {@link resolve} turns them into a {@link Config} or a {@link UsageError}.
 *
 * @since 0.1.0
 */
import { homedir } from "node:os"
import { join } from "node:path"
import { Profile } from "@atmodem/modem-sim"
import * as Data from "effect/Data"
import * as Result from "effect/Result"
/**
 * The command line as parsed, before checks.
 *
 * @since 0.1.0
 * @category models
 */
export interface Flags {
  readonly stdio: boolean
  readonly tcp: boolean
  readonly ws: boolean
  readonly serial: string | undefined
  readonly baud: number
  readonly pty: string | undefined
  readonly host: string
  readonly port: number
  readonly wsPort: number
  readonly wsOrigins: ReadonlyArray<string>
  readonly state: string | undefined
  readonly ephemeral: boolean
  readonly profile: string
  readonly seed: string | undefined
  readonly imei: string | undefined
  readonly networkTime: boolean
  readonly signer: "native" | "noble"
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Config {
  readonly transports: {
    readonly stdio: boolean
    readonly tcp: { readonly host: string; readonly port: number } | undefined
    readonly ws:
      | { readonly host: string; readonly port: number; readonly origins: "loopback" | "any" | ReadonlyArray<string> }
      | undefined
    readonly serial: { readonly path: string; readonly baudRate: number } | undefined
    readonly pty: string | undefined
  }
  /** `undefined`: credentials and identity in memory only (`--ephemeral`). */
  readonly stateDir: string | undefined
  readonly profile: string
  readonly seed: string | undefined
  readonly imei: string | undefined
  readonly networkTime: boolean
  readonly signer: "native" | "noble"
}

/**
 * The command line cannot be used as given; the message says why and what to do.
 *
 * @since 0.1.0
 * @category errors
 */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly reason: string }> {
  override get message() {
    return this.reason
  }
}

/**
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_TCP_PORT = 7777

/**
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_WS_PORT = 7778

/**
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_HOST = "127.0.0.1"

/**
 * The default state directory of a profile: `$XDG_STATE_HOME/atmodem/<profile>`, else
 * `~/.local/state/atmodem/<profile>` (on Windows `%LOCALAPPDATA%\atmodem\<profile>`). One per profile, so that
 * switching `--profile` never meets an identity made for another chip.
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultStateDir = (
  profile: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  home: string = homedir(),
  platform: string = process.platform
): string => {
  if (env.XDG_STATE_HOME !== undefined && env.XDG_STATE_HOME !== "") return join(env.XDG_STATE_HOME, "atmodem", profile)
  if (platform === "win32" && env.LOCALAPPDATA !== undefined) return join(env.LOCALAPPDATA, "atmodem", profile)
  return join(home, ".local", "state", "atmodem", profile)
}

const validPort = (port: number) => Number.isInteger(port) && port >= 0 && port <= 65535

/**
 * Checks the flags and fills in defaults: no transport flag means TCP; TCP and WebSocket ports 0..65535 (0 picks
 * a free port); `--state` and `--ephemeral` exclude each other; the profile must be a known preset.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolve = (
  flags: Flags,
  env?: Readonly<Record<string, string | undefined>>
): Result.Result<Config, UsageError> => {
  const fail = (reason: string) => Result.fail(new UsageError({ reason }))
  if (Profile.presets[flags.profile] === undefined)
    return fail(`unknown profile "${flags.profile}" (known: ${Object.keys(Profile.presets).join(", ")})`)
  if (!validPort(flags.port)) return fail(`--port must be 0..65535, got ${flags.port}`)
  if (!validPort(flags.wsPort)) return fail(`--ws-port must be 0..65535, got ${flags.wsPort}`)
  if (!Number.isInteger(flags.baud) || flags.baud <= 0)
    return fail(`--baud must be a positive integer, got ${flags.baud}`)
  if (flags.host.trim() === "") return fail("--host must not be empty")
  if (flags.state !== undefined && flags.ephemeral) return fail("--state and --ephemeral exclude each other")
  if (flags.serial !== undefined && flags.serial.trim() === "") return fail("--serial needs a device path")
  if (flags.pty !== undefined && flags.pty.trim() === "") return fail("--pty needs a path for the link")
  if (flags.seed !== undefined && flags.seed === "") return fail("--seed must not be empty")
  const chosen = flags.stdio || flags.tcp || flags.ws || flags.serial !== undefined || flags.pty !== undefined
  const origins = flags.wsOrigins.includes("*")
    ? ("any" as const)
    : flags.wsOrigins.length > 0
      ? flags.wsOrigins
      : ("loopback" as const)
  return Result.succeed({
    transports: {
      stdio: flags.stdio,
      tcp: flags.tcp || !chosen ? { host: flags.host, port: flags.port } : undefined,
      ws: flags.ws ? { host: flags.host, port: flags.wsPort, origins } : undefined,
      serial: flags.serial === undefined ? undefined : { path: flags.serial, baudRate: flags.baud },
      pty: flags.pty
    },
    stateDir: flags.ephemeral ? undefined : (flags.state ?? defaultStateDir(flags.profile, env)),
    profile: flags.profile,
    seed: flags.seed,
    imei: flags.imei,
    networkTime: flags.networkTime,
    signer: flags.signer
  })
}
