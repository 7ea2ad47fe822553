/**
 * `atmodem creds list|write|read|delete|check`: the modem's credential storage (`%CMNG`). Writing and deleting
 * switch the modem to `+CFUN=4` first when LTE is active (and say so); `check` compares a file with what the
 * modem stores by SHA-256 and tells when only the line endings differ.
 */
import { Command as AtCommand, CommandFormatter } from "@atmodem/at-protocol"
import { CredStore } from "@atmodem/credstore"
import { Argument, Command, Flag } from "effect/cli"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Credentials from "../Credentials.ts"
import * as ExitCode from "../ExitCode.ts"
import { UnexpectedResponse, UsageError } from "../Failure.ts"
import { atString, ensureOffline, readTextFile, report, withModem, writeTextFile } from "./Common.ts"
import { table } from "./Tokens.ts"

const cmng = (params: ReadonlyArray<AtCommand.Parameter>) =>
  CommandFormatter.formatLine([AtCommand.make("%CMNG", "set", params)], "")

const tagFlag = Flag.String("tag").pipe(Flag.withMetavar("SEC_TAG"), Flag.withDescription("The sec_tag"))
const typeFlag = Flag.String("type").pipe(
  Flag.withMetavar("TYPE"),
  Flag.withDescription("0..11 or ca, client-cert, client-key, psk, psk-identity, public-key")
)

const secTag = (text: string) => Effect.fromResult(Credentials.parseSecTag(text))
const credentialType = (text: string) => Effect.fromResult(Credentials.parseType(text))

const typeName = (type: number) => Credentials.typeNames[type] ?? `type ${type}`

const entryJson = (entry: Credentials.Entry) => ({
  secTag: entry.secTag,
  type: entry.type,
  typeName: typeName(entry.type),
  sha256: entry.sha256
})

const listEntries = (lines: ReadonlyArray<string>, line: string) =>
  Effect.forEach(lines, (text) => {
    const entry = Credentials.parseListLine(text)
    return entry === undefined
      ? Effect.fail(new UnexpectedResponse({ reason: `${line} answered a line that is not a %CMNG entry: ${text}` }))
      : Effect.succeed(entry)
  })

/** `--password`: what the modem accepts (1 to 32 bytes of UTF-8, no double quote); never shown in messages. */
export const checkPassword = (password: string) =>
  Effect.gen(function* () {
    const bytes = new TextEncoder().encode(password).length
    if (bytes === 0) return yield* new UsageError({ reason: "--password is empty" })
    if (bytes > CredStore.MAX_PASSWORD_BYTES)
      return yield* new UsageError({
        reason: `--password is ${bytes} bytes long; the modem accepts at most ${CredStore.MAX_PASSWORD_BYTES} (ASCII characters)`
      })
    yield* atString(password, "--password")
  })

// --- list ------------------------------------------------------------------------------------------------------

const list = Command.make(
  "list",
  {
    tag: tagFlag.pipe(Flag.optional),
    type: typeFlag.pipe(Flag.optional)
  },
  (flags) =>
    report(
      Effect.gen(function* () {
        const tag = Option.isSome(flags.tag) ? yield* secTag(flags.tag.value) : undefined
        const type = Option.isSome(flags.type) ? yield* credentialType(flags.type.value) : undefined
        // The modem filters by type only together with a tag; without one, filter here.
        const params = [AtCommand.integer(1)]
        if (tag !== undefined) params.push(AtCommand.integer(tag))
        if (tag !== undefined && type !== undefined) params.push(AtCommand.integer(type))
        const line = cmng(params)
        const lines = yield* withModem("listing credentials", (c) => c.command(line, { doing: "listing credentials" }))
        const entries = (yield* listEntries(lines, line)).filter((e) => type === undefined || e.type === type)
        return {
          text:
            entries.length === 0
              ? "no credentials"
              : table(entries.map((e) => [`${e.secTag},${e.type}`, `${e.sha256}  ${typeName(e.type)}`] as const)),
          json: { credentials: entries.map(entryJson) }
        }
      })
    )
).pipe(Command.withDescription("List stored credentials (sec_tag, type, SHA-256)."))

// --- write -----------------------------------------------------------------------------------------------------

const write = Command.make(
  "write",
  {
    tag: tagFlag,
    type: typeFlag,
    file: Argument.String("file").pipe(Argument.withDescription("The credential: a PEM file, or PSK text")),
    password: Flag.Redacted("password").pipe(
      Flag.withDescription(
        "Password of an encrypted PKCS#8 private key (1 to 32 characters; checked before the modem is contacted)"
      ),
      Flag.optional
    )
  },
  (flags) =>
    report(
      Effect.gen(function* () {
        const tag = yield* secTag(flags.tag)
        const type = yield* credentialType(flags.type)
        const content = yield* readTextFile(flags.file)
        if (content === "") return yield* new UsageError({ reason: `${flags.file} is empty` })
        yield* atString(content, `the content of ${flags.file}`)
        const password = Option.map(flags.password, Redacted.value)
        if (Option.isSome(password)) yield* checkPassword(password.value)
        const params = [
          AtCommand.integer(0),
          AtCommand.integer(tag),
          AtCommand.integer(type),
          AtCommand.string(content)
        ]
        if (Option.isSome(password)) params.push(AtCommand.string(password.value))
        const sha256 = Credentials.sha256(content)
        const listed = yield* withModem(`writing ${tag},${type}`, (connection) =>
          Effect.gen(function* () {
            yield* ensureOffline(connection, "writing a credential")
            // The command line holds the content (and password): name it by tag and type only in messages.
            yield* connection.command(cmng(params), {
              doing: `writing ${tag},${type}`,
              display: `AT%CMNG=0,${tag},${type},"…"`
            })
            const line = cmng([AtCommand.integer(1), AtCommand.integer(tag), AtCommand.integer(type)])
            return yield* listEntries(yield* connection.command(line, { doing: "listing what was written" }), line)
          })
        )
        const stored = listed.find((e) => e.secTag === tag && e.type === type)
        const matches = stored !== undefined && stored.sha256 === sha256
        return {
          text: `wrote ${tag},${type} (${typeName(type)}), SHA-256 ${sha256}${matches ? "; the modem lists the same SHA-256" : stored === undefined ? "; WARNING: the modem does not list it" : `; WARNING: the modem lists SHA-256 ${stored.sha256}`}`,
          json: {
            secTag: tag,
            type,
            typeName: typeName(type),
            sha256,
            modemSha256: stored?.sha256 ?? null,
            verified: matches
          },
          exitCode: matches ? ExitCode.OK : ExitCode.CHECK_FAILED
        }
      })
    )
).pipe(
  Command.withDescription("Write a credential from a file (switches the modem to +CFUN=4 first if LTE is active).")
)

// --- read ------------------------------------------------------------------------------------------------------

const read = Command.make(
  "read",
  {
    tag: tagFlag,
    type: typeFlag,
    out: Flag.String("out").pipe(
      Flag.withMetavar("FILE"),
      Flag.withDescription("Write the content to a file"),
      Flag.optional
    )
  },
  (flags) =>
    report(
      Effect.gen(function* () {
        const tag = yield* secTag(flags.tag)
        const type = yield* credentialType(flags.type)
        const line = cmng([AtCommand.integer(2), AtCommand.integer(tag), AtCommand.integer(type)])
        const lines = yield* withModem(`reading ${tag},${type}`, (c) =>
          c.command(line, { doing: `reading ${tag},${type}` })
        )
        const entry = lines.map(Credentials.parseReadLine).find((e) => e !== undefined)
        if (entry === undefined)
          return yield* new UnexpectedResponse({ reason: `${line} answered OK without a %CMNG content line` })
        if (Option.isSome(flags.out)) yield* writeTextFile(flags.out.value, entry.content)
        return {
          text: Option.isSome(flags.out)
            ? `wrote ${tag},${type} (${typeName(type)}) to ${flags.out.value}, SHA-256 ${entry.sha256}`
            : entry.content,
          json: { ...entryJson(entry), content: entry.content }
        }
      })
    )
).pipe(Command.withDescription("Read a credential (types 0, 1 and 4: certificates and PSK identities)."))

// --- delete ----------------------------------------------------------------------------------------------------

const remove = Command.make("delete", { tag: tagFlag, type: typeFlag }, (flags) =>
  report(
    Effect.gen(function* () {
      const tag = yield* secTag(flags.tag)
      const type = yield* credentialType(flags.type)
      const line = cmng([AtCommand.integer(3), AtCommand.integer(tag), AtCommand.integer(type)])
      yield* withModem(`deleting ${tag},${type}`, (connection) =>
        Effect.andThen(
          ensureOffline(connection, "deleting a credential"),
          connection.command(line, { doing: `deleting ${tag},${type}` })
        )
      )
      return {
        text: `deleted ${tag},${type} (${typeName(type)})`,
        json: { secTag: tag, type, typeName: typeName(type), deleted: true }
      }
    })
  )
).pipe(Command.withDescription("Delete a credential (switches the modem to +CFUN=4 first if LTE is active)."))

// --- check -----------------------------------------------------------------------------------------------------

const check = Command.make(
  "check",
  {
    tag: tagFlag,
    type: typeFlag,
    file: Argument.String("file").pipe(Argument.withDescription("The file to compare with"))
  },
  (flags) =>
    report(
      Effect.gen(function* () {
        const tag = yield* secTag(flags.tag)
        const type = yield* credentialType(flags.type)
        const content = yield* readTextFile(flags.file)
        const line = cmng([AtCommand.integer(1), AtCommand.integer(tag), AtCommand.integer(type)])
        const lines = yield* withModem(`checking ${tag},${type}`, (c) =>
          c.command(line, { doing: "listing credentials" })
        )
        const stored = (yield* listEntries(lines, line)).find((e) => e.secTag === tag && e.type === type)
        const fileSha256 = Credentials.sha256(content)
        const base = { secTag: tag, type, typeName: typeName(type), fileSha256 }
        if (stored === undefined)
          return {
            text: `${tag},${type} is not on the modem`,
            json: { ...base, modemSha256: null, match: "absent" },
            exitCode: ExitCode.CHECK_FAILED
          }
        const comparison = Credentials.compare(stored.sha256, content)
        switch (comparison._tag) {
          case "Same":
            return {
              text: `${tag},${type} matches ${flags.file} (SHA-256 ${stored.sha256})`,
              json: { ...base, modemSha256: stored.sha256, match: "same" }
            }
          case "LineEndingsOnly":
            return {
              text: `${tag},${type} differs from ${flags.file} only in line endings: the modem's copy has ${Credentials.describeLineEnds(comparison.modem)}, the file has ${Credentials.describeLineEnds(comparison.file)}`,
              json: {
                ...base,
                modemSha256: stored.sha256,
                match: "line-endings",
                modemLineEnds: comparison.modem,
                fileLineEnds: comparison.file
              },
              exitCode: ExitCode.CHECK_FAILED
            }
          case "Different":
            return {
              text: `${tag},${type} differs from ${flags.file}: the modem has SHA-256 ${stored.sha256}, the file ${fileSha256}`,
              json: { ...base, modemSha256: stored.sha256, match: "different" },
              exitCode: ExitCode.CHECK_FAILED
            }
        }
      })
    )
).pipe(
  Command.withDescription(
    "Compare a file with a stored credential by SHA-256 (exit 5 when they differ; says when only line endings do)."
  )
)

export const command = Command.make("creds").pipe(
  Command.withDescription("Manage the modem's credential storage (%CMNG)."),
  Command.withSubcommands([list, write, read, remove, check])
)
