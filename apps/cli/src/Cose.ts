/**
 * The CBOR structures that `%KEYGEN` and `%ATTESTTOKEN` return: a COSE_Sign1 (RFC 8152) signed by the device
 * identity key, the key-generation payload and the device identity attestation payload. Decoded with `cbor2`;
 * every field is checked for its type, so a modem that answers something unexpected gets a clear error rather
 * than a crash.
 *
 * @since 0.1.0
 */

import type { Key } from "@atmodem/jwt-core"
import { Verify } from "@atmodem/jwt-core"
import { decode as cborDecode, encode as cborEncode, Tag } from "cbor2"
import * as Data from "effect/Data"
import * as Result from "effect/Result"
import { toUuid } from "./internal/Bytes.ts"

/**
 * The bytes are not the CBOR structure expected.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidCose extends Data.TaggedError("InvalidCose")<{ readonly reason: string }> {
  override get message() {
    return this.reason
  }
}

/**
 * A decoded COSE_Sign1.
 *
 * @since 0.1.0
 * @category models
 */
export interface Sign1 {
  /** The protected header exactly as received (it is part of what is signed). */
  readonly protectedBytes: Uint8Array
  /** `alg` from the protected header (-7 is ES256). */
  readonly alg: number | undefined
  /** `kid` from the unprotected header (the modem sends `h'21'`: the device identity key). */
  readonly kid: Uint8Array | undefined
  /** The payload, or `null` when detached (the attestation token carries it separately). */
  readonly payload: Uint8Array | null
  /** Raw `r || s`. */
  readonly signature: Uint8Array
}

/**
 * The `%KEYGEN` payload: what was generated, for which device and sec_tag, and the digest of the DER part.
 *
 * @since 0.1.0
 * @category models
 */
export interface KeygenPayload {
  /** 9: the DER part is a CSR; 8: it is a public key. */
  readonly messageType: number
  readonly deviceUuid: string
  readonly secTag: number
  /** SHA-256 of the DER part. */
  readonly digest: Uint8Array
  readonly nonce: Uint8Array
}

/**
 * The `%ATTESTTOKEN` payload.
 *
 * @since 0.1.0
 * @category models
 */
export interface AttestationPayload {
  readonly messageType: number
  readonly deviceUuid: string
  readonly deviceType: number
  readonly firmwareUuid: string
  readonly nonce: Uint8Array
}

const fail = (reason: string) => Result.fail(new InvalidCose({ reason }))

const decodeCbor = (bytes: Uint8Array, what: string): Result.Result<unknown, InvalidCose> => {
  try {
    return Result.succeed(cborDecode(bytes))
  } catch (error) {
    return fail(`${what} is not CBOR (${error instanceof Error ? error.message : String(error)})`)
  }
}

const isBytes = (u: unknown): u is Uint8Array => u instanceof Uint8Array
const isInteger = (u: unknown): u is number => typeof u === "number" && Number.isInteger(u)

const bytesOf = (value: unknown, what: string, length?: number): Result.Result<Uint8Array, InvalidCose> =>
  isBytes(value) && (length === undefined || value.length === length)
    ? Result.succeed(value)
    : fail(`${what} is not a ${length === undefined ? "" : `${length}-byte `}byte string`)

const integerOf = (value: unknown, what: string): Result.Result<number, InvalidCose> =>
  isInteger(value) ? Result.succeed(value) : fail(`${what} is not an integer`)

const mapGet = (map: unknown, key: number): unknown => (map instanceof Map ? map.get(key) : undefined)

/**
 * Decodes a COSE_Sign1 (tag 18, or untagged).
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeSign1 = (bytes: Uint8Array): Result.Result<Sign1, InvalidCose> =>
  Result.gen(function* () {
    const value = yield* decodeCbor(bytes, "the COSE_Sign1")
    const array = value instanceof Tag ? (value.tag === 18 ? value.contents : undefined) : value
    if (!Array.isArray(array) || array.length !== 4) return yield* fail("not a COSE_Sign1 (tag 18, 4 elements)")
    const [protectedBytes, unprotected, payload, signature] = array as [unknown, unknown, unknown, unknown]
    const prot = yield* bytesOf(protectedBytes, "the protected header")
    const header = prot.length === 0 ? new Map() : yield* decodeCbor(prot, "the protected header")
    const alg = mapGet(header, 1)
    const kid = mapGet(unprotected, 4)
    if (payload !== null && !isBytes(payload)) return yield* fail("the payload is neither a byte string nor nil")
    return {
      protectedBytes: prot,
      alg: isInteger(alg) ? alg : undefined,
      kid: isBytes(kid) ? kid : undefined,
      payload,
      signature: yield* bytesOf(signature, "the signature", 64)
    }
  })

/**
 * Whether the COSE_Sign1 signature verifies with `key` over `payload` (the detached payload, or its own).
 *
 * @since 0.1.0
 * @category verification
 */
export const verifySign1 = (sign1: Sign1, payload: Uint8Array, key: Key.PublicKey): boolean =>
  Verify.verifySignature(
    cborEncode(["Signature1", sign1.protectedBytes, new Uint8Array(0), payload]),
    sign1.signature,
    key
  )

/**
 * Decodes the `%KEYGEN` payload `[type, device UUID, bstr(cbor(sec_tag)), SHA-256, nonce]`.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeKeygenPayload = (bytes: Uint8Array): Result.Result<KeygenPayload, InvalidCose> =>
  Result.gen(function* () {
    const value = yield* decodeCbor(bytes, "the key generation payload")
    if (!Array.isArray(value) || value.length !== 5) return yield* fail("the key generation payload is not 5 items")
    const [type, uuid, tag, digest, nonce] = value as [unknown, unknown, unknown, unknown, unknown]
    const secTag = yield* decodeCbor(yield* bytesOf(tag, "the sec_tag"), "the sec_tag")
    return {
      messageType: yield* integerOf(type, "the message type"),
      deviceUuid: toUuid(yield* bytesOf(uuid, "the device UUID", 16)),
      secTag: yield* integerOf(secTag, "the sec_tag"),
      digest: yield* bytesOf(digest, "the digest", 32),
      nonce: yield* bytesOf(nonce, "the nonce")
    }
  })

/**
 * Decodes the `%ATTESTTOKEN` payload `[1, device UUID, device type, firmware UUID, nonce]`.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeAttestationPayload = (bytes: Uint8Array): Result.Result<AttestationPayload, InvalidCose> =>
  Result.gen(function* () {
    const value = yield* decodeCbor(bytes, "the attestation payload")
    if (!Array.isArray(value) || value.length !== 5) return yield* fail("the attestation payload is not 5 items")
    const [type, uuid, deviceType, firmware, nonce] = value as [unknown, unknown, unknown, unknown, unknown]
    return {
      messageType: yield* integerOf(type, "the message type"),
      deviceUuid: toUuid(yield* bytesOf(uuid, "the device UUID", 16)),
      deviceType: yield* integerOf(deviceType, "the device type"),
      firmwareUuid: toUuid(yield* bytesOf(firmware, "the firmware UUID", 16)),
      nonce: yield* bytesOf(nonce, "the nonce")
    }
  })

/**
 * The COSE algorithm name (`-7` → `ES256`).
 *
 * @since 0.1.0
 * @category formatting
 */
export const algorithmName = (alg: number | undefined): string =>
  alg === -7 ? "ES256" : alg === undefined ? "none given" : `unknown (${alg})`

/**
 * What a `%KEYGEN` message type means.
 *
 * @since 0.1.0
 * @category formatting
 */
export const keygenMessageName = (type: number): string =>
  type === 9 ? "CSR" : type === 8 ? "public key" : `unknown (${type})`

const deviceTypes: Readonly<Record<number, string>> = {
  1: "nRF9160 SIAA",
  2: "nRF9160 SIBA",
  3: "nRF9160 SICA",
  4: "nRF9161 LACA",
  5: "nRF9131 LACA",
  6: "nRF9151 LACA"
}

/**
 * The device type of an attestation token, by name.
 *
 * @since 0.1.0
 * @category formatting
 */
export const deviceTypeName = (type: number): string => deviceTypes[type] ?? `unknown (${type})`
