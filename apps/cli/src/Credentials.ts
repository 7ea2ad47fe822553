/**
 * `%CMNG` on the host side: credential types by name, sec_tags, the list and read lines, and comparing a file
 * with what the modem stores — telling apart a real difference from one in line endings only.
 *
 * @since 0.1.0
 */
import { Credential } from "@atmodem/credstore"
import * as Result from "effect/Result"
import { UsageError } from "./Failure.ts"

/**
 * The credential types, by number.
 *
 * @since 0.1.0
 * @category constants
 */
export const typeNames: Readonly<Record<number, string>> = {
  0: "root CA certificate",
  1: "client certificate",
  2: "client private key",
  3: "PSK",
  4: "PSK identity",
  5: "public key",
  6: "device identity public key",
  7: "reserved",
  8: "endorsement private key",
  9: "ownership key",
  10: "Nordic identity root CA",
  11: "Nordic base public key"
}

const aliases: Readonly<Record<string, number>> = {
  ca: 0,
  "root-ca": 0,
  cert: 1,
  "client-cert": 1,
  key: 2,
  "client-key": 2,
  "private-key": 2,
  psk: 3,
  "psk-identity": 4,
  identity: 4,
  "public-key": 5
}

/**
 * A credential type from a number `0`..`11` or a name (`ca`, `client-cert`, `client-key`, `psk`,
 * `psk-identity`, `public-key`).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseType = (text: string): Result.Result<number, UsageError> => {
  const value = text.trim().toLowerCase()
  if (/^\d{1,2}$/.test(value) && Number(value) <= 11) return Result.succeed(Number(value))
  const alias = aliases[value]
  return alias === undefined
    ? Result.fail(
        new UsageError({
          reason: `credential type "${text}" is not 0..11 or one of: ${Object.keys(aliases).join(", ")}`
        })
      )
    : Result.succeed(alias)
}

/**
 * A sec_tag: an integer `0`..`4294967295` (above 2147483647 the tags belong to the modem).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseSecTag = (text: string): Result.Result<number, UsageError> => {
  const value = text.trim()
  return /^\d{1,10}$/.test(value) && Number(value) <= Credential.MAX_SEC_TAG
    ? Result.succeed(Number(value))
    : Result.fail(new UsageError({ reason: `sec_tag "${text}" is not an integer from 0 to ${Credential.MAX_SEC_TAG}` }))
}

/**
 * One listed credential.
 *
 * @since 0.1.0
 * @category models
 */
export interface Entry {
  readonly secTag: number
  readonly type: number
  /** Uppercase hex SHA-256 of the stored content, as the modem lists it. */
  readonly sha256: string
}

/**
 * A `%CMNG: <tag>,<type>,"<SHA>"` list line, or `undefined`.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseListLine = (line: string): Entry | undefined => {
  const m = /^%CMNG: ?(\d+),(\d+)(?:,"([0-9A-Fa-f]*)")?\s*$/.exec(line)
  return m === null ? undefined : { secTag: Number(m[1]), type: Number(m[2]), sha256: (m[3] ?? "").toUpperCase() }
}

/**
 * A `%CMNG: <tag>,<type>,"<SHA>","<content>"` read line (content may span lines), or `undefined`.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseReadLine = (line: string): (Entry & { readonly content: string }) | undefined => {
  const m = /^%CMNG: ?(\d+),(\d+),"([0-9A-Fa-f]*)","([\s\S]*)"\s*$/.exec(line)
  return m === null
    ? undefined
    : { secTag: Number(m[1]), type: Number(m[2]), sha256: m[3]!.toUpperCase(), content: m[4]! }
}

/**
 * The SHA-256 the modem lists for `content` (uppercase hex of the exact bytes).
 *
 * @since 0.1.0
 * @category hashing
 */
export const sha256 = (content: string): string => Credential.sha256Hex(content)

/**
 * How a text ends its lines: `LF`, `CRLF`, `mixed`, or `none` (a single line); and whether it ends with one.
 *
 * @since 0.1.0
 * @category models
 */
export interface LineEnds {
  readonly style: "LF" | "CRLF" | "mixed" | "none"
  readonly final: boolean
}

/**
 * The line-end style of a text.
 *
 * @since 0.1.0
 * @category comparison
 */
export const lineEnds = (text: string): LineEnds => {
  const crlf = (text.match(/\r\n/g) ?? []).length
  const lf = (text.match(/\n/g) ?? []).length - crlf
  const style = crlf === 0 && lf === 0 ? "none" : crlf === 0 ? "LF" : lf === 0 ? "CRLF" : "mixed"
  return { style, final: text.endsWith("\n") }
}

/**
 * How a file compares with a stored credential: the same bytes, the same text with other line endings (or a
 * missing or extra final line end), or different.
 *
 * @since 0.1.0
 * @category models
 */
export type Comparison =
  | { readonly _tag: "Same" }
  | { readonly _tag: "LineEndingsOnly"; readonly modem: LineEnds; readonly file: LineEnds }
  | { readonly _tag: "Different" }

/**
 * Compares `content` (a file) with the SHA-256 the modem lists.
 *
 * @since 0.1.0
 * @category comparison
 */
export const compare = (modemSha256: string, content: string): Comparison => {
  const wanted = modemSha256.toUpperCase()
  if (sha256(content) === wanted) return { _tag: "Same" }
  const lf = content.replace(/\r\n/g, "\n")
  const bare = lf.replace(/\n+$/, "")
  for (const eol of ["\n", "\r\n"]) {
    const body = bare.replace(/\n/g, eol)
    for (const candidate of [body, body + eol]) {
      if (sha256(candidate) === wanted)
        return { _tag: "LineEndingsOnly", modem: lineEnds(candidate), file: lineEnds(content) }
    }
  }
  return { _tag: "Different" }
}

/**
 * Line endings in words: `CRLF line ends and a final line end`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const describeLineEnds = (ends: LineEnds): string =>
  `${ends.style === "none" ? "a single line" : ends.style === "mixed" ? "mixed line ends" : `${ends.style} line ends`}${ends.final ? " with a final line end" : " without a final line end"}`
