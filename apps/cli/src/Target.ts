/**
 * Where the modem is: the `--port` value (or `ATMODEM_PORT`) parsed into a target.
 *
 * - `tcp://host:port` (or just `host:port`): raw AT bytes over TCP, e.g. the simulator's `--tcp` listener.
 * - `ws://host:port/path`, `wss://…`: one AT byte stream over a WebSocket.
 * - `serial:/dev/ttyACM0[?baud=115200&flow=rtscts]`, or a bare device path (`/dev/ttyUSB0`, `./ttyNRF`, `COM3`).
 * - `sim:[STATE_DIR][?profile=nrf9151&seed=…]`: a simulated modem inside this process; without a directory it
 *   lives in memory for this one command.
 *
 * @since 0.1.0
 */
import { Profile } from "@atmodem/modem-sim"
import * as Result from "effect/Result"
import { UsageError } from "./Failure.ts"

/**
 * @since 0.1.0
 * @category models
 */
export type FlowControl = "none" | "rtscts"

/**
 * @since 0.1.0
 * @category models
 */
export type Target =
  | { readonly _tag: "Tcp"; readonly host: string; readonly port: number }
  | { readonly _tag: "WebSocket"; readonly url: string }
  | {
      readonly _tag: "Serial"
      readonly path: string
      readonly baudRate: number | undefined
      readonly flowControl: FlowControl | undefined
    }
  | {
      readonly _tag: "Sim"
      readonly stateDir: string | undefined
      readonly profile: string | undefined
      readonly seed: string | undefined
    }

/**
 * The TCP port used when a `tcp://` target gives none (the simulator's default).
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_TCP_PORT = 7777

const FORMS = "tcp://HOST:PORT, ws://HOST:PORT/, serial:/dev/ttyACM0, a device path, or sim:[STATE_DIR]"

const usage = (reason: string) => Result.fail(new UsageError({ reason }))

const parsePort = (text: string, what: string): Result.Result<number, UsageError> => {
  const port = Number(text)
  return /^\d{1,5}$/.test(text) && port >= 1 && port <= 65535
    ? Result.succeed(port)
    : usage(`${what}: the port must be a number from 1 to 65535`)
}

const splitQuery = (text: string): readonly [string, URLSearchParams] => {
  const at = text.indexOf("?")
  return at < 0 ? [text, new URLSearchParams()] : [text.slice(0, at), new URLSearchParams(text.slice(at + 1))]
}

/**
 * A baud rate from text: a positive integer.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseBaudRate = (text: string): Result.Result<number, UsageError> =>
  /^[1-9]\d{0,7}$/.test(text) ? Result.succeed(Number(text)) : usage(`baud rate "${text}" is not a positive integer`)

/**
 * A flow control setting from text: `none` or `rtscts` (`hardware` and `rts/cts` are accepted too).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseFlowControl = (text: string): Result.Result<FlowControl, UsageError> => {
  const value = text.toLowerCase()
  if (value === "none" || value === "off") return Result.succeed("none")
  if (value === "rtscts" || value === "rts/cts" || value === "hardware") return Result.succeed("rtscts")
  return usage(`flow control "${text}" is not one of: none, rtscts`)
}

const parseTcp = (rest: string, original: string): Result.Result<Target, UsageError> => {
  const m = /^(\[[^\]]+\]|[^:/?#]+)(?::(\d*))?\/?$/.exec(rest)
  if (m === null) return usage(`"${original}" is not tcp://HOST:PORT`)
  const host = m[1]!.replace(/^\[|\]$/g, "")
  const portText = m[2]
  if (portText === undefined || portText === "") return Result.succeed({ _tag: "Tcp", host, port: DEFAULT_TCP_PORT })
  return Result.map(parsePort(portText, original), (port): Target => ({ _tag: "Tcp", host, port }))
}

const parseSerial = (rest: string, original: string): Result.Result<Target, UsageError> =>
  Result.gen(function* () {
    const [path, query] = splitQuery(rest)
    if (path === "") return yield* usage(`"${original}" names no device: serial:/dev/ttyACM0`)
    for (const key of query.keys())
      if (key !== "baud" && key !== "flow") return yield* usage(`unknown serial option "${key}" (baud, flow)`)
    const baud = query.get("baud")
    const flow = query.get("flow")
    return {
      _tag: "Serial" as const,
      path,
      baudRate: baud === null ? undefined : yield* parseBaudRate(baud),
      flowControl: flow === null ? undefined : yield* parseFlowControl(flow)
    }
  })

const parseSim = (rest: string, original: string): Result.Result<Target, UsageError> =>
  Result.gen(function* () {
    const [dir, query] = splitQuery(rest)
    for (const key of query.keys())
      if (key !== "profile" && key !== "seed") return yield* usage(`unknown sim option "${key}" (profile, seed)`)
    const profile = query.get("profile")
    if (profile !== null) {
      const known = Profile.make(profile)
      if (Result.isFailure(known)) return yield* usage(`"${original}": ${known.failure.reason}`)
    }
    return {
      _tag: "Sim" as const,
      stateDir: dir === "" ? undefined : dir,
      profile: query.get("profile") ?? undefined,
      seed: query.get("seed") ?? undefined
    }
  })

/**
 * Parses a target.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (text: string): Result.Result<Target, UsageError> => {
  const value = text.trim()
  const lower = value.toLowerCase()
  if (value === "") return usage(`the port is empty; give one of ${FORMS}`)
  if (lower.startsWith("tcp://")) return parseTcp(value.slice(6), value)
  if (lower.startsWith("ws://") || lower.startsWith("wss://")) {
    return URL.canParse(value)
      ? Result.succeed({ _tag: "WebSocket", url: value })
      : usage(`"${value}" is not a WebSocket URL`)
  }
  if (lower.startsWith("serial:")) return parseSerial(value.slice(7), value)
  if (lower === "sim" || lower.startsWith("sim:")) return parseSim(value.slice(4), value)
  if (value.startsWith("/") || value.startsWith("./") || value.startsWith("../") || /^COM\d+$/i.test(value))
    return parseSerial(value, value)
  if (/^(\[[^\]]+\]|[A-Za-z0-9.-]+):\d+$/.test(value)) return parseTcp(value, value)
  return usage(`"${value}" is not a target; give one of ${FORMS}`)
}

/**
 * The target as text for messages: `tcp://127.0.0.1:7777`, `serial /dev/ttyACM0 at 115200 baud`, `sim (in memory)`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const describe = (target: Target): string => {
  switch (target._tag) {
    case "Tcp":
      return `tcp://${target.host.includes(":") ? `[${target.host}]` : target.host}:${target.port}`
    case "WebSocket":
      return target.url
    case "Serial":
      return `serial ${target.path}`
    case "Sim":
      return target.stateDir === undefined ? "sim (in memory)" : `sim ${target.stateDir}`
  }
}
