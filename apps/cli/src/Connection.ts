/**
 * A connection to a modem: opens the target's channel (TCP, WebSocket, serial, or an in-process simulator),
 * runs an AT client on it, and bounds every step by the timeout. When an answer does not come, the error says
 * what did arrive — nothing, bytes that are not text (a wrong baud rate), lines without a final result, or half
 * a line — so a silent or wrong peer ends with a clear message instead of a hang.
 *
 * @since 0.1.0
 */
import type { ResponseWriter } from "@atmodem/at-protocol"
import type { Key } from "@atmodem/jwt-core"
import { Modem, Setup } from "@atmodem/modem-sim"
import { type Channel, Client } from "@atmodem/transport"
import { MemoryTransport } from "@atmodem/transport-memory"
import { SerialTransport } from "@atmodem/transport-serial"
import { TcpTransport } from "@atmodem/transport-tcp"
import { WebSocketTransport } from "@atmodem/transport-websocket"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as FileSystem from "effect/FileSystem"
import * as Layer from "effect/Layer"
import type * as Path from "effect/Path"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { CommandRejected, ConnectionFailed, Timeout } from "./Failure.ts"
import * as Target from "./Target.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** How long opening the target, and then each command line, may take. */
  readonly timeoutMillis: number
  /** Serial only: overrides the target's `?baud=` (default 115200). */
  readonly baudRate?: number | undefined
  /** Serial only: overrides the target's `?flow=` (default none). */
  readonly flowControl?: Target.FlowControl | undefined
}

/**
 * The answer to one command line.
 *
 * @since 0.1.0
 * @category models
 */
export interface Response {
  readonly lines: ReadonlyArray<string>
  readonly final: ResponseWriter.FinalResult
}

/**
 * How a command line appears in messages.
 *
 * @since 0.1.0
 * @category models
 */
export interface LineOptions {
  /** What the line is for: `reading the credential 42,0`. */
  readonly doing?: string | undefined
  /** The line as shown in messages, when it must not be (it carries a key or a password). */
  readonly display?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Connection {
  readonly target: Target.Target
  /** What the connection is to, for messages. */
  readonly description: string
  /** Sends one command line (no terminator) and returns its answer, whatever the final result. */
  readonly send: (line: string, options?: LineOptions) => Effect.Effect<Response, Timeout | ConnectionFailed>
  /**
   * Sends one command line and returns its information lines; any final result other than `OK` is a
   * {@link CommandRejected}.
   */
  readonly command: (
    line: string,
    options?: LineOptions
  ) => Effect.Effect<ReadonlyArray<string>, CommandRejected | Timeout | ConnectionFailed>
  /** Unsolicited lines received so far. */
  readonly unsolicited: Effect.Effect<ReadonlyArray<string>>
  /** The device identity public key, when the modem is a simulator in this process. */
  readonly identityPublicKey: Key.PublicKey | undefined
}

/** How much of what a peer sent is kept to explain a timeout. */
const KEEP_BYTES = 4096

/**
 * `5 s`, `0.5 s`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatSeconds = (millis: number): string => `${Number((millis / 1000).toFixed(3))} s`

const isText = (b: number) => (b >= 0x20 && b < 0x7f) || b === 0x0d || b === 0x0a || b === 0x09 || b >= 0x80

const preview = (text: string, limit = 120) => JSON.stringify(text.length > limit ? `${text.slice(0, limit)}…` : text)

/**
 * Why no answer came, from what was received meanwhile.
 *
 * @since 0.1.0
 * @category formatting
 */
export const describeSilence = (input: {
  readonly line: string
  readonly description: string
  readonly timeoutMillis: number
  readonly received: Uint8Array
  readonly serial: boolean
}): string => {
  const head = `no answer to ${input.line} from ${input.description} within ${formatSeconds(input.timeoutMillis)}`
  const bytes = input.received
  if (bytes.length === 0)
    return `${head}: nothing was received${input.serial ? " (is this the modem's AT port, at the right baud rate?)" : " (is the peer an AT modem?)"}`
  const text = new TextDecoder("utf-8").decode(bytes)
  const binary = bytes.filter((b) => !isText(b)).length > bytes.length / 10
  if (binary) {
    const hex = Array.from(bytes.slice(0, 24), (b) => b.toString(16).padStart(2, "0")).join(" ")
    return `${head}: received ${bytes.length} bytes that are not AT text (${hex}${bytes.length > 24 ? " …" : ""})${input.serial ? "; wrong baud rate?" : "; is the peer an AT modem?"}`
  }
  if (!/[\r\n]/.test(text)) return `${head}: received half a line without a line end: ${preview(text)}`
  if (!/[\r\n]$/.test(text))
    return `${head}: received no final result (OK, ERROR, +CME ERROR), and the last line is incomplete: ${preview(text)}`
  return `${head}: received lines but no final result (OK, ERROR, +CME ERROR): ${preview(text)}`
}

const connectionFailed = (error: Channel.TransportError) => new ConnectionFailed({ reason: error.reason })

const bounded = <A, R>(
  effect: Effect.Effect<A, ConnectionFailed, R>,
  target: Target.Target,
  timeoutMillis: number
): Effect.Effect<A, ConnectionFailed | Timeout, R> =>
  Effect.timeoutOrElse(effect, {
    duration: Duration.millis(timeoutMillis),
    orElse: () =>
      Effect.fail(
        new Timeout({
          reason: `could not open ${Target.describe(target)} within ${formatSeconds(timeoutMillis)} (unreachable, or not listening?)`
        })
      )
  })

/** The simulator's identity key travels with the sim channel. */
interface Opened {
  readonly channel: Channel.Channel
  readonly identityPublicKey: Key.PublicKey | undefined
}

/**
 * Why a `sim:` target could not start, and what to do when its state directory is held by a running
 * simulator: connect to that simulator instead.
 *
 * @since 0.1.0
 * @category formatting
 */
export const describeSimFailure = (stateDir: string | undefined, reason: string): string => {
  const head = `cannot start the simulated modem: ${reason}`
  if (stateDir === undefined || !/ is in use by process \d+/.test(reason)) return head
  return `${head}: a running simulator holds it (atmodem-sim --state ${stateDir}); connect to that simulator instead with --port tcp://HOST:PORT or ws://HOST:PORT/ (the address it printed when it started; tcp://127.0.0.1:7777 by default), or stop it first`
}

/**
 * Why a serial target cannot be opened under Bun or Deno (the serialport binding loads only under Node), and
 * what works instead.
 *
 * @since 0.1.0
 * @category formatting
 */
export const describeSerialUnsupported = (runtime: string, path: string): string =>
  `cannot open serial ${path}: the serial transport needs Node (the serialport library's native binding does not load under ${runtime}); run atmodem with Node for serial targets (the npm-installed atmodem, or node apps/cli/dist/bin.js), or put the port behind a serial-to-TCP bridge and use --port tcp://HOST:PORT`

const openSim = (
  target: Extract<Target.Target, { _tag: "Sim" }>
): Effect.Effect<Opened, ConnectionFailed, Scope.Scope | FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function* () {
    const setup: Setup.Options = {
      ...(target.profile === undefined ? {} : { profile: target.profile }),
      ...(target.seed === undefined ? {} : { seed: target.seed })
    }
    const layer =
      target.stateDir === undefined
        ? Setup.layerMemory(setup)
        : Setup.layerPersistent({ ...setup, stateDir: target.stateDir })
    const context = yield* Layer.build(layer).pipe(
      Effect.mapError((error) => new ConnectionFailed({ reason: describeSimFailure(target.stateDir, error.message) }))
    )
    const modem = Context.get(context, Modem.ModemService)
    const channel = yield* MemoryTransport.connect().pipe(Effect.provideContext(context))
    return { channel, identityPublicKey: modem.identityPublicKey }
  })

const openChannel = (
  target: Target.Target,
  options: Options
): Effect.Effect<Opened, ConnectionFailed | Timeout, Scope.Scope | FileSystem.FileSystem | Path.Path> => {
  const plain = (effect: Effect.Effect<Channel.Channel, Channel.TransportError, Scope.Scope>) =>
    bounded(
      Effect.map(Effect.mapError(effect, connectionFailed), (channel) => ({ channel, identityPublicKey: undefined })),
      target,
      options.timeoutMillis
    )
  switch (target._tag) {
    case "Tcp":
      return plain(TcpTransport.connect({ host: target.host, port: target.port }))
    case "WebSocket":
      return plain(WebSocketTransport.connect(target.url))
    case "Serial": {
      if (!SerialTransport.supported()) {
        const runtime = (globalThis as { Bun?: unknown }).Bun !== undefined ? "Bun" : "Deno"
        return Effect.fail(new ConnectionFailed({ reason: describeSerialUnsupported(runtime, target.path) }))
      }
      const flow = options.flowControl ?? target.flowControl ?? "none"
      return plain(
        SerialTransport.open({
          path: target.path,
          baudRate: options.baudRate ?? target.baudRate ?? SerialTransport.DEFAULT_BAUD_RATE,
          rtscts: flow === "rtscts"
        })
      )
    }
    case "Sim":
      return bounded(openSim(target), target, options.timeoutMillis)
  }
}

const CRLF = new Uint8Array([0x0d, 0x0a])

/**
 * Opens the target for the life of the scope. A bare line end is sent first, so a modem that had half a line
 * in its buffer (a serial line) starts clean; it gets no answer.
 *
 * @since 0.1.0
 * @category constructors
 */
export const open = (
  target: Target.Target,
  options: Options
): Effect.Effect<Connection, ConnectionFailed | Timeout, Scope.Scope | FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function* () {
    const opened = yield* openChannel(target, options)
    const description = Target.describe(target)
    let received: Array<Uint8Array> = []
    let receivedLength = 0
    const record = (chunk: Uint8Array) => {
      if (receivedLength >= KEEP_BYTES) return
      received.push(chunk.slice(0, KEEP_BYTES - receivedLength))
      receivedLength += Math.min(chunk.length, KEEP_BYTES - receivedLength)
    }
    const receivedSoFar = () => {
      const out = new Uint8Array(receivedLength)
      let offset = 0
      for (const part of received) {
        out.set(part, offset)
        offset += part.length
      }
      return out
    }
    const channel: Channel.Channel = {
      ...opened.channel,
      incoming: opened.channel.incoming.pipe(Stream.tap((chunk) => Effect.sync(() => record(chunk))))
    }
    const client = yield* Client.make(channel)
    yield* Effect.mapError(channel.write(CRLF), connectionFailed)
    // After a timeout, a late answer would be taken for the next command's: refuse to go on.
    let outOfStep = false

    const send = (line: string, lineOptions: LineOptions = {}): Effect.Effect<Response, Timeout | ConnectionFailed> =>
      Effect.suspend(() => {
        const shown = lineOptions.display ?? line
        if (outOfStep)
          return Effect.fail(
            new ConnectionFailed({ reason: `${description} is out of step after an unanswered command` })
          )
        received = []
        receivedLength = 0
        return client.send(line).pipe(
          Effect.mapError(
            (error) => new ConnectionFailed({ reason: `${error.reason} (waiting for the answer to ${shown})` })
          ),
          Effect.timeoutOrElse({
            duration: Duration.millis(options.timeoutMillis),
            orElse: () =>
              Effect.suspend(() => {
                outOfStep = true
                return Effect.fail(
                  new Timeout({
                    reason: describeSilence({
                      line: shown,
                      description,
                      timeoutMillis: options.timeoutMillis,
                      received: receivedSoFar(),
                      serial: target._tag === "Serial"
                    })
                  })
                )
              })
          })
        )
      })

    const command = (line: string, lineOptions: LineOptions = {}) =>
      Effect.flatMap(send(line, lineOptions), (response) =>
        response.final._tag === "Ok"
          ? Effect.succeed(response.lines)
          : Effect.fail(
              new CommandRejected({
                line: lineOptions.display ?? line,
                final: response.final,
                doing: lineOptions.doing
              })
            )
      )

    return {
      target,
      description,
      send,
      command,
      unsolicited: client.unsolicited,
      identityPublicKey: opened.identityPublicKey
    }
  })
