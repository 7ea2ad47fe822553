/**
 * `atmodem at <command>…`: sends command lines one after the other, prints each answer, and exits with the
 * final result of the last line sent — the first line answered with an error stops the rest (a later line may
 * depend on it), and how many lines were not sent is said on stderr.
 */

import { Argument, Command, Flag } from "effect/cli"
import * as Effect from "effect/Effect"
import * as Cme from "../Cme.ts"
import type * as Connection from "../Connection.ts"
import * as ExitCode from "../ExitCode.ts"
import { OutputService } from "../Output.ts"
import { report, withModem } from "./Common.ts"

/** `+CGMI` → `AT+CGMI`; lines that already start with `AT` are sent as they are. */
export const normalize = (line: string): string => {
  const trimmed = line.trim()
  return /^at/i.test(trimmed) ? trimmed : `AT${trimmed}`
}

/** An answer as text: its information lines, then the final result with the meaning of a CME code. */
export const formatResponse = (response: Connection.Response): string =>
  [...response.lines, Cme.describeFinal(response.final)].join("\n")

/** The note for lines not sent after a failed one (counted, not shown: a line may carry a key or a password). */
export const skippedNote = (count: number): string =>
  `skipped ${count} remaining line${count === 1 ? "" : "s"} after the failure (not sent)`

/** `--raw`: send only what the user typed. */
export const rawFlag = Flag.Boolean("raw").pipe(
  Flag.withDescription("Send only the given lines (by default AT+CMEE=1 goes first, so errors carry their CME code)"),
  Flag.withDefault(false)
)

const run = (lines: ReadonlyArray<string>, raw: boolean) =>
  withModem(
    `sending ${lines.length === 1 ? normalize(lines[0]!) : `${lines.length} command lines`}`,
    (connection) =>
      Effect.gen(function* () {
        const answered: Array<{ readonly line: string; readonly response: Connection.Response }> = []
        for (const raw of lines) {
          const line = normalize(raw)
          const response = yield* connection.send(line)
          answered.push({ line, response })
          if (response.final._tag !== "Ok") break
        }
        const last = answered[answered.length - 1]
        const failed = last !== undefined && last.response.final._tag !== "Ok"
        const skipped = lines.length - answered.length
        if (skipped > 0) yield* Effect.flatMap(OutputService, (output) => output.note(skippedNote(skipped)))
        return {
          text: answered
            .map(({ line, response }) =>
              lines.length > 1 ? `> ${line}\n${formatResponse(response)}` : formatResponse(response)
            )
            .join("\n"),
          json: {
            target: connection.description,
            responses: answered.map(({ line, response }) => ({
              command: line,
              lines: response.lines,
              final: Cme.finalJson(response.final)
            })),
            skipped
          },
          exitCode: failed ? ExitCode.COMMAND_REJECTED : ExitCode.OK
        }
      }),
    { cmee: !raw }
  )

export const command = Command.make(
  "at",
  {
    lines: Argument.String("command").pipe(
      Argument.withDescription('Command lines, e.g. AT+CGSN "AT%CMNG=1" (AT is added when missing)'),
      Argument.variadic({ min: 1 })
    ),
    raw: rawFlag
  },
  ({ lines, raw }) => report(run(lines, raw))
).pipe(
  Command.withDescription(
    "Send AT command lines and print the answers; the exit status comes from the last final result (1 on ERROR or +CME ERROR). A line answered with an error stops the rest: they are not sent, and stderr says how many were skipped (--json: skipped, and a note)."
  ),
  Command.withExamples([
    { command: "atmodem --port tcp://127.0.0.1:7777 at AT+CGMI AT+CGSN", description: "Manufacturer and IMEI" },
    { command: 'atmodem at "AT+CMEE=1" "AT%CMNG=2,42,0"', description: "A CME error prints its code and meaning" }
  ])
)
