/**
 * A minimal DER reader: just enough to take a PKCS#10 CSR apart (the signed part, the subject names, the
 * public key and the signature) without re-encoding anything, so the bytes checked are the bytes received.
 */
import * as Result from "effect/Result"
/** One TLV: its tag byte and where its header and contents are in the buffer. */
export interface Tlv {
  readonly tag: number
  readonly start: number
  readonly contentStart: number
  readonly end: number
}

export const SEQUENCE = 0x30
export const SET = 0x31
export const INTEGER = 0x02
export const BIT_STRING = 0x03
export const OID = 0x06

/** Reads the TLV at `offset`. Only definite lengths (DER). */
export const read = (bytes: Uint8Array, offset: number): Result.Result<Tlv, string> => {
  const tag = bytes[offset]
  const first = bytes[offset + 1]
  if (tag === undefined || first === undefined) return Result.fail("truncated DER")
  if ((tag & 0x1f) === 0x1f) return Result.fail("multi-byte DER tags are not supported")
  let length = first
  let contentStart = offset + 2
  if (first & 0x80) {
    const count = first & 0x7f
    if (count === 0 || count > 4) return Result.fail("unsupported DER length")
    length = 0
    for (let i = 0; i < count; i++) {
      const b = bytes[offset + 2 + i]
      if (b === undefined) return Result.fail("truncated DER")
      length = length * 256 + b
    }
    contentStart += count
  }
  const end = contentStart + length
  if (end > bytes.length) return Result.fail("truncated DER")
  return Result.succeed({ tag, start: offset, contentStart, end })
}

/** The TLVs inside a constructed TLV, in order. */
export const children = (bytes: Uint8Array, parent: Tlv): Result.Result<ReadonlyArray<Tlv>, string> => {
  const out: Array<Tlv> = []
  let offset = parent.contentStart
  while (offset < parent.end) {
    const child = read(bytes, offset)
    if (Result.isFailure(child)) return Result.fail(child.failure)
    if (child.success.end > parent.end) return Result.fail("DER element overruns its parent")
    out.push(child.success)
    offset = child.success.end
  }
  return Result.succeed(out)
}

/** The whole TLV (header included). */
export const raw = (bytes: Uint8Array, tlv: Tlv): Uint8Array => bytes.slice(tlv.start, tlv.end)

/** The contents only. */
export const contents = (bytes: Uint8Array, tlv: Tlv): Uint8Array => bytes.slice(tlv.contentStart, tlv.end)

/** Dotted form of an OBJECT IDENTIFIER's contents. */
export const oid = (content: Uint8Array): string => {
  const parts: Array<number> = []
  let value = 0
  for (const b of content) {
    value = value * 128 + (b & 0x7f)
    if ((b & 0x80) === 0) {
      if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80)
      else parts.push(value)
      value = 0
    }
  }
  return parts.join(".")
}

/** The text of a directory string (UTF8String, PrintableString, IA5String, T61String, BMPString). */
export const string = (bytes: Uint8Array, tlv: Tlv): string => {
  const content = contents(bytes, tlv)
  if (tlv.tag === 0x1e) {
    let text = ""
    for (let i = 0; i + 1 < content.length; i += 2) text += String.fromCharCode((content[i]! << 8) | content[i + 1]!)
    return text
  }
  return tlv.tag === 0x0c ? new TextDecoder().decode(content) : String.fromCharCode(...content)
}
