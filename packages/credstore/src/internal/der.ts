/**
 * A strict DER reader: one tag byte, definite and minimally encoded lengths, values that fit their parent, and
 * nothing left over where a structure ends. It reads structure only; callers decide what the contents mean.
 *
 * @internal
 */

/** Universal and context-specific tags used by the X.509 check. */
export const Tag = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
  /** `[n]` in the primitive form (IMPLICIT tagging of a primitive type). */
  context: (n: number) => 0x80 | n,
  /** `[n]` in the constructed form (EXPLICIT tagging, or IMPLICIT tagging of a constructed type). */
  contextConstructed: (n: number) => 0xa0 | n
} as const

const TAG_NAMES: ReadonlyMap<number, string> = new Map([
  [Tag.boolean, "a BOOLEAN"],
  [Tag.integer, "an INTEGER"],
  [Tag.bitString, "a BIT STRING"],
  [Tag.octetString, "an OCTET STRING"],
  [Tag.oid, "an OBJECT IDENTIFIER"],
  [Tag.sequence, "a SEQUENCE"],
  [Tag.set, "a SET"]
])

/** Why a DER value does not fit the expected structure. The message is a short reason that never quotes bytes. */
export class Malformed extends Error {}

/** One DER value: its tag, its contents, and its whole encoding (header included). */
export interface Tlv {
  readonly tag: number
  readonly contents: Uint8Array
  readonly encoding: Uint8Array
}

/** Reads the values of one DER structure in order. Every failure throws {@link Malformed}. */
export class Reader {
  readonly #bytes: Uint8Array
  #offset = 0

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes
  }

  /** Whether every value has been read. */
  get atEnd(): boolean {
    return this.#offset === this.#bytes.length
  }

  /** Reads the next value, which must have `tag`; `field` names it in the reason. */
  read(field: string, tag: number): Tlv {
    if (this.atEnd) throw new Malformed(`${field} is missing`)
    if (this.#bytes[this.#offset] !== tag)
      throw new Malformed(`${field} is not ${TAG_NAMES.get(tag) ?? "the expected type"}`)
    return this.readAny(field)
  }

  /** Reads the next value only when it has `tag`. */
  optional(field: string, tag: number): Tlv | undefined {
    return this.#bytes[this.#offset] === tag ? this.readAny(field) : undefined
  }

  /** Reads the next value, whatever its tag. */
  readAny(field: string): Tlv {
    if (this.atEnd) throw new Malformed(`${field} is missing`)
    const bytes = this.#bytes
    const start = this.#offset
    const tag = bytes[start]!
    // High tag numbers (low five bits all set) take more bytes; X.509 never uses them.
    if ((tag & 0x1f) === 0x1f) throw new Malformed(`${field} has a multi-byte tag`)
    if (start + 1 >= bytes.length) throw new Malformed(`${field} is truncated`)
    const first = bytes[start + 1]!
    let length = first
    let header = 2
    if (first >= 0x80) {
      const count = first & 0x7f
      if (count === 0) throw new Malformed(`${field} has an indefinite length`)
      // Four length bytes already allow 4 GiB; more is not a certificate (and 0xff is reserved).
      if (count > 4) throw new Malformed(`${field} has an oversized length`)
      if (start + 2 + count > bytes.length) throw new Malformed(`${field} is truncated`)
      length = 0
      for (let i = 0; i < count; i++) length = length * 256 + bytes[start + 2 + i]!
      // DER: the long form only for lengths of 128 or more, and without leading zero bytes.
      if (length < 0x80 || bytes[start + 2] === 0) throw new Malformed(`${field} has a non-minimal length`)
      header = 2 + count
    }
    const end = start + header + length
    if (end > bytes.length) throw new Malformed(`${field} is truncated`)
    this.#offset = end
    return { tag, contents: bytes.subarray(start + header, end), encoding: bytes.subarray(start, end) }
  }

  /** Requires that every value has been read; `field` names the structure being ended. */
  end(field: string): void {
    if (!this.atEnd) throw new Malformed(`${field} has unexpected data at its end`)
  }
}

/** Reads `bytes` as exactly one value with `tag` and nothing after it. */
export const readOnly = (bytes: Uint8Array, field: string, tag: number): Tlv => {
  const reader = new Reader(bytes)
  const value = reader.read(field, tag)
  if (!reader.atEnd) throw new Malformed(`${field} is followed by extra bytes`)
  return value
}

/** A reader over the contents of a constructed value. */
export const contentsOf = (value: Tlv): Reader => new Reader(value.contents)

/** Whether two byte strings are equal. */
export const equalBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((byte, i) => byte === b[i])
