/**
 * Base64url without padding (RFC 4648 §5), the encoding of every JWS segment, and the standard base64 alphabet
 * that PEM bodies use. Pure JavaScript so it runs the same in every runtime and in a browser.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Result from "effect/Result"
/**
 * Text that is not valid base64url (or base64, for {@link decodeBase64}).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidBase64 extends Data.TaggedError("InvalidBase64")<{ readonly reason: string }> {
  override get message(): string {
    return this.reason
  }
}

const URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
const STD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

const encodeWith = (alphabet: string, bytes: Uint8Array, pad: boolean): string => {
  let out = ""
  const length = bytes.length
  let i = 0
  for (; i + 2 < length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + alphabet[(n >>> 6) & 63]! + alphabet[n & 63]!
  }
  const rest = length - i
  if (rest === 1) {
    const n = bytes[i]! << 16
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + (pad ? "==" : "")
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8)
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + alphabet[(n >>> 6) & 63]! + (pad ? "=" : "")
  }
  return out
}

const makeTable = (alphabet: string): Int16Array => {
  const table = new Int16Array(128).fill(-1)
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i
  return table
}
const URL_TABLE = makeTable(URL_ALPHABET)
const STD_TABLE = makeTable(STD_ALPHABET)

// Strict: every character must be in the alphabet and the unused low bits of the last character must be zero,
// so each byte string has exactly one accepted text form (a flipped padding bit is not a "different" token).
const decodeWith = (table: Int16Array, text: string, what: string): Result.Result<Uint8Array, InvalidBase64> => {
  const length = text.length
  if (length % 4 === 1) return Result.fail(new InvalidBase64({ reason: `${what} has an impossible length` }))
  const out = new Uint8Array(Math.floor((length * 3) / 4))
  let buffer = 0
  let bits = 0
  let o = 0
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i)
    const value = code < 128 ? table[code]! : -1
    if (value < 0)
      return Result.fail(new InvalidBase64({ reason: `${what} contains a character outside its alphabet` }))
    buffer = ((buffer << 6) | value) & 0xffffff
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[o++] = (buffer >>> bits) & 0xff
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) {
    return Result.fail(new InvalidBase64({ reason: `${what} has non-zero trailing bits` }))
  }
  return Result.succeed(out)
}

type NativeEncode = (bytes: Uint8Array) => string

// Every token encodes a few hundred bytes; the runtime's own encoder is several times faster than JavaScript:
// `Uint8Array.prototype.toBase64` (Bun, Deno, browsers, Node ≥ 25), else Node's `Buffer`, else the portable code.
const nativeEncode = ((): NativeEncode | undefined => {
  const proto = Uint8Array.prototype as { toBase64?: (options: object) => string }
  if (typeof proto.toBase64 === "function") {
    const toBase64 = proto.toBase64
    return (bytes) => toBase64.call(bytes, { alphabet: "base64url", omitPadding: true })
  }
  type NodeBuffer = Uint8Array & { toString: (encoding: string, start: number, end: number) => string }
  type BufferLike = {
    allocUnsafe: (size: number) => NodeBuffer
    from: (buffer: ArrayBufferLike, offset: number, length: number) => NodeBuffer
  }
  const buffer = (globalThis as { Buffer?: BufferLike }).Buffer
  if (typeof buffer?.allocUnsafe !== "function") return undefined
  // Token-sized input is copied into one reused Buffer rather than viewed: a view needs `bytes.buffer`, and a
  // small Uint8Array (a signature) lives on the JS heap until that read moves it to a new off-heap allocation,
  // which costs more than the encoding itself. The copy is wiped after use: callers encode key material too.
  const scratch = buffer.allocUnsafe(4096)
  return (bytes) => {
    if (bytes.length > scratch.length)
      return buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url", 0, bytes.length)
    scratch.set(bytes)
    const text = scratch.toString("base64url", 0, bytes.length)
    scratch.fill(0, 0, bytes.length)
    return text
  }
})()

/**
 * Encodes bytes as base64url without `=` padding.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encode = (bytes: Uint8Array): string =>
  nativeEncode === undefined ? encodeWith(URL_ALPHABET, bytes, false) : nativeEncode(bytes)

/**
 * The portable (pure JavaScript) base64url encoder that {@link encode} falls back to.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodePortable = (bytes: Uint8Array): string => encodeWith(URL_ALPHABET, bytes, false)

/**
 * Encodes a string's UTF-8 bytes as base64url without padding.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeString = (text: string): string => encode(new TextEncoder().encode(text))

/**
 * Decodes unpadded base64url. Rejects `=`, characters of the standard alphabet (`+`, `/`), whitespace and
 * non-canonical trailing bits.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode = (text: string): Result.Result<Uint8Array, InvalidBase64> =>
  decodeWith(URL_TABLE, text, "base64url text")

/**
 * Encodes bytes as standard, padded base64 (the alphabet of PEM bodies).
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeBase64 = (bytes: Uint8Array): string => encodeWith(STD_ALPHABET, bytes, true)

/**
 * Decodes standard base64 as found in PEM bodies: whitespace (including CR and LF) is ignored, `=` padding is
 * optional, other characters are rejected.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeBase64 = (text: string): Result.Result<Uint8Array, InvalidBase64> => {
  const compact = text.replace(/\s+/g, "").replace(/={1,2}$/, "")
  return decodeWith(STD_TABLE, compact, "base64 text")
}
