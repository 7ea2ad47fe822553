/**
 * Everything `atmodem` prints goes through here: results to stdout, messages to stderr, a spinner on stderr
 * while a slow step runs (only when stderr is a terminal), notes that are also kept for the `--json` document,
 * and the exit code a command asks for without failing (a check that did not pass).
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { IoService } from "./Io.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface Output {
  /** Writes text to stdout as is. */
  readonly out: (text: string) => Effect.Effect<void>
  /** Writes text to stderr as is. */
  readonly err: (text: string) => Effect.Effect<void>
  /** Tells the user something on stderr (`note: …`) and keeps it for the JSON document. */
  readonly note: (text: string) => Effect.Effect<void>
  /** The notes so far. */
  readonly notes: Effect.Effect<ReadonlyArray<string>>
  /** Runs `effect` with a spinner and `label` on stderr (when it is a terminal). */
  readonly status: <A, E, R>(label: string, effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** Sets the exit code of a command that completed but did not pass. */
  readonly setExitCode: (code: number) => Effect.Effect<void>
  readonly exitCode: Effect.Effect<number>
}

/**
 * @since 0.1.0
 * @category services
 */
export class OutputService extends Context.Service<OutputService, Output>()("@atmodem/cli/Output") {}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
/** Fast steps finish before the spinner shows, so it never flickers. */
const SPINNER_DELAY_MILLIS = 150
const SPINNER_FRAME_MILLIS = 80

/**
 * An output over the streams of the `Io` service in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function* () {
  const io = yield* IoService
  const notes: Array<string> = []
  let exitCode = 0
  const labels: Array<string> = []
  let delay: ReturnType<typeof setTimeout> | undefined
  let interval: ReturnType<typeof setInterval> | undefined
  let drawn = false
  let frame = 0

  const clear = () => {
    if (drawn) io.stderr.write("\r\x1b[K")
    drawn = false
  }
  const draw = () => {
    const label = labels[labels.length - 1]
    if (label === undefined) return
    io.stderr.write(`\r${FRAMES[frame++ % FRAMES.length]} ${label}\x1b[K`)
    drawn = true
  }
  const start = () => {
    if (!io.stderrIsTTY || delay !== undefined) return
    delay = setTimeout(() => {
      draw()
      interval = setInterval(draw, SPINNER_FRAME_MILLIS)
    }, SPINNER_DELAY_MILLIS)
  }
  const stop = () => {
    clearTimeout(delay)
    clearInterval(interval)
    delay = undefined
    interval = undefined
    clear()
  }

  const write = (stream: "stdout" | "stderr") => (text: string) =>
    Effect.sync(() => {
      clear()
      io[stream].write(text)
    })

  const status = <A, E, R>(label: string, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.acquireUseRelease(
      Effect.sync(() => {
        labels.push(label)
        start()
      }),
      () => effect,
      () =>
        Effect.sync(() => {
          labels.pop()
          if (labels.length === 0) stop()
        })
    )

  const output: Output = {
    out: write("stdout"),
    err: write("stderr"),
    note: (text) =>
      Effect.sync(() => {
        notes.push(text)
        clear()
        io.stderr.write(`note: ${text}\n`)
      }),
    notes: Effect.sync(() => [...notes]),
    status,
    setExitCode: (code) =>
      Effect.sync(() => {
        exitCode = code
      }),
    exitCode: Effect.sync(() => exitCode)
  }
  return output
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<OutputService, never, IoService> = Layer.effect(OutputService)(make)
