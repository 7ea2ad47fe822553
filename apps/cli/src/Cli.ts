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
import { CliError, Command } from "effect/cli"
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
 * Runs `atmodem` with `args` (without the program name) and returns the exit code (see {@link ExitCode}).
 *
 * @since 0.1.0
 * @category running
 */
export const run = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const io = yield* IoService
    const output = yield* Output.make
    const console = new NodeConsole({ stdout: io.stdout, stderr: io.stderr, colorMode: false })
    const exit = yield* Command.runWith(command, { version: VERSION })(args).pipe(
      Effect.provideService(Output.OutputService, output),
      Effect.provideService(Console.Console, console),
      Effect.exit
    )
    if (Exit.isSuccess(exit)) return yield* output.exitCode
    const cause = exit.cause
    const error = Cause.findErrorOption(cause)
    if (error._tag === "Some") {
      const failure = error.value
      if (isFailure(failure)) {
        if (wantsJson(args)) {
          const notes = yield* output.notes
          const document = { ok: false, error: Failure.toJson(failure), ...(notes.length > 0 ? { notes } : {}) }
          yield* output.out(`${JSON.stringify(document, null, 2)}\n`)
        }
        yield* output.err(`error: ${failure.message}\n`)
        return Failure.exitCode(failure)
      }
      if (CliError.isCliError(failure)) {
        // Help and parse errors were printed by the parser already.
        if (failure._tag === "ShowHelp" && failure.errors.length === 0)
          return wantsHelp(args) ? ExitCode.OK : ExitCode.USAGE
        if (wantsJson(args))
          yield* output.out(
            `${JSON.stringify({ ok: false, error: { kind: "UsageError", message: failure.message, exitCode: ExitCode.USAGE } }, null, 2)}\n`
          )
        return ExitCode.USAGE
      }
    }
    if (Cause.hasInterruptsOnly(cause)) return ExitCode.INTERRUPTED
    yield* output.err(`internal error (please report it): ${Cause.pretty(cause)}\n`)
    return ExitCode.INTERNAL
  })
