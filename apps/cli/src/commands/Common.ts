/**
 * What every command shares: printing a report (text or `--json`), opening the modem, switching it offline
 * when credentials change, reading files and standard input.
 */
import * as Effect from "effect/Effect"
import * as FileSystem from "effect/FileSystem"
import * as Option from "effect/Option"
import * as Path from "effect/Path"
import * as Connection from "../Connection.ts"
import { type CommandRejected, type ConnectionFailed, type Timeout, UsageError } from "../Failure.ts"
import { IoService } from "../Io.ts"
import { OutputService } from "../Output.ts"
import * as Root from "../Root.ts"

/** What a command found: the text for a person, the fields of its JSON document, and an exit code if not 0. */
export interface Report {
  readonly text: string
  readonly json: Record<string, unknown>
  readonly exitCode?: number | undefined
}

/** Runs a command and prints its report: text on stdout, or one JSON document with `--json`. */
export const report = <E, R>(effect: Effect.Effect<Report, E, R>) =>
  Effect.gen(function* () {
    const flags = yield* Root.command
    const output = yield* OutputService
    const result = yield* effect
    const exitCode = result.exitCode ?? 0
    if (exitCode !== 0) yield* output.setExitCode(exitCode)
    if (flags.json) {
      const notes = yield* output.notes
      const document = { ok: exitCode === 0, ...result.json, ...(notes.length > 0 ? { notes } : {}) }
      yield* output.out(`${JSON.stringify(document, null, 2)}\n`)
    } else if (result.text !== "") {
      yield* output.out(result.text.endsWith("\n") ? result.text : `${result.text}\n`)
    }
  })

/**
 * Opens the modem given by the shared flags for the duration of `f`, with a spinner saying what is going on.
 * Unless `cmee` is false, `AT+CMEE=1` is sent first so that failures carry their CME code; it also proves the
 * peer speaks AT before anything else is sent.
 */
export const withModem = <A, E, R>(
  label: string,
  f: (connection: Connection.Connection) => Effect.Effect<A, E, R>,
  options: { readonly cmee?: boolean } = {}
) =>
  Effect.gen(function* () {
    const settings = yield* Root.settings
    const output = yield* OutputService
    return yield* output.status(
      label,
      Effect.gen(function* () {
        const connection = yield* Connection.open(settings.target, settings.connection)
        if (options.cmee !== false) yield* connection.send("AT+CMEE=1")
        return yield* f(connection)
      })
    )
  }).pipe(Effect.scoped)

/** `+CFUN` modes in which the modem's LTE is active and credentials cannot change. */
const ACTIVE_MODES = new Set([1, 2, 21])

/**
 * Credentials and keys can only change while LTE is off: when the modem reports an active `+CFUN` mode, switch
 * it to `+CFUN=4` (offline) and say so. The modem is left offline.
 */
export const ensureOffline = (
  connection: Connection.Connection,
  why: string
): Effect.Effect<void, CommandRejected | Timeout | ConnectionFailed, OutputService> =>
  Effect.gen(function* () {
    const output = yield* OutputService
    const response = yield* connection.send("AT+CFUN?")
    const mode = response.lines.map((line) => /^\+CFUN: ?(\d+)/.exec(line)?.[1]).find((m) => m !== undefined)
    if (response.final._tag !== "Ok" || mode === undefined || !ACTIVE_MODES.has(Number(mode))) return
    yield* connection.command("AT+CFUN=4", { doing: "switching the modem offline" })
    yield* output.note(
      `the modem was in +CFUN=${mode} (LTE active); switched it to +CFUN=4 (offline) for ${why}. It stays offline: send AT+CFUN=1 to go back online.`
    )
  })

/** The whole of standard input, as text. */
export const readStdin = Effect.gen(function* () {
  const io = yield* IoService
  return yield* Effect.callback<string, UsageError>((resume) => {
    const chunks: Array<Buffer> = []
    const onData = (chunk: Buffer | string) => chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk)
    const onEnd = () => resume(Effect.succeed(Buffer.concat(chunks).toString("utf8")))
    const onError = (error: Error) =>
      resume(Effect.fail(new UsageError({ reason: `cannot read standard input: ${error.message}` })))
    io.stdin.on("data", onData)
    io.stdin.once("end", onEnd)
    io.stdin.once("error", onError)
    return Effect.sync(() => {
      io.stdin.off("data", onData)
      io.stdin.off("end", onEnd)
      io.stdin.off("error", onError)
    })
  })
})

/** A file's bytes; a missing or unreadable file is a usage error. */
export const readFile = (path: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    return yield* Effect.mapError(
      fs.readFile(path),
      (error) => new UsageError({ reason: `cannot read ${path}: ${error.message}` })
    )
  })

/** A file's text (UTF-8). */
export const readTextFile = (path: string) => Effect.map(readFile(path), (bytes) => new TextDecoder().decode(bytes))

/** Writes a file; failing to is a usage error. */
export const writeTextFile = (path: string, text: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    return yield* Effect.mapError(
      fs.writeFileString(path, text),
      (error) => new UsageError({ reason: `cannot write ${path}: ${error.message}` })
    )
  })

/**
 * Checks, without writing anything, that `path` can be written: an existing file must be writable and not a
 * directory; a new one needs a writable directory. Commands whose output cannot be produced twice (`keygen`)
 * check before they ask the modem.
 */
export const checkWritable = (path: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const paths = yield* Path.Path
    const fail = (why: string) => new UsageError({ reason: `cannot write ${path}: ${why}` })
    const existing = yield* fs.stat(path).pipe(
      Effect.map(Option.some),
      Effect.catchTag("PlatformError", (error) =>
        error.reason._tag === "NotFound" ? Effect.succeedNone : Effect.fail(fail(error.message))
      )
    )
    if (Option.isSome(existing)) {
      if (existing.value.type === "Directory") return yield* fail("it is a directory")
      return yield* Effect.mapError(fs.access(path, { writable: true }), () => fail("it is not writable"))
    }
    const directory = paths.dirname(paths.resolve(path))
    const parent = yield* Effect.mapError(fs.stat(directory), (error) =>
      fail(error.reason._tag === "NotFound" ? `the directory ${directory} does not exist` : error.message)
    )
    if (parent.type !== "Directory") return yield* fail(`${directory} is not a directory`)
    yield* Effect.mapError(fs.access(directory, { writable: true }), () =>
      fail(`the directory ${directory} is not writable`)
    )
  })

/** A string parameter for an AT command: the grammar has no escape, so a `"` cannot be sent. */
export const atString = (value: string, what: string) =>
  value.includes('"')
    ? Effect.fail(new UsageError({ reason: `${what} cannot contain a double quote (") — AT strings have no escape` }))
    : Effect.succeed(value)

/** A token from an argument: the token itself, `%JWT: "<token>"` as the modem prints it, or `-` for stdin. */
export const tokenArgument = (argument: string) =>
  Effect.map(argument === "-" ? readStdin : Effect.succeed(argument), (text) => {
    const trimmed = text.trim()
    const quoted = /^(?:%JWT:\s*)?"([^"]*)"$/.exec(trimmed)
    return quoted === null ? trimmed : quoted[1]!
  })

/** The information line starting with `prefix` (`%JWT:`), its value with the quotes removed. */
export const quotedValue = (lines: ReadonlyArray<string>, prefix: string): string | undefined => {
  for (const line of lines) {
    if (!line.startsWith(prefix)) continue
    const m = /^"([^"]*)"\s*$/.exec(line.slice(prefix.length).trim())
    if (m !== null) return m[1]
  }
  return undefined
}

/** `Option` → `undefined`. */
export const optional = Option.getOrUndefined

/** Seconds since the epoch, as ISO time, for `iat` and `exp`. */
export const isoTime = (seconds: unknown): string | undefined =>
  typeof seconds === "number" && Number.isFinite(seconds) && Math.abs(seconds) < 1e11
    ? new Date(seconds * 1000).toISOString().replace(".000Z", "Z")
    : undefined
