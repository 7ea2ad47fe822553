/**
 * A pseudo-terminal for the simulator, made with socat: `socat PTY,link=<path>,raw,echo=0 STDIO` runs as a child
 * process, `<path>` becomes a symlink to a fresh `/dev/pts/N`, and the bytes a host writes to it arrive on
 * socat's stdout (and the other way round). The simulator serves that channel, so host software opens `<path>`
 * exactly like a serial modem. This needs no native module and works under Node, Bun and Deno; it needs socat
 * (Linux, macOS). Hosts may open and close the device repeatedly; the link goes away when the simulator stops.
 *
 * @since 0.1.0
 */
import { existsSync, lstatSync, unlinkSync } from "node:fs"
import type { Modem } from "@atmodem/modem-sim"
import { Channel, Server } from "@atmodem/transport"
import { StdioTransport } from "@atmodem/transport-stdio"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
/**
 * @since 0.1.0
 * @category models
 */
export interface Options extends Server.ConnectionsOptions {
  /** Where the device appears (a symlink to the pty), e.g. `/tmp/ttyNRF`. */
  readonly link: string
  /** The socat executable (default `socat` on the PATH). */
  readonly socat?: string | undefined
  /** How long to wait for socat to create the link (default 5000 ms). */
  readonly readyTimeoutMillis?: number | undefined
}

/**
 * An open pseudo-terminal.
 *
 * @since 0.1.0
 * @category models
 */
export interface Pty {
  /** The link given in the options. */
  readonly link: string
  /** The channel to the pty's other side (what the host writes to `link` arrives here). */
  readonly channel: Channel.Channel
}

const POLL_MILLIS = 20

/** socat's argument for the pty end: raw bytes, no echo, the link removed when socat ends. */
export const socatArgs = (link: string): ReadonlyArray<string> => [`PTY,link=${link},raw,echo=0`, "STDIO"]

/**
 * Checks the link path before socat runs: characters socat reads as address syntax are refused, and an existing
 * path is replaced only if it is a symbolic link (a stale link of an earlier run), never a file of someone else's.
 */
export const prepareLink = (link: string): Effect.Effect<void, Channel.TransportError> =>
  Effect.try({
    try: () => {
      if (link === "" || /[,!\s]/.test(link))
        return `the pty link "${link}" may not be empty or contain ",", "!" or spaces`
      const stats = lstatSync(link, { throwIfNoEntry: false })
      if (stats === undefined) return undefined
      if (!stats.isSymbolicLink()) return `${link} exists and is not a symbolic link: choose another --pty path`
      unlinkSync(link)
      return undefined
    },
    catch: (cause) => new Channel.TransportError({ reason: `cannot prepare the pty link ${link}`, cause })
  }).pipe(
    Effect.flatMap((problem) =>
      problem === undefined ? Effect.void : Effect.fail(new Channel.TransportError({ reason: problem }))
    )
  )

const acquire = (options: Options): Effect.Effect<Pty, Channel.TransportError, Scope.Scope> =>
  Effect.gen(function* () {
    yield* prepareLink(options.link)
    const socat = options.socat ?? "socat"
    const spawned = yield* StdioTransport.spawn({ command: socat, args: socatArgs(options.link), stderr: "pipe" }).pipe(
      Effect.mapError((error) =>
        /ENOENT/.test(error.reason)
          ? new Channel.TransportError({
              reason: `socat is not installed (it creates the pseudo-terminal for --pty): install it, e.g. "apt-get install socat" or "brew install socat"`,
              cause: error
            })
          : error
      )
    )
    let stderr = ""
    spawned.process.stderr?.on("data", (chunk: Uint8Array) => {
      stderr = (stderr + new TextDecoder().decode(chunk)).slice(-2000)
    })
    const deadline = Date.now() + (options.readyTimeoutMillis ?? 5000)
    // socat creates the link right after it starts; wait for it (or for socat to give up).
    while (!existsSync(options.link)) {
      if (spawned.process.exitCode !== null || Date.now() > deadline)
        return yield* new Channel.TransportError({
          reason: `socat could not create a pseudo-terminal at ${options.link}${stderr === "" ? "" : `: ${stderr.trim()}`}`
        })
      yield* Effect.sleep(POLL_MILLIS)
    }
    return { link: options.link, channel: { ...spawned, description: `pty ${options.link}` } }
  })

/**
 * Creates a pseudo-terminal linked at `options.link`; closed (socat ended, link removed) with the scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const open = (options: Options): Effect.Effect<Pty, Channel.TransportError, Scope.Scope> => acquire(options)

/**
 * Creates a pseudo-terminal at `options.link` and serves the modem in context on it for the life of the scope.
 *
 * @since 0.1.0
 * @category server
 */
export const serve = (options: Options): Effect.Effect<Pty, Channel.TransportError, Modem.ModemService | Scope.Scope> =>
  Effect.gen(function* () {
    const pty = yield* acquire(options)
    // Made after the pty so that it is closed first: sessions finish what they received before socat ends.
    const connections = yield* Server.makeConnections(options)
    connections.accept(pty.channel)
    return pty
  })
