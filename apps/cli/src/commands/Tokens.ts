/** Showing and checking JWTs: shared by `jwt`, `decode` and `verify`. */
import { Jwt, Key, Verify } from "@atmodem/jwt-core"
import * as Clock from "effect/Clock"
import { Flag } from "effect/cli"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import { UsageError } from "../Failure.ts"
import * as KeyFile from "../KeyFile.ts"
import { isoTime, readFile } from "./Common.ts"

/** Rows of `name  value`, the names padded to one width. */
export const table = (rows: ReadonlyArray<readonly [string, string]>, indent = ""): string => {
  const width = Math.max(0, ...rows.map(([name]) => name.length))
  return rows.map(([name, value]) => `${indent}${name.padEnd(width)}  ${value}`).join("\n")
}

const valueText = (name: string, value: unknown): string => {
  const text = typeof value === "string" ? value : JSON.stringify(value)
  const time = name === "iat" || name === "exp" || name === "nbf" ? isoTime(value) : undefined
  return time === undefined ? text : `${text} (${time})`
}

/** A decoded token as text: header, claims (times also in ISO form), signature size. */
export const formatDecoded = (decoded: Jwt.Decoded): string =>
  [
    "header",
    table(
      Object.entries(decoded.header).map(([name, value]) => [name, valueText(name, value)] as const),
      "  "
    ),
    "claims",
    table(
      Object.entries(decoded.claims).map(([name, value]) => [name, valueText(name, value)] as const),
      "  "
    ),
    `signature  ${decoded.signature.length} bytes`
  ].join("\n")

/** A decoded token as JSON fields. */
export const decodedJson = (decoded: Jwt.Decoded) => ({
  header: decoded.header,
  claims: decoded.claims,
  signatureBytes: decoded.signature.length
})

/** Decodes a token; a malformed one is a usage error (it came from the command line). */
export const decode = (token: string) =>
  Effect.fromResult(
    Result.mapError(Jwt.decode(token), (error) => new UsageError({ reason: `not a JWT: ${error.reason}` }))
  )

/** Reads the key to verify with from a file. */
export const readKey = (path: string) =>
  Effect.flatMap(readFile(path), (bytes) => Effect.fromResult(KeyFile.publicKey(bytes, path)))

/** The outcome of a verification, for text and JSON. */
export interface Verification {
  readonly valid: boolean
  readonly reason?: string | undefined
  readonly keyKid: string
}

/** Verifies a token with a key at the current time; the result says why it failed rather than failing. */
export const verify = (
  token: string,
  key: Key.PublicKey,
  options: {
    readonly audience?: string | undefined
    readonly subject?: string | undefined
    readonly clockTolerance: number
  }
) =>
  Effect.map(Clock.currentTimeMillis, (millis): Verification => {
    const keyKid = Key.kid(key)
    const result = Verify.verify(token, key, {
      now: Math.floor(millis / 1000),
      clockTolerance: options.clockTolerance,
      audience: options.audience,
      subject: options.subject
    })
    if (Result.isSuccess(result)) return { valid: true, keyKid }
    const decoded = Jwt.decode(token)
    const tokenKid = Result.isSuccess(decoded) ? decoded.success.header.kid : undefined
    const hint =
      result.failure._tag === "BadSignature" && typeof tokenKid === "string" && tokenKid !== keyKid
        ? ` (the token's kid ${tokenKid} is not this key's kid ${keyKid}: it was signed by another key)`
        : ""
    return { valid: false, reason: `${result.failure.reason}${hint}`, keyKid }
  })

/** A verification as text. */
export const formatVerification = (verification: Verification): string =>
  verification.valid
    ? `verified: the signature is valid for the key with kid ${verification.keyKid}, and the claims pass`
    : `NOT VALID: ${verification.reason}`

/** A verification as JSON. */
export const verificationJson = (verification: Verification) => ({
  valid: verification.valid,
  keyKid: verification.keyKid,
  ...(verification.reason === undefined ? {} : { reason: verification.reason })
})

/** `--clock-tolerance`: seconds of skew allowed between the token's clock and this machine's. */
export const DEFAULT_CLOCK_TOLERANCE = 5

export const clockToleranceFlag = Flag.Int("clock-tolerance").pipe(
  Flag.withMetavar("SECONDS"),
  Flag.withDescription(
    `Seconds of clock skew allowed on exp/iat/nbf, 0 or more (default ${DEFAULT_CLOCK_TOLERANCE}: the modem's clock and this machine's differ a little)`
  ),
  Flag.withDefault(DEFAULT_CLOCK_TOLERANCE)
)

/** The most `--clock-tolerance` can be: a day. */
export const MAX_CLOCK_TOLERANCE = 86400

/** Checks `--clock-tolerance`: whole seconds from 0 to a day (a negative one would fail valid tokens). */
export const checkClockTolerance = (seconds: number) =>
  Number.isInteger(seconds) && seconds >= 0 && seconds <= MAX_CLOCK_TOLERANCE
    ? Effect.succeed(seconds)
    : Effect.fail(
        new UsageError({
          reason: `--clock-tolerance ${seconds} is not a number of seconds from 0 to ${MAX_CLOCK_TOLERANCE}`
        })
      )
