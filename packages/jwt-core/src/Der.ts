/**
 * ECDSA signature encodings: the raw `r || s` form of JWS (and of the modem) and the DER `ECDSA-Sig-Value`
 * that X.509, PKCS#10 and `openssl dgst` use.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import { curve } from "./internal/curve.ts"
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

/**
 * Converts a DER `ECDSA-Sig-Value` to the raw 64-byte `r || s` form. Strict DER; `r` and `s` must be in
 * `[1, n-1]`.
 *
 * @since 0.1.0
 * @category conversions
 */
export const signatureFromDer = (der: Uint8Array): Result.Result<Uint8Array, MalformedSignature> => {
  try {
    return Result.succeed(curve.Signature.fromBytes(der, "der").toBytes("compact"))
  } catch {
    return Result.fail(new MalformedSignature({ reason: "the bytes are not a DER ECDSA-Sig-Value for P-256" }))
  }
}
