/**
 * The whole `atmodem` command line: the command tree, and `run`, which parses arguments, runs the command,
 * prints failures (text on stderr, or the `--json` document on stdout) and returns the exit code — it never
 * fails, so tests and the binary get the same codes.
 *
 * @since 0.1.0
 */
import { Console as NodeConsole } from "node:console"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import { CliError, CliOutput, Command } from "effect/cli"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as At from "./commands/At.ts"
import * as Attest from "./commands/Attest.ts"
import * as Creds from "./commands/Creds.ts"
import * as Decode from "./commands/Decode.ts"
import * as Identity from "./commands/Identity.ts"
import * as Jwt from "./commands/Jwt.ts"
import * as Keygen from "./commands/Keygen.ts"
import * as Shell from "./commands/Shell.ts"
import * as Verify from "./commands/Verify.ts"
import * as ExitCode from "./ExitCode.ts"
import * as Failure from "./Failure.ts"
import { IoService } from "./Io.ts"
import * as Output from "./Output.ts"
import * as Root from "./Root.ts"
import { VERSION } from "./Version.ts"

/**
 * The command tree.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Root.command.pipe(
  Command.withSubcommands([
    At.command,
    Shell.command,
    Jwt.command,
    Creds.command,
    Keygen.command,
    Attest.command,
    Identity.command,
    Decode.command,
    Verify.command
  ])
)

const isFailure = (u: unknown): u is Failure.Failure =>
  typeof u === "object" &&
  u !== null &&
  "_tag" in u &&
  ["UsageError", "ConnectionFailed", "Timeout", "CommandRejected", "CheckFailed", "UnexpectedResponse"].includes(
    (u as { _tag: string })._tag
  )

const wantsJson = (args: ReadonlyArray<string>) => args.includes("--json")
const wantsHelp = (args: ReadonlyArray<string>) =>
  args.some((a) => a === "--help" || a === "-h" || a === "--version" || a === "-v" || a === "--completions")

/**
 * The reason of a parse error, for the `--json` document: what the parser said (`Unrecognized flag: --bogus in
 * command atmodem identity`), or for a command that needs a subcommand, that.
 *
 * @since 0.1.0
 * @category formatting
 */
export const usageMessage = (error: CliError.ShowHelp): string =>
  error.errors.length > 0
    ? error.errors.map((e) => e.message).join("; ")
    : `${error.commandPath.join(" ")} needs a subcommand (${error.commandPath.join(" ")} --help lists them)`

const jsonDocument = (document: unknown) => `${JSON.stringify(document, null, 2)}\n`

/**
 * Runs `atmodem` with `args` (without the program name) and returns the exit code (see {@link ExitCode}).
 * With `--json`, stdout carries exactly one JSON document whatever happens: a parse error's help text goes to
 * stderr, and so does an internal error's trace.
 *
 * @since 0.1.0
 * @category running
 */
export const run = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const io = yield* IoService
    const output = yield* Output.make
    const json = wantsJson(args)
    const console = new NodeConsole({ stdout: io.stdout, stderr: io.stderr, colorMode: false })
    const stderrConsole = new NodeConsole({ stdout: io.stderr, stderr: io.stderr, colorMode: false })
    // With --json, help printed because of a usage error goes to stderr; help asked for stays on stdout.
    const presenter: CliOutput.Presenter = {
      present: (event) =>
        json && (event._tag === "InvalidInvocation" || (event._tag === "Help" && !wantsHelp(args)))
          ? Effect.provideService(CliOutput.defaultPresenter.present(event), Console.Console, stderrConsole)
          : CliOutput.defaultPresenter.present(event)
    }
    const exit = yield* Command.runWith(command, { version: VERSION })(args).pipe(
      Effect.provideService(Output.OutputService, output),
      Effect.provideService(Console.Console, console),
      Effect.provideService(CliOutput.Presenter, presenter),
      Effect.exit
    )
    if (Exit.isSuccess(exit)) return yield* output.exitCode
    const cause = exit.cause
    const error = Cause.findErrorOption(cause)
    if (error._tag === "Some") {
      const failure = error.value
      if (isFailure(failure)) {
        if (json) {
          const notes = yield* output.notes
          yield* output.out(
            jsonDocument({ ok: false, error: Failure.toJson(failure), ...(notes.length > 0 ? { notes } : {}) })
          )
        }
        yield* output.err(`error: ${failure.message}\n`)
        return Failure.exitCode(failure)
      }
      if (CliError.isCliError(failure)) {
        // Help and parse errors were printed by the parser already (to stderr with --json).
        if (failure._tag === "ShowHelp" && failure.errors.length === 0 && wantsHelp(args)) return ExitCode.OK
        if (json) {
          const message = failure._tag === "ShowHelp" ? usageMessage(failure) : failure.message
          yield* output.out(
            jsonDocument({ ok: false, error: { kind: "UsageError", message, exitCode: ExitCode.USAGE } })
          )
        }
        return ExitCode.USAGE
      }
    }
    if (Cause.hasInterruptsOnly(cause)) return ExitCode.INTERRUPTED
    const pretty = Cause.pretty(cause)
    if (json)
      yield* output.out(
        jsonDocument({
          ok: false,
          error: {
            kind: "InternalError",
            message: `internal error (please report it): ${pretty.split("\n")[0]}`,
            exitCode: ExitCode.INTERNAL
          }
        })
      )
    yield* output.err(`internal error (please report it): ${pretty}\n`)
    return ExitCode.INTERNAL
  })
