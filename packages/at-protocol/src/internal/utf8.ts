/**
 * UTF-8 helpers. Validation is done by hand so that invalid input becomes a value (an offset) rather than an
 * exception from a fatal `TextDecoder`; it only runs when the lenient decoder produced U+FFFD.
 *
 * @internal
 */

const decoder = new TextDecoder("utf-8")
const encoder = new TextEncoder()

/**
 * Returns the offset of the first byte of the first ill-formed sequence in `bytes[start, end)`, or -1 when the
 * range is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
 */
export const invalidOffset = (bytes: Uint8Array, start: number, end: number): number => {
  let i = start
  while (i < end) {
    const b0 = bytes[i]!
    if (b0 < 0x80) {
      i++
      continue
    }
    let need: number
    let lo = 0x80
    let hi = 0xbf
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      need = 1
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2
      if (b0 === 0xe0) lo = 0xa0
      else if (b0 === 0xed) hi = 0x9f
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3
      if (b0 === 0xf0) lo = 0x90
      else if (b0 === 0xf4) hi = 0x8f
    } else {
      return i
    }
    if (i + need >= end) return i
    const b1 = bytes[i + 1]!
    if (b1 < lo || b1 > hi) return i
    for (let k = 2; k <= need; k++) {
      const b = bytes[i + k]!
      if (b < 0x80 || b > 0xbf) return i
    }
    i += need + 1
  }
  return -1
}

/** Decodes `bytes[start, end)`; ill-formed sequences become U+FFFD. */
export const decode = (bytes: Uint8Array, start: number, end: number): string => {
  // Short ASCII runs are the common case (names, subjects); skip the decoder call for them.
  if (end - start <= 32) {
    let s = ""
    for (let i = start; i < end; i++) {
      const b = bytes[i]!
      if (b >= 0x80) return decoder.decode(bytes.subarray(start, end))
      s += String.fromCharCode(b)
    }
    return s
  }
  return decoder.decode(bytes.subarray(start, end))
}

/** Index of the first lone surrogate in `s`, or -1 when `s` is well-formed UTF-16. */
export const loneSurrogateIndex = (s: string): number => s.search(/[\uD800-\uDFFF]/u)

/** UTF-8 bytes of a well-formed string. */
export const encode = (s: string): Uint8Array => encoder.encode(s)
