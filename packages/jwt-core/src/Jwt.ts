/**
 * Modem-format JSON Web Tokens, byte for byte as an nRF91 modem writes them for `AT%JWT`:
 *
 * - header `{"typ":"JWT","alg":"ES256","kid":"<hex SHA-256 of the SPKI DER>"}`;
 * - payload keys in the order `iss`, `jti`, `iat`, `exp`, `sub`, `aud`, absent claims left out;
 * - each JSON part padded with spaces to a multiple of 3 bytes, so base64url needs no padding;
 * - the signature is the raw 64-byte `r || s`, base64url (86 characters).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Result from "effect/Result"
import * as Base64Url from "./Base64Url.ts"
import { ReasonError } from "./internal/error.ts"
import * as Key from "./Key.ts"
import { type SignError, Signer } from "./Signer.ts"

/**
 * The claims a modem puts in its tokens.
 *
 * @since 0.1.0
 * @category models
 */
export interface Claims {
  /** `<chip>.<device UUID>` */
  readonly iss: string
  /** `<chip>.<modem firmware UUID>.<32 lowercase hex nonce>` */
  readonly jti: string
  /** Issued at, UTC epoch seconds. */
  readonly iat?: number | undefined
  /** Expiry, UTC epoch seconds. */
  readonly exp?: number | undefined
  readonly sub?: string | undefined
  readonly aud?: string | undefined
}

/**
 * The inputs of {@link modemClaims}, as the modem has them when it answers `AT%JWT`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ModemClaimsInput {
  /** `nRF9160`, or the nRF91x1 model without suffix (`nRF9151`). */
  readonly chip: string
  readonly deviceUuid: string
  readonly firmwareUuid: string
  /** 32 lowercase hex characters, fresh per token. */
  readonly nonce: string
  /** Current UTC epoch seconds; absent when the modem has no valid time. */
  readonly now?: number | undefined
  /** `<exp_delta>`: seconds until expiry; absent or 0 means no `iat`/`exp`. */
  readonly expDelta?: number | undefined
  /** `<subject>`; empty or absent leaves `sub` out. */
  readonly subject?: string | undefined
  /** `<audience>`; empty or absent leaves `aud` out. */
  readonly audience?: string | undefined
}

/**
 * The claims of a modem token: `iss` and `jti` always; `iat` and `exp` only when `expDelta > 0` and the modem has
 * a valid time (`now`); `sub`/`aud` only when non-empty.
 *
 * @since 0.1.0
 * @category constructors
 */
export const modemClaims = (input: ModemClaimsInput): Claims => {
  const claims: { -readonly [K in keyof Claims]: Claims[K] } = {
    iss: `${input.chip}.${input.deviceUuid}`,
    jti: `${input.chip}.${input.firmwareUuid}.${input.nonce}`
  }
  if (input.expDelta !== undefined && input.expDelta > 0 && input.now !== undefined) {
    const iat = Math.floor(input.now)
    claims.iat = iat
    claims.exp = iat + Math.floor(input.expDelta)
  }
  if (input.subject !== undefined && input.subject !== "") claims.sub = input.subject
  if (input.audience !== undefined && input.audience !== "") claims.aud = input.audience
  return claims
}

const encoder = new TextEncoder()

const padded = (json: string): Uint8Array => {
  const bytes = encoder.encode(json)
  const rest = bytes.length % 3
  if (rest === 0) return bytes
  const out = new Uint8Array(bytes.length + 3 - rest).fill(0x20)
  out.set(bytes)
  return out
}

/**
 * The header JSON bytes for a `kid`: `{"typ":"JWT","alg":"ES256","kid":"…"}` padded with spaces to a multiple of
 * 3 bytes.
 *
 * @since 0.1.0
 * @category encoding
 */
export const headerBytes = (kid: string): Uint8Array =>
  padded(`{"typ":"JWT","alg":"ES256","kid":${JSON.stringify(kid)}}`)

/**
 * The payload JSON bytes: keys in the order `iss`, `jti`, `iat`, `exp`, `sub`, `aud` (absent ones left out),
 * strings JSON-escaped, padded with spaces to a multiple of 3 bytes.
 *
 * @since 0.1.0
 * @category encoding
 */
export const payloadBytes = (claims: Claims): Uint8Array => padded(payloadJson(claims))

// The characters JSON.stringify escapes in a string: `"`, `\`, controls, and lone surrogates (any surrogate
// here, so pairs take the slow path too).
const needsEscape = /["\\\u0000-\u001f\ud800-\udfff]/

/** `JSON.stringify(value)`, without running the serializer for the usual value that needs no escaping. */
const jsonString = (value: string): string => (needsEscape.test(value) ? JSON.stringify(value) : `"${value}"`)

const payloadJson = (claims: Claims): string => {
  let json = `{"iss":${jsonString(claims.iss)},"jti":${jsonString(claims.jti)}`
  if (claims.iat !== undefined) json += `,"iat":${JSON.stringify(claims.iat)}`
  if (claims.exp !== undefined) json += `,"exp":${JSON.stringify(claims.exp)}`
  if (claims.sub !== undefined) json += `,"sub":${jsonString(claims.sub)}`
  if (claims.aud !== undefined) json += `,"aud":${jsonString(claims.aud)}`
  return `${json}}`
}

// Synchronous signing encodes the payload and the signing input into this one buffer instead of fresh arrays:
// each fresh typed array over 64 bytes is an off-heap allocation that costs more than the encoding around it.
// Safe to reuse because nothing else runs between filling it and the synchronous signer returning.
const scratch = new Uint8Array(4096)

/** The base64url payload segment, encoded in `scratch` (or in fresh bytes when the claims do not fit). */
const payloadSegment = (claims: Claims): string => {
  const json = payloadJson(claims)
  const { read, written } = encoder.encodeInto(json, scratch)
  if (read < json.length || written + 2 > scratch.length) return Base64Url.encode(padded(json))
  let end = written
  while (end % 3 !== 0) scratch[end++] = 0x20
  return Base64Url.encode(scratch.subarray(0, end))
}

/** The ASCII bytes of a signing input, in `scratch` when they fit. */
const scratchBytes = (input: string): Uint8Array =>
  input.length <= scratch.length
    ? scratch.subarray(0, encoder.encodeInto(input, scratch).written)
    : encoder.encode(input)

/**
 * The JWS signing input: `base64url(header) + "." + base64url(payload)`.
 *
 * @since 0.1.0
 * @category encoding
 */
export const signingInput = (header: Uint8Array, payload: Uint8Array): string =>
  `${Base64Url.encode(header)}.${Base64Url.encode(payload)}`

// The encoded header depends only on the key: one SHA-256 of the SPKI per key object, not per token.
const headerSegments = new WeakMap<Key.PublicKey, string>()

/**
 * The base64url header segment for a public key (cached per key object).
 *
 * @since 0.1.0
 * @category encoding
 */
export const headerSegment = (key: Key.PublicKey): string => {
  let segment = headerSegments.get(key)
  if (segment === undefined) {
    segment = Base64Url.encode(headerBytes(Key.kid(key)))
    headerSegments.set(key, segment)
  }
  return segment
}

/**
 * Signs claims as a modem token with the given signer service. With a synchronous signer (one that has
 * `signSync`) the token is made at once and the result is a completed `Exit`, so a hot path can tell it is done
 * without running an Effect; otherwise the signing happens when the effect runs.
 *
 * @since 0.1.0
 * @category signing
 */
export const signNow = (
  claims: Claims,
  key: Key.PrivateKey,
  signer: Signer["Service"]
): Effect.Effect<string, SignError> => {
  const input = `${headerSegment(key.publicKey)}.${payloadSegment(claims)}`
  const token = (signature: Uint8Array) => `${input}.${Base64Url.encode(signature)}`
  // an asynchronous signer holds the message past this call: it gets bytes of its own
  if (signer.signSync === undefined) return Effect.map(signer.sign(key, encoder.encode(input)), token)
  const signature = signer.signSync(key, scratchBytes(input))
  return Result.isSuccess(signature) ? Exit.succeed(token(signature.success)) : Exit.fail(signature.failure)
}

/**
 * Signs claims as a modem token with the `Signer` in context. The `kid` is that of `key.publicKey`.
 *
 * @since 0.1.0
 * @category signing
 */
export const sign = (claims: Claims, key: Key.PrivateKey): Effect.Effect<string, SignError, Signer> =>
  Signer.use((signer) => signNow(claims, key, signer))

/**
 * A compact JWS that cannot be decoded: not three base64url segments, or a header/payload that is not a JSON
 * object.
 *
 * @since 0.1.0
 * @category errors
 */
export class MalformedToken extends ReasonError("MalformedToken") {}

/**
 * A decoded, not yet verified token.
 *
 * @since 0.1.0
 * @category models
 */
export interface Decoded {
  readonly header: { readonly [name: string]: unknown }
  readonly claims: { readonly [name: string]: unknown }
  readonly headerBytes: Uint8Array
  readonly payloadBytes: Uint8Array
  readonly signature: Uint8Array
  /** The exact ASCII the signature covers: the first two segments and the dot between them. */
  readonly signingInput: string
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true })

const jsonObject = (
  bytes: Uint8Array,
  part: string
): Result.Result<{ readonly [name: string]: unknown }, MalformedToken> => {
  try {
    const value: unknown = JSON.parse(strictUtf8.decode(bytes))
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return Result.succeed(value as { readonly [name: string]: unknown })
    }
    return Result.fail(new MalformedToken({ reason: `the ${part} is not a JSON object` }))
  } catch {
    return Result.fail(new MalformedToken({ reason: `the ${part} is not UTF-8 JSON` }))
  }
}

const segment = (text: string, part: string): Result.Result<Uint8Array, MalformedToken> =>
  Result.mapError(Base64Url.decode(text), () => new MalformedToken({ reason: `the ${part} is not base64url` }))

/**
 * Splits and decodes a compact JWS (accepts the modem's `%JWT: "…"` value without the quotes). Checks nothing
 * about the signature or claims: see `Verify.verify`.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode = (token: string): Result.Result<Decoded, MalformedToken> => {
  const parts = token.split(".")
  if (parts.length !== 3) {
    return Result.fail(
      new MalformedToken({ reason: `a compact JWS has 3 dot-separated segments, got ${parts.length}` })
    )
  }
  const [h, p, s] = parts as [string, string, string]
  return Result.gen(function* () {
    const headerBytes = yield* segment(h, "header")
    const payloadBytes = yield* segment(p, "payload")
    const signature = yield* segment(s, "signature")
    const header = yield* jsonObject(headerBytes, "header")
    const claims = yield* jsonObject(payloadBytes, "payload")
    return { header, claims, headerBytes, payloadBytes, signature, signingInput: `${h}.${p}` }
  })
}
