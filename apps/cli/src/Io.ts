/**
 * The process's standard streams and environment as a service, so the whole CLI can run in-process with
 * scripted input and captured output (the tests do), and everything it prints goes through one place.
 *
 * @since 0.1.0
 */
import type { Readable, Writable } from "node:stream"
import * as Context from "effect/Context"
import * as Layer from "effect/Layer"
/**
 * @since 0.1.0
 * @category models
 */
export interface Io {
  readonly stdin: Readable
  readonly stdout: Writable
  readonly stderr: Writable
  /** Environment variables (`ATMODEM_PORT`, `ATMODEM_HISTORY`, `HOME`). */
  readonly env: Readonly<Record<string, string | undefined>>
  /** Whether stdin is a terminal (the shell then edits lines and keeps history). */
  readonly stdinIsTTY: boolean
  /** Whether stderr is a terminal (spinners are drawn only then). */
  readonly stderrIsTTY: boolean
}

/**
 * @since 0.1.0
 * @category services
 */
export class IoService extends Context.Service<IoService, Io>()("@atmodem/cli/Io") {}

/**
 * The real process: `process.stdin`, `process.stdout`, `process.stderr`, `process.env`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerProcess: Layer.Layer<IoService> = Layer.sync(IoService, () => ({
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stdinIsTTY: process.stdin.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true
}))

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (io: Io): Layer.Layer<IoService> => Layer.succeed(IoService)(io)
