/**
 * A tiny DER encoder and PEM helpers, to build test certificates field by field and to move between PEM fixtures
 * and DER bytes.
 */

/** Concatenates byte strings. */
export const concat = (...parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

export const bytes = (...values: ReadonlyArray<number>): Uint8Array => Uint8Array.from(values)

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0))

const lengthOf = (length: number): Uint8Array => {
  if (length < 0x80) return bytes(length)
  const digits: Array<number> = []
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) digits.unshift(rest % 256)
  return bytes(0x80 | digits.length, ...digits)
}

/** One DER value with `tag` whose contents are `parts` in order. */
export const tlv = (tag: number, ...parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  const contents = concat(...parts)
  return concat(bytes(tag), lengthOf(contents.length), contents)
}

export const sequence = (...parts: ReadonlyArray<Uint8Array>) => tlv(0x30, ...parts)
export const set = (...parts: ReadonlyArray<Uint8Array>) => tlv(0x31, ...parts)
export const integer = (...values: ReadonlyArray<number>) => tlv(0x02, bytes(...values))
export const boolean = (value: boolean) => tlv(0x01, bytes(value ? 0xff : 0))
export const nullValue = () => tlv(0x05)
export const octetString = (...values: ReadonlyArray<number>) => tlv(0x04, bytes(...values))
/** A BIT STRING of whole bytes. */
export const bitString = (...values: ReadonlyArray<number>) => tlv(0x03, bytes(0, ...values))
export const utf8String = (text: string) => tlv(0x0c, ascii(text))
export const utcTime = (text: string) => tlv(0x17, ascii(text))
export const generalizedTime = (text: string) => tlv(0x18, ascii(text))
/** An OBJECT IDENTIFIER from its encoded contents in hex. */
export const oid = (hex: string) =>
  tlv(
    0x06,
    Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16))
  )
/** `[n] EXPLICIT`. */
export const explicit = (n: number, ...parts: ReadonlyArray<Uint8Array>) => tlv(0xa0 | n, ...parts)

/** The DER of every CERTIFICATE block in a PEM text. */
export const pemToDer = (pem: string): ReadonlyArray<Uint8Array> =>
  [...pem.matchAll(/-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----/g)].map((match) =>
    Uint8Array.from(atob(match[1]!.replace(/\s+/g, "")), (c) => c.charCodeAt(0))
  )

/** One CERTIFICATE block with `der` as its body, in 64-character lines. */
export const derToPem = (der: Uint8Array): string => {
  const base64 = btoa(String.fromCharCode(...der))
  return `-----BEGIN CERTIFICATE-----\n${base64.replace(/(.{64})/g, "$1\n").trimEnd()}\n-----END CERTIFICATE-----\n`
}
