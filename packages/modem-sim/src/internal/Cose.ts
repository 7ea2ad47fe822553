/**
 * COSE_Sign1 (RFC 8152) as the nRF91 modem writes it after `%KEYGEN` and `%ATTESTTOKEN`, decoded from real
 * output: tag 18, protected header `{1: -7}` (ES256), unprotected header `{4: h'21'}` (key id -2: the device
 * identity key), the payload, and a 64-byte raw r‖s signature over the `Signature1` structure.
 */
import { encode, Tag } from "cbor2"
import * as Effect from "effect/Effect"

/** `{1: -7}`: alg ES256. */
const protectedHeader = encode(new Map([[1, -7]]))
/** `{4: h'21'}`: kid = CBOR(-2), the device identity key. */
const unprotectedHeader = new Map([[4, new Uint8Array([0x21])]])

/** The bytes the signature covers: `["Signature1", protected, h'', payload]`. */
export const toBeSigned = (payload: Uint8Array): Uint8Array =>
  encode(["Signature1", protectedHeader, new Uint8Array(0), payload])

/**
 * A COSE_Sign1 over `payload`, signed by `sign` (raw r‖s over the given bytes). With `detached`, the payload
 * is left out of the structure (nil), as for the attestation token whose payload travels as the first part
 * of the response.
 */
export const sign1 = <E, R>(
  payload: Uint8Array,
  options: { readonly detached: boolean },
  sign: (message: Uint8Array) => Effect.Effect<Uint8Array, E, R>
): Effect.Effect<Uint8Array, E, R> =>
  Effect.map(sign(toBeSigned(payload)), (signature) =>
    encode(new Tag(18, [protectedHeader, unprotectedHeader, options.detached ? null : payload, signature]))
  )

/** The `%KEYGEN` attestation payload: self-described CBOR `[type, uuid, bstr(cbor(sec_tag)), sha256, nonce]`. */
export const keygenPayload = (input: {
  readonly messageType: 8 | 9
  readonly deviceUuid: Uint8Array
  readonly secTag: number
  readonly digest: Uint8Array
  readonly nonce: Uint8Array
}): Uint8Array =>
  encode(new Tag(55799, [input.messageType, input.deviceUuid, encode(input.secTag), input.digest, input.nonce]))
