/**
 * Plain helpers for the PEM checks: finding the blocks of a text and strict base64.
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
