/**
 * Why a command did not succeed, one class per exit code (see {@link ExitCode}). Every message is written for
 * the person at the terminal: what happened, and where it makes sense what to try.
 *
 * @since 0.1.0
 */
import type { ResponseWriter } from "@atmodem/at-protocol"
import * as Data from "effect/Data"
import * as Cme from "./Cme.ts"
import * as ExitCode from "./ExitCode.ts"

/**
 * Bad flags or arguments, an unusable `--port`, a file that cannot be read. Exit 2.
 *
 * @since 0.1.0
 * @category errors
 */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly reason: string }> {
  override get message() {
    return this.reason
  }
}

/**
 * The target could not be opened, or the connection broke or was closed by the peer. Exit 3.
 *
 * @since 0.1.0
 * @category errors
 */
export class ConnectionFailed extends Data.TaggedError("ConnectionFailed")<{ readonly reason: string }> {
  override get message() {
    return this.reason
  }
}

/**
 * No connection or no complete answer within the timeout: a silent peer, garbage, half a line, a wrong baud
 * rate. Exit 4.
 *
 * @since 0.1.0
 * @category errors
 */
export class Timeout extends Data.TaggedError("Timeout")<{ readonly reason: string }> {
  override get message() {
    return this.reason
  }
}

/**
 * The modem answered a command line with `ERROR` or `+CME ERROR: <n>`. Exit 1.
 *
 * @since 0.1.0
 * @category errors
 */
export class CommandRejected extends Data.TaggedError("CommandRejected")<{
  readonly line: string
  readonly final: ResponseWriter.FinalResult
  /** What the command was for, e.g. `reading the credential 42,0`. */
  readonly doing?: string | undefined
}> {
  override get message() {
    // Bun reads `message` while the error is being constructed, before the fields are set.
    if (this.final === undefined) return "the modem answered with an error"
    const answer = Cme.describeFinal(this.final)
    const hint =
      this.final._tag === "Error" ? " (a plain ERROR: bad syntax, an unknown command, or +CMEE=0 hiding the code)" : ""
    return `${this.doing === undefined ? "" : `${this.doing}: `}${this.line} answered ${answer}${hint}`
  }
}

/**
 * A check did not pass: a token that does not verify, a credential that differs from the file. Exit 5.
 *
 * @since 0.1.0
 * @category errors
 */
export class CheckFailed extends Data.TaggedError("CheckFailed")<{ readonly reason: string }> {
  override get message() {
    return this.reason
  }
}

/**
 * The peer answered `OK` but not with what the command returns (no `%JWT:` line, an undecodable token). Exit 6.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnexpectedResponse extends Data.TaggedError("UnexpectedResponse")<{ readonly reason: string }> {
  override get message() {
    return this.reason
  }
}

/**
 * Every failure of a command.
 *
 * @since 0.1.0
 * @category errors
 */
export type Failure = UsageError | ConnectionFailed | Timeout | CommandRejected | CheckFailed | UnexpectedResponse

/**
 * The exit code of a failure.
 *
 * @since 0.1.0
 * @category exit codes
 */
export const exitCode = (failure: Failure): number => {
  switch (failure._tag) {
    case "CommandRejected":
      return ExitCode.COMMAND_REJECTED
    case "UsageError":
      return ExitCode.USAGE
    case "ConnectionFailed":
      return ExitCode.CONNECTION
    case "Timeout":
      return ExitCode.TIMEOUT
    case "CheckFailed":
      return ExitCode.CHECK_FAILED
    case "UnexpectedResponse":
      return ExitCode.UNEXPECTED_RESPONSE
  }
}

/**
 * The failure as a JSON value for `--json`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const toJson = (failure: Failure): Record<string, unknown> => ({
  kind: failure._tag,
  message: failure.message,
  exitCode: exitCode(failure),
  ...(failure._tag === "CommandRejected" ? { command: failure.line, final: Cme.finalJson(failure.final) } : {})
})
