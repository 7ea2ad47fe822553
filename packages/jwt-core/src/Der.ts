/**
 * ECDSA signature encodings: the raw `r || s` form of JWS (and of the modem) and the DER `ECDSA-Sig-Value`
 * that X.509, PKCS#10 and `openssl dgst` use.
 *
 * @since 0.1.0
 */
import * as Result from "effect/Result"
import { isScalarAt } from "./internal/curve.ts"
import { ReasonError } from "./internal/error.ts"

/**
 * DER that is not a valid P-256 `ECDSA-Sig-Value`.
 *
 * @since 0.1.0
 * @category errors
 */
export class MalformedSignature extends ReasonError("MalformedSignature") {}

// One unsigned big-endian integer as a DER INTEGER: minimal length, a 0x00 in front when the top bit is set.
const derInteger = (bytes: Uint8Array): Uint8Array => {
  let start = 0
  while (start < bytes.length - 1 && bytes[start] === 0) start++
  const body = bytes.subarray(start)
  const pad = body.length > 0 && body[0]! >= 0x80 ? 1 : 0
  const out = new Uint8Array(2 + pad + body.length)
  out[0] = 0x02
  out[1] = pad + body.length
  out.set(body, 2 + pad)
  return out
}

/**
 * Converts a raw `r || s` signature (64 bytes for P-256; the halves are taken as they are) to DER
 * `SEQUENCE { INTEGER r, INTEGER s }`.
 *
 * @since 0.1.0
 * @category conversions
 */
export const signatureToDer = (raw: Uint8Array): Uint8Array => {
  const half = raw.length >> 1
  const r = derInteger(raw.subarray(0, half))
  const s = derInteger(raw.subarray(half, half * 2))
  const length = r.length + s.length
  // P-256 fits the short length form (at most 70 bytes); long form for anything larger.
  const header = length < 0x80 ? Uint8Array.of(0x30, length) : Uint8Array.of(0x30, 0x81, length)
  const out = new Uint8Array(header.length + length)
  out.set(header)
  out.set(r, header.length)
  out.set(s, header.length + r.length)
  return out
}

// Copies the strict-DER INTEGER at `offset` right-aligned into `out[at, at+32)`; the offset after it, or -1.
const readInteger = (der: Uint8Array, offset: number, out: Uint8Array, at: number): number => {
  if (der[offset] !== 0x02) return -1
  const length = der[offset + 1]!
  const start = offset + 2
  const end = start + length
  if (length === 0 || length > 33 || end > der.length) return -1
  const first = der[start]!
  if (first >= 0x80) return -1 // negative
  let body = start
  if (first === 0) {
    // a leading zero only in front of a byte with its top bit set (minimal encoding)
    if (length === 1 || der[start + 1]! < 0x80) return -1
    body++
  }
  if (end - body > 32) return -1
  out.set(der.subarray(body, end), at + 32 - (end - body))
  return end
}

/**
 * Converts a DER `ECDSA-Sig-Value` to the raw 64-byte `r || s` form. Strict DER (minimal integers, short-form
 * lengths, nothing after the sequence); `r` and `s` must be in `[1, n-1]`. Plain byte code: the native signer
 * runs it for every signature.
 *
 * @since 0.1.0
 * @category conversions
 */
export const signatureFromDer = (der: Uint8Array): Result.Result<Uint8Array, MalformedSignature> => {
  const raw = new Uint8Array(64)
  const valid =
    der.length >= 8 &&
    der[0] === 0x30 &&
    der[1] === der.length - 2 &&
    der[1]! < 0x80 &&
    readInteger(der, readInteger(der, 2, raw, 0), raw, 32) === der.length &&
    isScalarAt(raw, 0) &&
    isScalarAt(raw, 32)
  return valid
    ? Result.succeed(raw)
    : Result.fail(new MalformedSignature({ reason: "the bytes are not a DER ECDSA-Sig-Value for P-256" }))
}
