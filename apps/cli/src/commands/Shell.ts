/**
 * `atmodem shell`: an interactive AT terminal. Lines are edited with the usual keys and kept in a history
 * (`$ATMODEM_HISTORY`, default `~/.atmodem_history`) when stdin is a terminal; each answer is printed with its
 * final result and the meaning of a CME code. A command that gets no answer in time is reported and the
 * connection is opened again; a connection that is lost ends the shell (exit 3). Piped input runs line by line
 * and, like `sh -c`, exits with the status of the last command: 0 `OK`, 1 `ERROR`/`+CME ERROR`, 4 no answer in
 * time (3 when the connection is lost). An interactive session ends with 0.
 */
import * as readline from "node:readline"
import { Command } from "effect/cli"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FileSystem from "effect/FileSystem"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Connection from "../Connection.ts"
import * as ExitCode from "../ExitCode.ts"
import { UsageError } from "../Failure.ts"
import { IoService } from "../Io.ts"
import { OutputService } from "../Output.ts"
import * as Root from "../Root.ts"
import { formatResponse, normalize, rawFlag } from "./At.ts"

const HISTORY_SIZE = 1000

/** `%CMNG=0` (write) lines carry credential contents and passwords: never kept in the history file. */
export const carriesSecret = (line: string): boolean => /%CMNG\s*=\s*0\s*,/i.test(line)

/** Whether a command so far has an unclosed `"` (AT strings have no escapes: an odd count means open). */
export const opensQuote = (text: string): boolean => (text.match(/"/g)?.length ?? 0) % 2 === 1

/** Where the history is kept: `$ATMODEM_HISTORY`, else `~/.atmodem_history`; none without a home. */
export const historyPath = (env: Readonly<Record<string, string | undefined>>): string | undefined => {
  const explicit = env.ATMODEM_HISTORY
  if (explicit !== undefined) return explicit === "" ? undefined : explicit
  const home = env.HOME ?? env.USERPROFILE
  return home === undefined || home === "" ? undefined : `${home}/.atmodem_history`
}

const loadHistory = (path: string | undefined) =>
  Effect.gen(function* () {
    if (path === undefined) return []
    const fs = yield* FileSystem.FileSystem
    const text = yield* fs.readFileString(path).pipe(Effect.orElseSucceed(() => ""))
    // readline keeps the newest entry first; the file keeps the oldest first.
    return text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .reverse()
      .slice(0, HISTORY_SIZE)
  })

const isQuit = (line: string) => /^(exit|quit|\.exit|\.quit)$/i.test(line)

const run = (raw: boolean) =>
  Effect.gen(function* () {
    const flags = yield* Root.command
    if (flags.json) return yield* new UsageError({ reason: "shell is interactive: --json is not available" })
    const settings = yield* Root.settings
    const io = yield* IoService
    const output = yield* OutputService
    const interactive = io.stdinIsTTY
    const path = interactive ? historyPath(io.env) : undefined

    let current: { readonly scope: Scope.Closeable; readonly connection: Connection.Connection } | undefined
    let seenUnsolicited = 0
    const connect = Effect.gen(function* () {
      if (current !== undefined) return current.connection
      const scope = yield* Scope.make()
      const connection = yield* Connection.open(settings.target, settings.connection).pipe(
        Scope.provide(scope),
        Effect.tap((connection) => (raw ? Effect.void : Effect.asVoid(connection.send("AT+CMEE=1")))),
        Effect.onError(() => Scope.close(scope, Exit.void))
      )
      current = { scope, connection }
      seenUnsolicited = 0
      return connection
    })
    const disconnect = Effect.suspend(() => {
      const open = current
      current = undefined
      return open === undefined ? Effect.void : Scope.close(open.scope, Exit.void)
    })

    const first = yield* output.status(
      `connecting to ${settings.target._tag === "Sim" ? "the simulator" : "the modem"}`,
      connect
    )
    if (interactive)
      yield* output.err(`connected to ${first.description}; type AT commands, "exit" or Ctrl-D to leave\n`)

    const rl = readline.createInterface({
      input: io.stdin,
      output: io.stdout,
      terminal: interactive,
      history: yield* loadHistory(path),
      historySize: HISTORY_SIZE,
      removeHistoryDuplicates: true,
      prompt: "AT> "
    })
    let history: ReadonlyArray<string> | undefined
    // Lines typed or pasted inside an open quote (a PEM body): readline records each as a history entry of its
    // own, where `carriesSecret` cannot see that it belongs to a credential write. None of them is kept.
    const continuationLines = new Set<string>()
    let closed = false
    rl.on("history", (latest: Array<string>) => {
      history = [...latest]
    })
    rl.on("close", () => {
      closed = true
    })
    rl.on("SIGINT", () => rl.close())
    const saveHistory = Effect.gen(function* () {
      if (path === undefined || history === undefined) return
      const fs = yield* FileSystem.FileSystem
      // Oldest first, one command per line, readable by this user only. Credential writes are left out: they
      // carry PSKs, keys and key passwords.
      const kept = [...history].reverse().filter((line) => !carriesSecret(line) && !continuationLines.has(line))
      yield* fs.writeFileString(path, `${kept.join("\n")}\n`, { mode: 0o600 }).pipe(Effect.ignore)
      // `mode` applies only when the file is created: tighten one that already existed.
      yield* fs.chmod(path, 0o600).pipe(Effect.ignore)
    })
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => rl.close()).pipe(Effect.andThen(saveHistory), Effect.andThen(disconnect))
    )

    // Input may end (and readline close) while an answer is awaited: then there is nothing to prompt for.
    const prompt = Effect.sync(() => {
      if (interactive && !closed) rl.prompt()
    })

    // The exit code of the last command's outcome (piped input exits with it, as `sh -c` does).
    let last: number = ExitCode.OK
    const handle = (input: string) =>
      Effect.gen(function* () {
        const line = normalize(input)
        const connection = yield* connect
        const response = yield* connection.send(line)
        last = response.final._tag === "Ok" ? ExitCode.OK : ExitCode.COMMAND_REJECTED
        yield* output.out(`${formatResponse(response)}\n`)
        const unsolicited = yield* connection.unsolicited
        for (const extra of unsolicited.slice(seenUnsolicited)) yield* output.out(`${extra}\n`)
        seenUnsolicited = unsolicited.length
      }).pipe(
        Effect.catchTag("Timeout", (error) =>
          Effect.sync(() => {
            last = ExitCode.TIMEOUT
          }).pipe(
            Effect.andThen(output.err(`error: ${error.reason}; opening the connection again\n`)),
            Effect.andThen(disconnect)
          )
        )
      )

    // A command whose quoted string is still open (a multi-line `%CMNG` write, pasted) gathers the next lines,
    // joined with LF, and is sent once the quote closes.
    let pending: string | undefined
    const onLine = (line: string) => {
      if (pending === undefined) {
        if (line === "") return prompt
        if (!opensQuote(line)) return Effect.andThen(handle(line), prompt)
        pending = line
      } else {
        continuationLines.add(line)
        pending = `${pending}\n${line}`
        if (!opensQuote(pending)) {
          const command = pending
          pending = undefined
          rl.setPrompt("AT> ")
          return Effect.andThen(handle(command), prompt)
        }
      }
      rl.setPrompt('..."> ')
      return prompt
    }
    const unfinished = Effect.suspend(() => {
      if (pending === undefined) return Effect.void
      last = ExitCode.USAGE
      return output.err("error: input ended inside a quoted string; that command was not sent\n")
    })

    yield* prompt
    const ended = yield* Stream.fromAsyncIterable(
      rl,
      (error) => new UsageError({ reason: `cannot read input: ${String(error)}` })
    ).pipe(
      Stream.map((line) => line.trim()),
      Stream.takeWhile((line) => pending !== undefined || !isQuit(line)),
      Stream.runForEach(onLine),
      Effect.andThen(unfinished),
      Effect.map(() => (interactive ? ExitCode.OK : last)),
      Effect.catchTag("ConnectionFailed", (error) =>
        Effect.as(output.err(`error: ${error.reason}\n`), ExitCode.CONNECTION)
      )
    )
    yield* output.setExitCode(ended)
  }).pipe(Effect.scoped)

export const command = Command.make("shell", { raw: rawFlag }, ({ raw }) => run(raw)).pipe(
  Command.withDescription(
    "An interactive AT terminal with line editing and history; prints every final result and CME code with its meaning. With piped input, the exit status is the last command's (0 OK, 1 ERROR or +CME ERROR, 4 no answer in time, 3 connection lost)."
  )
)
