/**
 * Runs `atmodem-sim` as a process: the CLI over the platform services, logs on stderr, and exit codes —
 * 0 after a normal end or SIGINT/SIGTERM (a graceful stop), 2 for a command line that cannot be used, 1 when the
 * simulator cannot start or fails (the message says why; never a stack trace for an expected failure).
 *
 * The same code runs under Node, Bun and Deno (their Node-compatible APIs), and in the `bun build --compile`
 * executable.
 *
 * @since 0.1.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import { CliError, CliOutput, Command } from "effect/cli"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Cli from "./Cli.ts"
import { VERSION } from "./Version.ts"

/**
 * Help and version go to stdout as usual; a bad command line gets its errors and a pointer to `--help` on
 * stderr only (stdout may be an AT channel).
 *
 * @since 0.1.0
 * @category output
 */
export const presenter: CliOutput.Presenter = {
  present: (event) =>
    event._tag === "InvalidInvocation"
      ? Effect.gen(function* () {
          const formatter = CliOutput.defaultFormatter({ colors: false })
          yield* Console.error(formatter.formatErrors(event.errors))
          yield* Console.error(`Run "${event.commandPath.join(" ")} --help" for the options.`)
        })
      : CliOutput.defaultPresenter.present(event)
}

/**
 * The exit code of a finished run, and the message to print for it (if any).
 *
 * @since 0.1.0
 * @category exit
 */
export const outcome = (exit: Exit.Exit<unknown, unknown>): { readonly code: number; readonly message?: string } => {
  if (Exit.isSuccess(exit) || Cause.hasInterruptsOnly(exit.cause)) return { code: 0 }
  const error = Cause.squash(exit.cause)
  if (CliError.isCliError(error)) return { code: 2 }
  const tagged = error as { readonly _tag?: unknown; readonly message?: unknown }
  if (tagged._tag === "UsageError")
    return { code: 2, message: `atmodem-sim: ${String(tagged.message)}\nRun "atmodem-sim --help" for the options.` }
  if (Cause.hasFails(exit.cause) && typeof tagged.message === "string")
    return { code: 1, message: `atmodem-sim: ${tagged.message}` }
  return { code: 1, message: `atmodem-sim: unexpected failure\n${Cause.pretty(exit.cause)}` }
}

/**
 * The CLI as an effect over the given arguments, with its services.
 *
 * @since 0.1.0
 * @category program
 */
export const program = (args: ReadonlyArray<string>) =>
  Command.runWith(Cli.root, { version: VERSION })(args).pipe(
    Effect.provide(Layer.mergeAll(NodeServices.layer, CliOutput.layerPresenter(presenter))),
    Effect.provideService(Logger.LogToStderr, true)
  )

/**
 * Runs the program as the main fiber of this process. SIGINT and SIGTERM interrupt it: listeners stop, in-flight
 * commands finish, state is released, and the process exits 0.
 *
 * @since 0.1.0
 * @category program
 */
export const main = (args: ReadonlyArray<string> = process.argv.slice(2)): void =>
  NodeRuntime.runMain(program(args), {
    disableErrorReporting: true,
    teardown: (exit, onExit) => {
      const { code, message } = outcome(exit)
      if (message !== undefined) process.stderr.write(`${message}\n`)
      onExit(code)
    }
  })
