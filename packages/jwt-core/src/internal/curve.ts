/**
 * The P-256 curve from `@noble/curves`, and dedicated signing instances with their own base-point tables.
 */
import { type ECDSA, ecdsa, weierstrass } from "@noble/curves/abstract/weierstrass.js"
import { p256 } from "@noble/curves/nist.js"
import { sha256 } from "@noble/hashes/sha2.js"

/** noble's shared P-256 instance: parsing, public-key derivation and verification. */
export const curve: ECDSA = p256

/** The group order n. */
export const ORDER: bigint = p256.Point.CURVE().n

export const bytesToBigInt = (bytes: Uint8Array): bigint => {
  let n = 0n
  for (const byte of bytes) n = (n << 8n) | BigInt(byte)
  return n
}

export const bigIntToBytes = (n: bigint, length: number): Uint8Array => {
  const out = new Uint8Array(length)
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(n & 0xffn)
    n >>= 8n
  }
  return out
}

const ORDER_BYTES = bigIntToBytes(ORDER, 32)

/**
 * Whether the 32 big-endian bytes at `offset` are a scalar in [1, n-1]. Byte compares, no BigInt: the native
 * signer checks every signature's r and s with it.
 */
export const isScalarAt = (bytes: Uint8Array, offset: number): boolean => {
  let zero = true
  for (let i = 0; i < 32 && zero; i++) zero = bytes[offset + i] === 0
  if (zero) return false
  for (let i = 0; i < 32; i++) {
    const byte = bytes[offset + i]!
    const limit = ORDER_BYTES[i]!
    if (byte !== limit) return byte < limit
  }
  return false // equal to n
}

/** A 32-byte big-endian scalar in [1, n-1]. */
export const isValidScalar = (scalar: Uint8Array): boolean => scalar.length === 32 && isScalarAt(scalar, 0)

/** 65-byte uncompressed public point of a valid scalar. */
export const publicPoint = (scalar: Uint8Array): Uint8Array => p256.getPublicKey(scalar, false)

/**
 * Normalises SEC1 point bytes (compressed or uncompressed) to the 65-byte uncompressed form; `undefined` when
 * the bytes are not a point on the curve.
 */
export const normalisePoint = (bytes: Uint8Array): Uint8Array | undefined => {
  if (
    !(bytes.length === 65 && bytes[0] === 0x04) &&
    !(bytes.length === 33 && (bytes[0] === 0x02 || bytes[0] === 0x03))
  ) {
    return undefined
  }
  try {
    const point = p256.Point.fromBytes(bytes)
    point.assertValidity()
    return point.toBytes(false)
  } catch {
    return undefined
  }
}

// One signing instance per window size. Each owns its Point class, so its base-point table is independent of
// noble's shared `p256` (whose window is left at noble's default) and of other instances.
const signingCurves = new Map<number, { readonly curve: ECDSA; warmed: boolean }>()

/**
 * A P-256 ECDSA instance whose base point uses a precompute window of `window` bits. The table is built on the
 * first signature, or now with `warm`.
 */
export const signingCurve = (window: number): { readonly curve: ECDSA; readonly warm: () => void } => {
  let entry = signingCurves.get(window)
  if (entry === undefined) {
    const Point = weierstrass(p256.Point.CURVE())
    Point.BASE.precompute(window, true)
    entry = { curve: ecdsa(Point, sha256), warmed: false }
    signingCurves.set(window, entry)
  }
  const current = entry
  return {
    curve: current.curve,
    warm: () => {
      if (current.warmed) return
      // Any base-point multiplication builds the (lazy) table once.
      current.curve.Point.BASE.multiply(3n)
      current.warmed = true
    }
  }
}
