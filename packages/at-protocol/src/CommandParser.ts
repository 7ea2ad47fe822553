/**
 * One command line → commands.
 *
 * Grammar (chosen where the spec is silent, marked *):
 *
 * ```
 * line      = ws* ("AT" | "at" | "At" | "aT") [ command { ws* ";" ws* command } [ ws* ";" ] ] ws*
 * command   = extended | basic
 * extended  = ("+" | "%" | "#") namechar+ [ "?" | "=?" | "=" params ]     namechar = letter | digit
 * basic*    = (letter | "&" letter) [ number ]                              ATE0, ATE, ATZ, AT&F
 * params    = param { "," param }
 * param     = ws* [ integer | string ] ws*                                  nothing = Empty
 * integer   = "0" | ["+" | "-"] nonzero digit*                             any size (see Command)
 * number*   = "0" | nonzero digit*
 * string    = '"' any byte but '"' '"'                                      CR/LF inside are data, UTF-8
 * ws*       = " " | TAB
 * ```
 *
 * - The command must follow `AT` directly: `at AT+CGSN` is an error, as is `AT +CGSN`.
 * - Commands after the first are joined with `;` and have no `AT`; a trailing `;` is allowed, an empty command
 *   between two `;` is not.
 * - A basic command must be followed by `;` or the end of the line: `ATE0;+CMEE=1` is two commands, while the
 *   V.250 concatenations `ATE0V1` and `ATE0+CMEE=1` are errors.
 * - Names are upper-cased in the result; string values keep their case.
 *
 * `ParseError.position` is a byte offset into the UTF-8 encoding of the line.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Result from "effect/Result"
import * as Command from "./Command.ts"
import * as Utf8 from "./internal/utf8.ts"

/**
 * A line that is not a valid command line. `position` is the byte offset where parsing stopped.
 *
 * @since 0.1.0
 * @category errors
 */
export class ParseError extends Data.TaggedError("ParseError")<{ readonly position: number; readonly reason: string }> {
  override get message(): string {
    return `${this.reason} at position ${this.position}`
  }
}

const SPACE = 0x20
const TAB = 0x09
const QUOTE = 0x22
const HASH = 0x23
const PERCENT = 0x25
const AMPERSAND = 0x26
const PLUS = 0x2b
const COMMA = 0x2c
const MINUS = 0x2d
const ZERO = 0x30
const NINE = 0x39
const SEMICOLON = 0x3b
const EQUALS = 0x3d
const QUESTION = 0x3f

const isDigit = (b: number) => b >= ZERO && b <= NINE
const isLetter = (b: number) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
const isWs = (b: number) => b === SPACE || b === TAB
const upper = (b: number) => (b >= 0x61 && b <= 0x7a ? b - 0x20 : b)

/** Thrown-free control flow: every step returns the next offset, or a ParseError. */
type Step = number | ParseError

const fail = (position: number, reason: string) => new ParseError({ position, reason })

// Commands and parameters are collected in scratch arrays reused from line to line and handed out at their exact
// size: a fresh `[]` grown by `push` reserves room for 16 on its first push, and this runs for every command line.
// Parsing is synchronous and never re-entered, so module-level scratch space is safe.
const commandScratch: Array<Command.Command | undefined> = []
let commandCount = 0
const paramScratch: Array<Command.Parameter | undefined> = []
let paramCount = 0

const addCommand = (command: Command.Command): void => {
  commandScratch[commandCount++] = command
}
const addParam = (param: Command.Parameter): void => {
  paramScratch[paramCount++] = param
}
/** The first `count` scratch entries as an exact-size array; the scratch lets go of them. */
const takeExact = <A>(scratch: Array<A | undefined>, count: number): Array<A> => {
  const out = new Array<A>(count)
  for (let k = 0; k < count; k++) {
    out[k] = scratch[k]!
    scratch[k] = undefined
  }
  return out
}

/**
 * Parses one command line (without its terminator) into its commands. `AT` alone gives zero commands.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseLine = (line: Uint8Array | string): Result.Result<ReadonlyArray<Command.Command>, ParseError> => {
  if (typeof line === "string") {
    const bad = Utf8.loneSurrogateIndex(line)
    if (bad !== -1) return Result.fail(fail(Utf8.encode(line.slice(0, bad)).length, "ill-formed UTF-16 string"))
    return parseBytes(Utf8.encode(line))
  }
  return parseBytes(line)
}

const parseBytes = (bytes: Uint8Array): Result.Result<ReadonlyArray<Command.Command>, ParseError> => {
  const n = bytes.length
  let i = skipWs(bytes, 0)
  if (i + 1 >= n || upper(bytes[i]!) !== 0x41 || upper(bytes[i + 1]!) !== 0x54) {
    return Result.fail(fail(i, "expected AT"))
  }
  i += 2
  if (skipWs(bytes, i) === n) return Result.succeed([])
  commandCount = 0
  for (;;) {
    const step = parseCommand(bytes, i)
    if (typeof step !== "number") {
      takeExact(commandScratch, commandCount)
      return Result.fail(step)
    }
    i = skipWs(bytes, step)
    if (i === n) return Result.succeed(takeExact(commandScratch, commandCount))
    if (bytes[i] !== SEMICOLON) {
      takeExact(commandScratch, commandCount)
      return Result.fail(fail(i, "expected ; or end of line"))
    }
    i = skipWs(bytes, i + 1)
    if (i === n) return Result.succeed(takeExact(commandScratch, commandCount))
  }
}

const skipWs = (bytes: Uint8Array, i: number): number => {
  while (i < bytes.length && isWs(bytes[i]!)) i++
  return i
}

const parseCommand = (bytes: Uint8Array, i: number): Step => {
  const n = bytes.length
  const c = i < n ? bytes[i]! : -1
  if (c === PLUS || c === PERCENT || c === HASH) return parseExtended(bytes, i)
  let name: string
  let j: number
  if (isLetter(c)) {
    name = String.fromCharCode(upper(c))
    j = i + 1
  } else if (c === AMPERSAND && i + 1 < n && isLetter(bytes[i + 1]!)) {
    name = `&${String.fromCharCode(upper(bytes[i + 1]!))}`
    j = i + 2
  } else {
    return fail(i, "expected a command")
  }
  if (j < n && isDigit(bytes[j]!)) {
    const value = parseInteger(bytes, j, false)
    if (value instanceof ParseError) return value
    addCommand({ name, form: "set", params: [Command.integer(value)] })
    return integerEnd
  }
  addCommand({ name, form: "execute", params: [] })
  return j
}

const parseExtended = (bytes: Uint8Array, i: number): Step => {
  const n = bytes.length
  let j = i + 1
  while (j < n && (isLetter(bytes[j]!) || isDigit(bytes[j]!))) j++
  if (j === i + 1) return fail(j, "expected a command name")
  let name = String.fromCharCode(bytes[i]!)
  for (let k = i + 1; k < j; k++) name += String.fromCharCode(upper(bytes[k]!))
  const c = j < n ? bytes[j]! : -1
  if (c === QUESTION) {
    addCommand({ name, form: "read", params: [] })
    return j + 1
  }
  if (c !== EQUALS) {
    addCommand({ name, form: "execute", params: [] })
    return j
  }
  if (j + 1 < n && bytes[j + 1] === QUESTION) {
    addCommand({ name, form: "test", params: [] })
    return j + 2
  }
  paramCount = 0
  const end = parseParams(bytes, j + 1)
  const params = takeExact(paramScratch, paramCount)
  if (typeof end !== "number") return end
  addCommand({ name, form: "set", params })
  return end
}

/** Parses parameters up to (not including) a `;` or the end of the line. */
const parseParams = (bytes: Uint8Array, i: number): Step => {
  const n = bytes.length
  for (;;) {
    i = skipWs(bytes, i)
    const c = i < n ? bytes[i]! : -1
    if (c === QUOTE) {
      const close = bytes.indexOf(QUOTE, i + 1)
      if (close === -1) return fail(i, "unterminated string")
      const value = Utf8.decode(bytes, i + 1, close)
      // The lenient decoder turns ill-formed bytes into U+FFFD; only then is a byte-level check needed, since a
      // well-formed string may contain U+FFFD itself.
      if (value.includes("\uFFFD")) {
        const bad = Utf8.invalidOffset(bytes, i + 1, close)
        if (bad !== -1) return fail(bad, "invalid UTF-8 in string")
      }
      addParam(Command.string(value))
      i = close + 1
    } else if (isDigit(c) || c === PLUS || c === MINUS) {
      const value = parseInteger(bytes, i, true)
      if (value instanceof ParseError) return value
      addParam(Command.integer(value))
      i = integerEnd
    } else {
      addParam(Command.empty)
    }
    i = skipWs(bytes, i)
    const d = i < n ? bytes[i]! : -1
    if (d === COMMA) {
      i++
      continue
    }
    if (d === SEMICOLON || d === -1) return i
    return fail(i, "unexpected character in parameters")
  }
}

/** Where the last integer {@link parseInteger} read ends (a position, so no result object per integer). */
let integerEnd = 0

/**
 * `0` or `[1-9][0-9]*`, with an optional sign when `signed`. Its end position is left in `integerEnd`. The
 * grammar sets no size limit, so a longer number is still an integer, not a syntax error: beyond the safe range
 * its value is ±Infinity, which every parameter's range check rejects (the modem then answers 50, not `ERROR`).
 */
const parseInteger = (bytes: Uint8Array, i: number, signed: boolean): number | ParseError => {
  const n = bytes.length
  let negative = false
  if (signed && (bytes[i] === PLUS || bytes[i] === MINUS)) {
    negative = bytes[i] === MINUS
    i++
    if (i >= n || bytes[i]! < 0x31 || bytes[i]! > NINE) return fail(i, "expected a non-zero digit after the sign")
  }
  if (bytes[i] === ZERO) {
    if (i + 1 < n && isDigit(bytes[i + 1]!)) return fail(i, "leading zero in integer")
    integerEnd = i + 1
    return 0
  }
  let value = 0
  while (i < n && isDigit(bytes[i]!)) {
    value = value * 10 + (bytes[i]! - ZERO)
    i++
  }
  if (value > Number.MAX_SAFE_INTEGER) value = Number.POSITIVE_INFINITY
  integerEnd = i
  return negative ? -value : value
}
