/**
 * The modem on a serial device — a USB-serial adapter or a pseudo-terminal — through the `serialport` library:
 * serve the simulator on a device path, or open a channel to a real modem (or to a simulator behind a pty).
 *
 * Runtimes: `serialport`'s native binding works on **Node** only. Under Bun 1.4 it aborts the process (libuv
 * `uv_poll_init` is not implemented) and under Deno 2.9 it cannot poll the descriptor, so on those runtimes
 * `open` and `serve` fail at once with a {@link Channel.TransportError} saying so, before the binding is loaded.
 * A simulator that should appear as a serial device on any runtime can use {@link Pty} instead (`--pty`).
 *
 * @since 0.1.0
 */
import type { Modem } from "@atmodem/modem-sim"
import { Channel, NodeChannel, Server } from "@atmodem/transport"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
/**
 * @since 0.1.0
 * @category models
 */
export interface OpenOptions {
  /** Device path: `/dev/ttyACM0`, `/dev/ttyUSB0`, `COM3`, or a pty such as `/tmp/ttyNRF`. */
  readonly path: string
  /** Default 115200 (the nRF91 AT host default). A pseudo-terminal ignores it. */
  readonly baudRate?: number | undefined
  /** Hardware flow control (RTS/CTS), default off. */
  readonly rtscts?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_BAUD_RATE = 115200

/**
 * Whether this runtime can use the serial transport (Node: yes; Bun and Deno: no).
 *
 * @since 0.1.0
 * @category runtime
 */
export const supported = (): boolean => {
  const g = globalThis as { Bun?: unknown; Deno?: unknown }
  return g.Bun === undefined && g.Deno === undefined
}

const unsupported = () =>
  new Channel.TransportError({
    reason:
      "the serial transport needs Node: the serialport library's native binding does not work under " +
      `${(globalThis as { Bun?: unknown }).Bun !== undefined ? "Bun" : "Deno"} (use --pty, which works on every runtime)`
  })

/** Opens the device; the caller closes the channel. */
const acquire = (options: OpenOptions): Effect.Effect<Channel.Channel, Channel.TransportError> =>
  Effect.gen(function* () {
    if (!supported()) return yield* unsupported()
    // Loaded on first use only, so that importing this module never loads the native binding.
    const { SerialPort } = yield* Effect.tryPromise({
      try: () => import("serialport"),
      catch: (error) =>
        new Channel.TransportError({
          reason: `cannot load the serialport library: ${Channel.describeError(error)}`,
          cause: error
        })
    })
    return yield* Effect.callback<Channel.Channel, Channel.TransportError>((resume) => {
      const port = new SerialPort({
        path: options.path,
        baudRate: options.baudRate ?? DEFAULT_BAUD_RATE,
        rtscts: options.rtscts ?? false,
        autoOpen: false
      })
      port.open((error) => {
        if (error !== null && error !== undefined) {
          resume(
            Effect.fail(
              new Channel.TransportError({
                reason: `cannot open serial ${options.path}: ${Channel.describeError(error)}`,
                cause: error
              })
            )
          )
          return
        }
        resume(
          Effect.succeed(
            NodeChannel.fromStreams({
              readable: port,
              writable: port,
              description: `serial ${options.path}`,
              closeMode: "flush",
              destroy: () => {
                if (port.isOpen) port.close(() => {})
              }
            })
          )
        )
      })
    })
  })

/**
 * Opens a serial device as a channel, closed with the scope.
 *
 * @since 0.1.0
 * @category client
 */
export const open = (options: OpenOptions): Effect.Effect<Channel.Channel, Channel.TransportError, Scope.Scope> =>
  Effect.acquireRelease(acquire(options), (channel) => channel.close)

/**
 * @since 0.1.0
 * @category models
 */
export interface ServeOptions extends OpenOptions, Server.ConnectionsOptions {}

/**
 * Serves the modem in context on a serial device for the life of the scope: one session, the serial line. A
 * pseudo-terminal made by `socat PTY,link=/tmp/a,raw,echo=0 PTY,link=/tmp/b,raw,echo=0` works: serve on one
 * end, connect a host to the other.
 *
 * @since 0.1.0
 * @category server
 */
export const serve = (
  options: ServeOptions
): Effect.Effect<void, Channel.TransportError, Modem.ModemService | Scope.Scope> =>
  Effect.gen(function* () {
    const channel = yield* open(options)
    // Made after the port so that it is closed first: the session finishes what it received before the port closes.
    const connections = yield* Server.makeConnections(options)
    connections.accept(channel)
  })
