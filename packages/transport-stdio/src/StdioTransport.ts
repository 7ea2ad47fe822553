/**
 * The modem on standard input/output, and the matching client: a channel over a spawned process's stdio.
 *
 * Served on stdio, the process's stdout carries only AT bytes (log to stderr), so it can sit behind socat:
 * `socat PTY,link=/tmp/ttyNRF,raw,echo=0 EXEC:"atmodem-sim --stdio"`. The session ends when stdin ends.
 *
 * @since 0.1.0
 */
import { type ChildProcess, spawn as spawnChild } from "node:child_process"
import type { Readable, Writable } from "node:stream"
import type { Modem } from "@atmodem/modem-sim"
import { Channel, NodeChannel, Server } from "@atmodem/transport"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import type * as Scope from "effect/Scope"
/**
 * @since 0.1.0
 * @category models
 */
export interface ServeOptions {
  /** Default `process.stdin`. */
  readonly input?: Readable | undefined
  /** Default `process.stdout`. */
  readonly output?: Writable | undefined
}

/**
 * A channel over the process's stdin/stdout (or the given streams). `close` only flushes the output: the
 * process's own streams stay open.
 *
 * @since 0.1.0
 * @category constructors
 */
export const stdioChannel = (options: ServeOptions = {}): Channel.Channel =>
  NodeChannel.fromStreams({
    readable: options.input ?? process.stdin,
    writable: options.output ?? process.stdout,
    description: "stdio",
    closeMode: "flush",
    destroy: () => {}
  })

/**
 * Serves the modem in context on stdin/stdout until stdin ends (or the fiber is interrupted, which lets the
 * commands already received finish first).
 *
 * @since 0.1.0
 * @category server
 */
export const serve = (options: ServeOptions = {}): Effect.Effect<void, never, Modem.ModemService> =>
  // stdout carries AT bytes only: whatever the modem or the server logs goes to stderr.
  Server.serveOne(stdioChannel(options)).pipe(Effect.provideService(Logger.LogToStderr, true))

/**
 * @since 0.1.0
 * @category models
 */
export interface SpawnOptions {
  readonly command: string
  readonly args?: ReadonlyArray<string> | undefined
  readonly cwd?: string | undefined
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
  /** What to do with the child's stderr (default `inherit`). */
  readonly stderr?: "inherit" | "ignore" | "pipe" | undefined
  /** How long `close` waits for the child to exit after its stdin ends before killing it (default 5000 ms). */
  readonly graceMillis?: number | undefined
}

/**
 * A channel to a spawned process plus the process itself.
 *
 * @since 0.1.0
 * @category models
 */
export interface SpawnedChannel extends Channel.Channel {
  readonly process: ChildProcess
  /** The child's exit code (or the signal that ended it), once it has exited. */
  readonly exited: Effect.Effect<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
}

/**
 * Spawns a process that speaks AT on its stdio (e.g. `atmodem-sim --stdio`) and returns a channel to it. When
 * the scope closes, the child's stdin is ended; a child that has not exited after `graceMillis` is killed.
 *
 * @since 0.1.0
 * @category client
 */
export const spawn = (options: SpawnOptions): Effect.Effect<SpawnedChannel, Channel.TransportError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.callback<SpawnedChannel, Channel.TransportError>((resume) => {
      const child = spawnChild(options.command, [...(options.args ?? [])], {
        cwd: options.cwd,
        env: options.env as NodeJS.ProcessEnv | undefined,
        stdio: ["pipe", "pipe", options.stderr ?? "inherit"]
      })
      const description = `stdio of ${options.command} (pid ${child.pid ?? "?"})`
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined
      const exitWaiters: Array<() => void> = []
      child.once("exit", (code, signal) => {
        exit = { code, signal }
        for (const wake of exitWaiters.splice(0)) wake()
      })
      const exited = Effect.callback<{ code: number | null; signal: NodeJS.Signals | null }>((resume) => {
        if (exit !== undefined) return resume(Effect.succeed(exit))
        const wake = () => resume(Effect.succeed(exit!))
        exitWaiters.push(wake)
        return Effect.sync(() => {
          const index = exitWaiters.indexOf(wake)
          if (index >= 0) exitWaiters.splice(index, 1)
        })
      })
      const graceMillis = options.graceMillis ?? 5000
      const channel = NodeChannel.fromStreams({
        readable: child.stdout!,
        writable: child.stdin!,
        description,
        graceMillis,
        destroy: () => {}
      })
      const close = channel.close.pipe(
        Effect.andThen(
          exited.pipe(
            Effect.timeoutOption(graceMillis),
            Effect.flatMap((done) => (done._tag === "None" ? Effect.sync(() => child.kill("SIGKILL")) : Effect.void))
          )
        ),
        Effect.uninterruptible
      )
      child.once("error", (error) =>
        resume(
          Effect.fail(
            new Channel.TransportError({
              reason: `cannot start ${options.command}: ${Channel.describeError(error)}`,
              cause: error
            })
          )
        )
      )
      child.once("spawn", () => resume(Effect.succeed({ ...channel, close, process: child, exited })))
    }),
    (channel) => channel.close
  )
