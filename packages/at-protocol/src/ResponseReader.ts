/**
 * Host side: bytes from a modem → responses and unsolicited lines, incrementally.
 *
 * Lines are cut by the same quote-aware `Framer` the modem side uses, so a line with an unclosed `"` continues
 * over CR/LF until its closing quote: an `OK` inside a quoted PEM (a `%CMNG` read response) is never taken for a
 * final result. Lines are cut on bytes and decoded as UTF-8 afterwards, so chunks may split multi-byte characters
 * (ill-formed bytes decode to U+FFFD). Blank lines are skipped.
 *
 * - Call `expect(line)` when a command line is sent; expectations queue up, so lines may be pipelined. Lines up to
 *   the next final result (`OK`, `ERROR`, `+CME ERROR: <n>`, `+CMS ERROR: <n>` alone on a line; trailing spaces
 *   are tolerated) belong to the oldest expected line.
 * - With echo on, the modem repeats the command line first: a line equal to the sent line (terminator removed),
 *   before any information line, is skipped. Pass the line to `expect` to get this.
 * - Lines arriving while nothing is expected are `Unsolicited`. While a command is expected, a line whose
 *   `+NAME:`/`%NAME:`/`#NAME:` prefix is in the unsolicited set is `Unsolicited` too, unless the sent line itself
 *   contains a command of that name (so `AT+CEREG?` still gets its `+CEREG: ...` information line).
 * - A line longer than `maxLineLength` bytes (default 65536: responses may carry whole certificate chains) is
 *   discarded and reported as an `Overflow` event.
 *
 * @since 0.1.0
 */
import * as Result from "effect/Result"
import * as CommandParser from "./CommandParser.ts"
import * as Framer from "./Framer.ts"
import * as Utf8 from "./internal/utf8.ts"
import type { FinalResult } from "./ResponseWriter.ts"

/**
 * What the reader found: a complete response, an unsolicited line, or a line too long to keep.
 *
 * @since 0.1.0
 * @category models
 */
export type ReaderEvent =
  | { readonly _tag: "Response"; readonly lines: ReadonlyArray<string>; readonly final: FinalResult }
  | { readonly _tag: "Unsolicited"; readonly line: string }
  | { readonly _tag: "Overflow"; readonly discarded: number }

/**
 * @since 0.1.0
 * @category models
 */
export interface ResponseReader {
  /** Tell the reader a command line was sent (so lines until its final result belong to it). */
  readonly expect: (line?: string) => void
  /** Feed bytes (or text) received from the modem; returns the events they complete, in order. */
  readonly push: (chunk: Uint8Array | string) => ReadonlyArray<ReaderEvent>
  /** How many expected command lines have not had their final result yet. */
  readonly pending: number
}

/**
 * The default set of unsolicited result codes recognised while a command is expected.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_UNSOLICITED: ReadonlyArray<string> = [
  "+CEREG",
  "+CSCON",
  "+CGEV",
  "%CESQ",
  "%XMODEMSLEEP",
  "%MDMEV"
]

/**
 * The default line length limit of the reader, in bytes, terminator not included.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_MAX_LINE_LENGTH = 65536

/**
 * Recognises a final result line. Returns `undefined` for any other line.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseFinal = (line: string): FinalResult | undefined => {
  const text = line.replace(/[ \t]+$/, "")
  if (text === "OK") return { _tag: "Ok" }
  if (text === "ERROR") return { _tag: "Error" }
  const m = /^\+CM([ES]) ERROR: ?(\d{1,15})$/.exec(text)
  if (m === null) return undefined
  const code = Number(m[2])
  return m[1] === "E" ? { _tag: "CmeError", code } : { _tag: "CmsError", code }
}

const prefixOf = (line: string): string | undefined => /^([+%#][A-Za-z0-9]+):/.exec(line)?.[1]?.toUpperCase()

interface Expectation {
  readonly echo: string | undefined
  readonly own: ReadonlySet<string>
  readonly lines: Array<string>
  echoSeen: boolean
}

const noNames: ReadonlySet<string> = new Set()

/**
 * Creates a response reader.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: {
  readonly maxLineLength?: number
  /** Prefixes (`"+CEREG"`, `"%XMODEMSLEEP"`) of unsolicited lines; replaces `DEFAULT_UNSOLICITED`. */
  readonly unsolicited?: ReadonlyArray<string>
}): ResponseReader => {
  const framer = Framer.make({ maxLineLength: options?.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH })
  const unsolicited = new Set((options?.unsolicited ?? DEFAULT_UNSOLICITED).map((name) => name.toUpperCase()))
  const decoder = new TextDecoder("utf-8")
  const queue: Array<Expectation> = []
  // A high surrogate at the end of a string chunk waits for its other half.
  let pendingHigh = ""

  const expect = (line?: string): void => {
    const echo = line?.replace(/[\r\n]+$/, "")
    let own = noNames
    if (echo !== undefined) {
      const parsed = CommandParser.parseLine(echo)
      if (Result.isSuccess(parsed)) own = new Set(parsed.success.map((command) => command.name))
    }
    queue.push({ echo, own, lines: [], echoSeen: false })
  }

  const onLine = (line: string, events: Array<ReaderEvent>): void => {
    const head = queue[0]
    if (head === undefined) {
      events.push({ _tag: "Unsolicited", line })
      return
    }
    if (!head.echoSeen && head.lines.length === 0 && line === head.echo) {
      head.echoSeen = true
      return
    }
    const final = parseFinal(line)
    if (final !== undefined) {
      queue.shift()
      events.push({ _tag: "Response", lines: head.lines, final })
      return
    }
    const prefix = prefixOf(line)
    if (prefix !== undefined && unsolicited.has(prefix) && !head.own.has(prefix)) {
      events.push({ _tag: "Unsolicited", line })
      return
    }
    head.lines.push(line)
  }

  const push = (chunk: Uint8Array | string): ReadonlyArray<ReaderEvent> => {
    let bytes: Uint8Array
    if (typeof chunk === "string") {
      let text = pendingHigh + chunk
      pendingHigh = ""
      const last = text.charCodeAt(text.length - 1)
      if (last >= 0xd800 && last <= 0xdbff) {
        pendingHigh = text.slice(-1)
        text = text.slice(0, -1)
      }
      bytes = Utf8.encode(text)
    } else if (pendingHigh !== "") {
      // A lone high surrogate followed by bytes: it can never be completed, so it becomes U+FFFD.
      const head = Utf8.encode(pendingHigh)
      pendingHigh = ""
      bytes = new Uint8Array(head.length + chunk.length)
      bytes.set(head, 0)
      bytes.set(chunk, head.length)
    } else {
      bytes = chunk
    }
    const events: Array<ReaderEvent> = []
    for (const frame of framer.push(bytes)) {
      if (frame._tag === "Overflow") events.push(frame)
      else onLine(decoder.decode(frame.line), events)
    }
    return events
  }

  return {
    expect,
    push,
    get pending() {
      return queue.length
    }
  }
}
