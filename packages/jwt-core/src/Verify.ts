/**
 * ES256 verification of compact JWS tokens (the modem's, or anyone's), with optional claim checks. Accepts
 * high-S signatures: the modem and other signers do not normalise `s`.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import { curve } from "./internal/curve.ts"
import { ReasonError } from "./internal/error.ts"
import * as Jwt from "./Jwt.ts"
import * as Key from "./Key.ts"

/**
 * The header's `alg` is not `ES256` (including `none`), or the header marks extensions as critical.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnsupportedAlgorithm extends ReasonError("UnsupportedAlgorithm") {}

/**
 * The signature does not verify with the key (or is not 64 bytes).
 *
 * @since 0.1.0
 * @category errors
 */
export class BadSignature extends ReasonError("BadSignature") {}

/**
 * `exp` is at or before `now - clockTolerance`.
 *
 * @since 0.1.0
 * @category errors
 */
export class Expired extends ReasonError("Expired") {}

/**
 * `iat` or `nbf` is after `now + clockTolerance`.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotYetValid extends ReasonError("NotYetValid") {}

/**
 * `aud` is absent or does not contain the expected audience.
 *
 * @since 0.1.0
 * @category errors
 */
export class AudienceMismatch extends ReasonError("AudienceMismatch") {}

/**
 * `sub` is absent or not the expected subject.
 *
 * @since 0.1.0
 * @category errors
 */
export class SubjectMismatch extends ReasonError("SubjectMismatch") {}

/**
 * A registered claim of the wrong type (`exp`, `iat`, `nbf` not numbers; `sub` not a string; `aud` not a string
 * or array of strings).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidClaim extends ReasonError("InvalidClaim") {}

/**
 * Every way verification can fail.
 *
 * @since 0.1.0
 * @category errors
 */
export type VerifyError =
  | Jwt.MalformedToken
  | UnsupportedAlgorithm
  | BadSignature
  | Expired
  | NotYetValid
  | AudienceMismatch
  | SubjectMismatch
  | InvalidClaim
  | Key.KeyError

/**
 * Claim checks. Without `now`, no time-based check is made (the pure function has no clock; see
 * {@link verifyNow}).
 *
 * @since 0.1.0
 * @category models
 */
export interface VerifyOptions {
  /** Current time, UTC epoch seconds. */
  readonly now?: number | undefined
  /** Seconds of clock skew allowed on `exp`, `iat` and `nbf`. Default 0. */
  readonly clockTolerance?: number | undefined
  /** Required audience: `aud` must equal it, or be an array containing it. */
  readonly audience?: string | undefined
  /** Required subject: `sub` must equal it. */
  readonly subject?: string | undefined
}

/**
 * A verified token.
 *
 * @since 0.1.0
 * @category models
 */
export interface Verified {
  readonly header: { readonly [name: string]: unknown }
  readonly claims: { readonly [name: string]: unknown }
}

/**
 * Whether `signature` (64-byte raw `r || s`) is a valid ECDSA P-256 signature over SHA-256(`message`) by `key`.
 * High-S signatures are accepted.
 *
 * @since 0.1.0
 * @category verification
 */
export const verifySignature = (message: Uint8Array, signature: Uint8Array, key: Key.PublicKey): boolean => {
  if (signature.length !== 64) return false
  try {
    return curve.verify(signature, message, key.point, { lowS: false, prehash: true, format: "compact" })
  } catch {
    return false
  }
}

const toPublicKey = (key: Key.PublicKey | string | Uint8Array): Result.Result<Key.PublicKey, Key.KeyError> =>
  typeof key === "string" || key instanceof Uint8Array ? Key.parsePublicKey(key) : Result.succeed(key)

const numericClaim = (
  claims: { readonly [name: string]: unknown },
  name: string
): Result.Result<number | undefined, InvalidClaim> => {
  const value = claims[name]
  if (value === undefined) return Result.succeed(undefined)
  if (typeof value === "number" && Number.isFinite(value)) return Result.succeed(value)
  return Result.fail(new InvalidClaim({ reason: `"${name}" must be a number` }))
}

const checkClaims = (
  claims: { readonly [name: string]: unknown },
  options: VerifyOptions
): Result.Result<void, VerifyError> =>
  Result.gen(function* () {
    const exp = yield* numericClaim(claims, "exp")
    const iat = yield* numericClaim(claims, "iat")
    const nbf = yield* numericClaim(claims, "nbf")
    const now = options.now
    const tolerance = options.clockTolerance ?? 0
    if (now !== undefined) {
      if (exp !== undefined && exp <= now - tolerance) {
        return yield* Result.fail(new Expired({ reason: `the token expired at ${exp}, now is ${now}` }))
      }
      if (iat !== undefined && iat > now + tolerance) {
        return yield* Result.fail(
          new NotYetValid({ reason: `the token is issued at ${iat}, in the future (now ${now})` })
        )
      }
      if (nbf !== undefined && nbf > now + tolerance) {
        return yield* Result.fail(new NotYetValid({ reason: `the token is not valid before ${nbf} (now ${now})` }))
      }
    }
    if (options.subject !== undefined) {
      const sub = claims.sub
      if (sub !== undefined && typeof sub !== "string") {
        return yield* Result.fail(new InvalidClaim({ reason: '"sub" must be a string' }))
      }
      if (sub !== options.subject) {
        return yield* Result.fail(
          new SubjectMismatch({ reason: sub === undefined ? "the token has no subject" : "the subject does not match" })
        )
      }
    }
    if (options.audience !== undefined) {
      const aud = claims.aud
      const list = typeof aud === "string" ? [aud] : Array.isArray(aud) ? aud : aud === undefined ? [] : undefined
      if (list === undefined || list.some((a) => typeof a !== "string")) {
        return yield* Result.fail(new InvalidClaim({ reason: '"aud" must be a string or an array of strings' }))
      }
      if (!list.includes(options.audience)) {
        return yield* Result.fail(
          new AudienceMismatch({
            reason: list.length === 0 ? "the token has no audience" : "the audience does not match"
          })
        )
      }
    }
  })

const encoder = new TextEncoder()

/**
 * Verifies a compact ES256 JWS with a public key (a `PublicKey`, or PEM/DER/JWK/point accepted by
 * `Key.parsePublicKey`), then checks the claims asked for in `options`.
 *
 * @since 0.1.0
 * @category verification
 */
export const verify = (
  token: string,
  key: Key.PublicKey | string | Uint8Array,
  options: VerifyOptions = {}
): Result.Result<Verified, VerifyError> =>
  Result.gen(function* () {
    const publicKey = yield* toPublicKey(key)
    const decoded = yield* Jwt.decode(token)
    const { header, claims, signature } = decoded
    if (header.alg !== "ES256") {
      const alg = typeof header.alg === "string" && header.alg.length <= 16 ? `"${header.alg}"` : "missing"
      return yield* Result.fail(new UnsupportedAlgorithm({ reason: `alg is ${alg}; only "ES256" is supported` }))
    }
    if (header.crit !== undefined) {
      return yield* Result.fail(
        new UnsupportedAlgorithm({ reason: 'critical header extensions ("crit") are not supported' })
      )
    }
    if (signature.length !== 64) {
      return yield* Result.fail(new BadSignature({ reason: `an ES256 signature is 64 bytes, got ${signature.length}` }))
    }
    if (!verifySignature(encoder.encode(decoded.signingInput), signature, publicKey)) {
      return yield* Result.fail(new BadSignature({ reason: "the signature does not verify with the key" }))
    }
    yield* checkClaims(claims, options)
    return { header, claims }
  })

/**
 * {@link verify} with `now` read from Effect's `Clock` (so tests can use `TestClock`).
 *
 * @since 0.1.0
 * @category verification
 */
export const verifyNow = (
  token: string,
  key: Key.PublicKey | string | Uint8Array,
  options: Omit<VerifyOptions, "now"> = {}
): Effect.Effect<Verified, VerifyError> =>
  Effect.flatMap(Clock.currentTimeMillis, (millis) =>
    Effect.fromResult(verify(token, key, { ...options, now: Math.floor(millis / 1000) }))
  )
