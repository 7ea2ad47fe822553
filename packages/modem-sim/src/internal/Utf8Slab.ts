/**
 * UTF-8 encoding into shared slabs: one buffer allocation per 64 KiB of responses instead of one per response
 * (a fresh `ArrayBuffer` per response costs more than the rest of a short command). Each result is a view that
 * is never written again; a view kept alive keeps its slab alive, like Node's `Buffer` pool.
 */
const SLAB = 64 * 1024
/** Strings that could need more than this many bytes get a buffer of their own. */
const LARGE = SLAB / 8

const encoder = new TextEncoder()

export const make = (): ((text: string) => Uint8Array) => {
  let slab = new Uint8Array(SLAB)
  let offset = 0
  return (text) => {
    const most = text.length * 3 // UTF-8 bytes per UTF-16 unit, at most
    if (most > LARGE) return encoder.encode(text)
    if (offset + most > SLAB) {
      slab = new Uint8Array(SLAB)
      offset = 0
    }
    const { written } = encoder.encodeInto(text, slab.subarray(offset))
    const bytes = slab.subarray(offset, offset + written)
    offset += written
    return bytes
  }
}
