/**
 * Bytes → lines, incrementally and quote-aware.
 *
 * - CR, LF and CRLF end a line only outside double quotes; inside quotes they are data (multi-line PEM in
 *   `%CMNG`). A CRLF is one terminator: the LF after a CR would end an empty line, and empty lines are dropped,
 *   so chunk boundaries between CR and LF never matter.
 * - Empty lines and lines of only spaces and tabs are dropped (they get no response at all).
 * - `maxLineLength` counts the bytes of a line without its terminator: a line of exactly `maxLineLength` bytes is
 *   accepted, one byte more overflows. An overflowing line is discarded without being buffered: the framer keeps
 *   tracking quote parity over the discarded bytes, so the line ends at the next terminator outside quotes (the
 *   same rule as for any other line), then one `Overflow` frame reports how many bytes were dropped (terminator
 *   not counted). Because a line only ends outside quotes, no quote state leaks into the next line.
 * - The framer never holds more than `maxLineLength` bytes, and the same bytes in any chunking give the same
 *   frames.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export type Frame =
  | { readonly _tag: "Line"; readonly line: Uint8Array }
  | { readonly _tag: "Overflow"; readonly discarded: number }

/**
 * An incremental framer. `push` returns the frames completed by a chunk; `buffered` is the number of bytes of the
 * current, incomplete line held so far (never more than `maxLineLength`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Framer {
  readonly push: (chunk: Uint8Array) => ReadonlyArray<Frame>
  readonly buffered: number
}

/**
 * The maximum command length of the nRF91 AT host, in bytes, terminator not included.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_MAX_LINE_LENGTH = 4096

const QUOTE = 0x22
const CR = 0x0d
const LF = 0x0a
const SPACE = 0x20
const TAB = 0x09

const noFrames: ReadonlyArray<Frame> = []

/**
 * Creates a framer.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: { readonly maxLineLength?: number }): Framer => {
  const max = Math.max(1, Math.floor(options?.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH))
  // Bytes of the current line from earlier chunks; grows on demand, never past `max`.
  let buffer = new Uint8Array(Math.min(max, 256))
  let length = 0
  let inQuote = false
  // While discarding an overflowing line: how many of its bytes were dropped so far.
  let discarding = false
  let discarded = 0

  // The frame a terminator completes, if any (blank lines give none).
  const endLine = (chunk: Uint8Array, start: number, end: number): Frame | undefined => {
    const size = end - start
    if (discarding) {
      const frame: Frame = { _tag: "Overflow", discarded: discarded + size }
      discarding = false
      discarded = 0
      return frame
    }
    const total = length + size
    let frame: Frame | undefined
    if (total > max) {
      frame = { _tag: "Overflow", discarded: total }
    } else if (total > 0) {
      let line: Uint8Array
      if (length === 0) {
        // Copied, so the caller may reuse its chunk.
        line = chunk.slice(start, end)
      } else {
        line = new Uint8Array(total)
        copy(buffer, 0, length, line, 0)
        copy(chunk, start, end, line, length)
      }
      if (!isBlank(line)) frame = { _tag: "Line", line }
    }
    length = 0
    return frame
  }

  const keep = (chunk: Uint8Array, start: number, end: number): void => {
    const size = end - start
    if (size === 0) return
    if (discarding) {
      discarded += size
      return
    }
    const total = length + size
    if (total > max) {
      discarding = true
      discarded = total
      length = 0
      return
    }
    if (total > buffer.length) {
      const grown = new Uint8Array(Math.min(max, Math.max(buffer.length * 2, total)))
      copy(buffer, 0, length, grown, 0)
      buffer = grown
    }
    copy(chunk, start, end, buffer, length)
    length = total
  }

  const push = (chunk: Uint8Array): ReadonlyArray<Frame> => {
    // Most chunks complete one line: no array grown for it, just `[first]` at the end.
    let first: Frame | undefined
    let frames: Array<Frame> | undefined
    const n = chunk.length
    let start = 0
    let i = 0
    while (i < n) {
      if (inQuote) {
        // Inside quotes only the closing quote matters: let the native search skip PEM bodies.
        const q = chunk.indexOf(QUOTE, i)
        if (q === -1) break
        inQuote = false
        i = q + 1
        continue
      }
      let b = 0
      while (i < n) {
        b = chunk[i]!
        if (b === QUOTE || b === CR || b === LF) break
        i++
      }
      if (i === n) break
      if (b === QUOTE) {
        inQuote = true
        i++
        continue
      }
      const frame = endLine(chunk, start, i)
      if (frame !== undefined) {
        if (first === undefined) first = frame
        else if (frames === undefined) frames = [first, frame]
        else frames.push(frame)
      }
      i++
      start = i
    }
    keep(chunk, start, n)
    return frames ?? (first === undefined ? noFrames : [first])
  }

  return {
    push,
    get buffered() {
      return length
    }
  }
}

/** Copies `from[start, end)` to `to` at `at`; short runs by hand, since a `subarray` view costs more than them. */
const copy = (from: Uint8Array, start: number, end: number, to: Uint8Array, at: number): void => {
  if (end - start > 64) {
    to.set(from.subarray(start, end), at)
    return
  }
  for (let i = start; i < end; i++) to[at++] = from[i]!
}

const isBlank = (line: Uint8Array): boolean => {
  for (let i = 0; i < line.length; i++) {
    const b = line[i]!
    if (b !== SPACE && b !== TAB) return false
  }
  return true
}
