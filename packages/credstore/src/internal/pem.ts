/**
 * Plain helpers for the PEM structure checks: strict base64 and the outer DER header.
 *
 * @internal
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
const VALUES: ReadonlyMap<string, number> = new Map([...ALPHABET].map((c, i) => [c, i]))

/** Decodes standard, padded base64 (whitespace already removed); `undefined` when it is not valid base64. */
export const decodeBase64 = (text: string): Uint8Array | undefined => {
  if (text.length === 0 || text.length % 4 !== 0) return undefined
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0
  const out = new Uint8Array((text.length / 4) * 3 - padding)
  let o = 0
  for (let i = 0; i < text.length; i += 4) {
    let quad = 0
    for (let j = 0; j < 4; j++) {
      const c = text[i + j]!
      const isPad = c === "=" && i + 4 === text.length && j >= 4 - padding
      const v = isPad ? 0 : VALUES.get(c)
      if (v === undefined) return undefined
      quad = (quad << 6) | v
    }
    const bytes = [(quad >> 16) & 0xff, (quad >> 8) & 0xff, quad & 0xff]
    for (const b of bytes) if (o < out.length) out[o++] = b
  }
  return out
}

/**
 * Whether `der` is exactly one DER SEQUENCE: tag 0x30 and a definite length that covers the rest of the bytes.
 */
export const isDerSequence = (der: Uint8Array): boolean => {
  if (der.length < 2 || der[0] !== 0x30) return false
  const first = der[1]!
  if (first < 0x80) return 2 + first === der.length
  const count = first & 0x7f
  // 0x80 is the indefinite form (not DER); more than 4 length bytes is not a real certificate.
  if (count === 0 || count > 4 || der.length < 2 + count) return false
  let length = 0
  for (let i = 0; i < count; i++) length = length * 256 + der[2 + i]!
  return 2 + count + length === der.length
}

/** One `-----BEGIN X-----` … `-----END Y-----` block found in a text. */
export interface PemBlock {
  readonly begin: string
  readonly end: string | undefined
  readonly body: string
}

const BEGIN = /-----BEGIN ([^-\r\n]*)-----/.source
const END = /-----END ([^-\r\n]*)-----/

/** Finds the PEM blocks of a text, in order; a block without an END marker has `end: undefined`. */
export const pemBlocks = (text: string): ReadonlyArray<PemBlock> => {
  const blocks: Array<PemBlock> = []
  const begin = new RegExp(BEGIN, "g")
  for (let match = begin.exec(text); match !== null; match = begin.exec(text)) {
    const rest = text.slice(begin.lastIndex)
    const end = END.exec(rest)
    const nextBegin = rest.indexOf("-----BEGIN ")
    if (end === null || (nextBegin !== -1 && nextBegin < end.index)) {
      blocks.push({ begin: match[1]!, end: undefined, body: "" })
      continue
    }
    blocks.push({ begin: match[1]!, end: end[1]!, body: rest.slice(0, end.index).replace(/\s+/g, "") })
    begin.lastIndex += end.index + end[0].length
  }
  return blocks
}
