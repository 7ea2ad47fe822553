/**
 * P-256 keys: parsing from every form a modem or a host tool holds them in (PEM PKCS#8, SEC1, encrypted
 * PKCS#8, SPKI, certificates, DER, JWK, raw bytes), export (SPKI, PKCS#8, JWK), generation, and the modem's
 * `kid`.
 *
 * Parsing is pure and returns a `Result` with one error class per failure. A parsed `PrivateKey` keeps its
 * scalar out of reach of `console.log`, `JSON.stringify` and Effect's formatter; {@link scalar} reads it.
 *
 * @since 0.1.0
 */
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex } from "@noble/hashes/utils.js"
import { ECParameters, ECPrivateKey } from "@peculiar/asn1-ecc"
import { EncryptedPrivateKeyInfo, PrivateKeyInfo } from "@peculiar/asn1-pkcs8"
import { OctetString } from "@peculiar/asn1-schema"
import { AlgorithmIdentifier, Certificate, SubjectPublicKeyInfo } from "@peculiar/asn1-x509"
import * as Result from "effect/Result"
import * as Base64Url from "./Base64Url.ts"
import { algorithmName, curveName, Oid, parseDer, toDer } from "./internal/asn1.ts"
import { bigIntToBytes, bytesToBigInt, isValidScalar, normalisePoint, ORDER, publicPoint } from "./internal/curve.ts"
import { ReasonError } from "./internal/error.ts"
import * as Pbes2 from "./internal/pbes2.ts"
import * as Pem from "./internal/pem.ts"
import { scalars } from "./internal/secret.ts"

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

/**
 * Text input that holds no PEM block (and is not a JWK).
 *
 * @since 0.1.0
 * @category errors
 */
export class NotPem extends ReasonError("NotPem") {}

/**
 * A key of another algorithm (RSA, Ed25519, …), or a PEM/JWK of the wrong kind (a certificate or public key
 * where a private key was expected).
 *
 * @since 0.1.0
 * @category errors
 */
export class UnsupportedKeyType extends ReasonError("UnsupportedKeyType") {}

/**
 * An EC key on another curve than P-256 (secp256k1, P-384, explicit parameters, …).
 *
 * @since 0.1.0
 * @category errors
 */
export class WrongCurve extends ReasonError("WrongCurve") {}

/**
 * An encrypted PKCS#8 key given without a password (or with an empty one).
 *
 * @since 0.1.0
 * @category errors
 */
export class EncryptedKeyNeedsPassword extends ReasonError("EncryptedKeyNeedsPassword") {}

/**
 * An encrypted PKCS#8 key that does not decrypt with the given password.
 *
 * @since 0.1.0
 * @category errors
 */
export class WrongPassword extends ReasonError("WrongPassword") {}

/**
 * An encrypted key whose scheme is not supported (PBES1, scrypt, 3DES, legacy `Proc-Type` PEM encryption, an
 * iteration count above the limit).
 *
 * @since 0.1.0
 * @category errors
 */
export class UnsupportedEncryption extends ReasonError("UnsupportedEncryption") {}

/**
 * Bytes (or a PEM body) that are not the expected DER structure: truncated, corrupted, not base64.
 *
 * @since 0.1.0
 * @category errors
 */
export class MalformedDer extends ReasonError("MalformedDer") {}

/**
 * A well-formed encoding of an invalid key: a scalar of zero or not below the group order, a point not on the
 * curve, an embedded public key that does not match the scalar, a JWK with missing or wrong-sized fields.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidKey extends ReasonError("InvalidKey") {}

/**
 * Every way parsing a key can fail.
 *
 * @since 0.1.0
 * @category errors
 */
export type KeyError =
  | NotPem
  | UnsupportedKeyType
  | WrongCurve
  | EncryptedKeyNeedsPassword
  | WrongPassword
  | UnsupportedEncryption
  | MalformedDer
  | InvalidKey

// ---------------------------------------------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------------------------------------------

/**
 * A P-256 public key. Treat `point` as read-only: caches (kid, verification) are keyed on the object.
 *
 * @since 0.1.0
 * @category models
 */
export interface PublicKey {
  readonly _tag: "PublicKey"
  /** The 65-byte uncompressed SEC1 point `04 || x || y`. */
  readonly point: Uint8Array
}

/**
 * A P-256 private key. The 32-byte scalar is not a property: it is held privately and read with
 * {@link scalar}, so logging or serialising a key never shows it.
 *
 * @since 0.1.0
 * @category models
 */
export interface PrivateKey {
  readonly _tag: "PrivateKey"
  readonly publicKey: PublicKey
}

/**
 * A P-256 public key as a JWK (RFC 7518 §6.2.1).
 *
 * @since 0.1.0
 * @category models
 */
export interface PublicJwk {
  readonly kty: "EC"
  readonly crv: "P-256"
  readonly x: string
  readonly y: string
}

/**
 * A P-256 private key as a JWK.
 *
 * @since 0.1.0
 * @category models
 */
export interface PrivateJwk extends PublicJwk {
  readonly d: string
}

/**
 * Options for {@link parsePrivateKey}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ParseOptions {
  /** The password of an `ENCRYPTED PRIVATE KEY` (the `%CMNG` `<passwd>`). Empty means none. */
  readonly password?: string | undefined
}

const REDACTED = "<redacted>"

const PrivateKeyProto = {
  toJSON(this: PrivateKey) {
    return { _tag: "PrivateKey", publicKey: publicJwk(this.publicKey), scalar: REDACTED }
  },
  toString(this: PrivateKey) {
    return `PrivateKey(kid=${kid(this.publicKey)}, scalar=${REDACTED})`
  },
  [Symbol.for("nodejs.util.inspect.custom")](this: PrivateKey) {
    return this.toString()
  }
}

// Only keys made by this module have a scalar; a look-alike object reads as zeros (and signers refuse it).
const scalarOf = (key: PrivateKey): Uint8Array => scalars.get(key) ?? new Uint8Array(32)

const makePublicKey = (point: Uint8Array): PublicKey => Object.freeze({ _tag: "PublicKey" as const, point })

// `scalarBytes` must be a valid scalar (every caller checks).
const makePrivateKey = (scalarBytes: Uint8Array): PrivateKey => {
  const own = Uint8Array.from(scalarBytes)
  const key: PrivateKey = Object.freeze(
    Object.assign(Object.create(PrivateKeyProto) as object, {
      _tag: "PrivateKey" as const,
      publicKey: makePublicKey(publicPoint(own))
    })
  )
  scalars.set(key, own)
  return key
}

/**
 * The 32 raw bytes of a private key's scalar, for signers. Returns a copy.
 *
 * @since 0.1.0
 * @category accessors
 */
export const scalar = (key: PrivateKey): Uint8Array => Uint8Array.from(scalarOf(key))

/**
 * Whether a value is a `PrivateKey` made by this module.
 *
 * @since 0.1.0
 * @category guards
 */
export const isPrivateKey = (u: unknown): u is PrivateKey =>
  typeof u === "object" && u !== null && scalars.has(u as PrivateKey)

/**
 * Whether a value is a `PublicKey` (a tagged 65-byte point).
 *
 * @since 0.1.0
 * @category guards
 */
export const isPublicKey = (u: unknown): u is PublicKey =>
  typeof u === "object" &&
  u !== null &&
  (u as PublicKey)._tag === "PublicKey" &&
  (u as PublicKey).point instanceof Uint8Array &&
  (u as PublicKey).point.length === 65

// ---------------------------------------------------------------------------------------------------------------
// Construction
// ---------------------------------------------------------------------------------------------------------------

/**
 * A private key from its 32-byte big-endian scalar, which must be in `[1, n-1]`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromScalar = (bytes: Uint8Array): Result.Result<PrivateKey, InvalidKey> => {
  if (bytes.length !== 32)
    return Result.fail(new InvalidKey({ reason: `a P-256 scalar is 32 bytes, got ${bytes.length}` }))
  if (!isValidScalar(bytes))
    return Result.fail(new InvalidKey({ reason: "the scalar is zero or not below the group order" }))
  return Result.succeed(makePrivateKey(bytes))
}

/**
 * A public key from SEC1 point bytes: 65 bytes uncompressed or 33 bytes compressed.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromPoint = (bytes: Uint8Array): Result.Result<PublicKey, InvalidKey> => {
  const point = normalisePoint(bytes)
  return point === undefined
    ? Result.fail(new InvalidKey({ reason: "the bytes are not a point on P-256" }))
    : Result.succeed(makePublicKey(point))
}

const REJECTION_ATTEMPTS = 128

/**
 * Generates a new private key from injected randomness (a CSPRNG such as `crypto.getRandomValues`, or a seeded
 * source in tests). Draws 32 bytes until they form a valid scalar; a source that keeps returning invalid scalars
 * (all zeros) falls back to reducing 48 bytes modulo n−1 (FIPS 186-5 A.2.1), so this always returns.
 *
 * @since 0.1.0
 * @category constructors
 */
export const generatePrivateKey = (randomBytes: (length: number) => Uint8Array): PrivateKey => {
  for (let i = 0; i < REJECTION_ATTEMPTS; i++) {
    const candidate = randomBytes(32)
    if (isValidScalar(candidate)) return makePrivateKey(candidate)
  }
  const wide = bytesToBigInt(randomBytes(48))
  return makePrivateKey(bigIntToBytes((wide % (ORDER - 1n)) + 1n, 32))
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------------------------

const PRIVATE_LABELS = new Set(["PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"])

const describeLabel = (label: string): string => {
  switch (label) {
    case "PUBLIC KEY":
      return "a public key (PEM PUBLIC KEY)"
    case "CERTIFICATE":
      return "a certificate (PEM CERTIFICATE)"
    case "RSA PRIVATE KEY":
    case "RSA PUBLIC KEY":
      return "an RSA key"
    case "DSA PRIVATE KEY":
      return "a DSA key"
    case "OPENSSH PRIVATE KEY":
      return "an OpenSSH key (convert it to PKCS#8)"
    case "CERTIFICATE REQUEST":
      return "a certificate request"
    default:
      return `a PEM "${label}" block`
  }
}

const decoder = new TextDecoder("utf-8", { fatal: false })

// Bytes that start (after whitespace) with "-" or "{" are PEM or JWK text.
const looksLikeText = (bytes: Uint8Array): boolean => {
  for (const byte of bytes) {
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) continue
    return byte === 0x2d || byte === 0x7b
  }
  return false
}

const parseJson = (text: string): Result.Result<unknown, InvalidKey> => {
  try {
    return Result.succeed(JSON.parse(text))
  } catch {
    return Result.fail(new InvalidKey({ reason: "the text starts like a JWK but is not valid JSON" }))
  }
}

const pemDer = (block: Pem.PemBlock): Result.Result<Uint8Array, MalformedDer | UnsupportedEncryption> => {
  if (block.headers.has("proc-type") || block.headers.has("dek-info")) {
    return Result.fail(
      new UnsupportedEncryption({
        reason:
          "legacy OpenSSL PEM encryption (Proc-Type/DEK-Info) is not supported; convert the key with openssl pkcs8 -topk8 -v2 aes-256-cbc"
      })
    )
  }
  return Result.mapError(
    Base64Url.decodeBase64(block.body),
    () => new MalformedDer({ reason: `the PEM ${block.label} body is not valid base64` })
  )
}

const checkCurve = (parameters: ArrayBuffer | null | undefined): Result.Result<void, KeyError> => {
  if (!parameters) return Result.fail(new MalformedDer({ reason: "the EC key names no curve" }))
  const parsed = parseDer(parameters, ECParameters)
  if (Result.isFailure(parsed)) return Result.fail(new MalformedDer({ reason: "the EC curve parameters do not parse" }))
  return checkNamedCurve(parsed.success)
}

const checkNamedCurve = (params: ECParameters): Result.Result<void, WrongCurve> => {
  if (params.namedCurve === Oid.prime256v1) return Result.void
  if (params.namedCurve !== undefined) {
    return Result.fail(
      new WrongCurve({ reason: `the key is on ${curveName(params.namedCurve)}; only P-256 (prime256v1) is supported` })
    )
  }
  return Result.fail(
    new WrongCurve({
      reason: "explicit or implicit curve parameters are not supported; use the named curve prime256v1"
    })
  )
}

const fromEcPrivateKey = (ec: ECPrivateKey): Result.Result<PrivateKey, KeyError> => {
  if (ec.version !== 1)
    return Result.fail(new MalformedDer({ reason: `SEC1 ECPrivateKey version ${ec.version} is not 1` }))
  if (ec.parameters !== undefined) {
    const curve = checkNamedCurve(ec.parameters)
    if (Result.isFailure(curve)) return Result.fail(curve.failure)
  }
  const raw = new Uint8Array(ec.privateKey.buffer)
  if (raw.length > 32)
    return Result.fail(new InvalidKey({ reason: `the private scalar is ${raw.length} bytes, over 32` }))
  // Some encoders drop leading zero bytes; RFC 5915 asks for exactly 32.
  const padded = new Uint8Array(32)
  padded.set(raw, 32 - raw.length)
  const key = fromScalar(padded)
  padded.fill(0)
  if (Result.isFailure(key)) return key
  if (ec.publicKey !== undefined) {
    const embedded = normalisePoint(new Uint8Array(ec.publicKey))
    if (embedded === undefined || !bytesEqual(embedded, key.success.publicKey.point)) {
      return Result.fail(new InvalidKey({ reason: "the embedded public key does not match the private scalar" }))
    }
  }
  return key
}

const fromSec1Der = (der: Uint8Array): Result.Result<PrivateKey, KeyError> => {
  const parsed = parseDer(der, ECPrivateKey)
  if (Result.isFailure(parsed)) {
    return Result.fail(new MalformedDer({ reason: "the bytes are not a SEC1 ECPrivateKey (truncated or corrupted?)" }))
  }
  return fromEcPrivateKey(parsed.success)
}

/** The algorithm of a PKCS#8 or SPKI structure must be an EC key on P-256. */
const checkEcP256 = (algorithm: {
  readonly algorithm: string
  readonly parameters?: ArrayBuffer | null | undefined
}): Result.Result<void, KeyError> => {
  if (algorithm.algorithm !== Oid.ecPublicKey) {
    return Result.fail(
      new UnsupportedKeyType({
        reason: `${algorithmName(algorithm.algorithm)} keys are not supported; ES256 needs a P-256 EC key`
      })
    )
  }
  return checkCurve(algorithm.parameters)
}

const fromPrivateKeyInfo = (info: PrivateKeyInfo): Result.Result<PrivateKey, KeyError> => {
  const algorithm = info.privateKeyAlgorithm
  const checked = checkEcP256(algorithm)
  if (Result.isFailure(checked)) return Result.fail(checked.failure)
  const inner = parseDer(info.privateKey.buffer, ECPrivateKey)
  if (Result.isFailure(inner)) {
    return Result.fail(new MalformedDer({ reason: "the PKCS#8 private key field is not a SEC1 ECPrivateKey" }))
  }
  return fromEcPrivateKey(inner.success)
}

const fromPkcs8Der = (der: Uint8Array): Result.Result<PrivateKey, KeyError> => {
  const parsed = parseDer(der, PrivateKeyInfo)
  if (Result.isFailure(parsed)) {
    return Result.fail(
      new MalformedDer({ reason: "the bytes are not a PKCS#8 PrivateKeyInfo (truncated or corrupted?)" })
    )
  }
  return fromPrivateKeyInfo(parsed.success)
}

const fromEncryptedInfo = (
  info: EncryptedPrivateKeyInfo,
  password: string | undefined
): Result.Result<PrivateKey, KeyError> => {
  const scheme = Pbes2.scheme(info)
  if (Result.isFailure(scheme)) {
    const failure = scheme.failure
    return Result.fail(
      failure._tag === "Unsupported"
        ? new UnsupportedEncryption({ reason: failure.reason })
        : new MalformedDer({ reason: failure._tag === "Malformed" ? failure.reason : "bad encryption parameters" })
    )
  }
  if (password === undefined || password === "") {
    return Result.fail(new EncryptedKeyNeedsPassword({ reason: "the key is encrypted and no password was given" }))
  }
  const plain = scheme.success.decrypt(password)
  const wrong = new WrongPassword({ reason: "the key does not decrypt with the given password" })
  if (Result.isFailure(plain)) return Result.fail(wrong)
  const info2 = parseDer(plain.success, PrivateKeyInfo)
  plain.success.fill(0)
  // A wrong key passes the padding check about once in 256 tries; the plaintext then is not DER.
  if (Result.isFailure(info2)) return Result.fail(wrong)
  return fromPrivateKeyInfo(info2.success)
}

const fromEncryptedDer = (der: Uint8Array, password: string | undefined): Result.Result<PrivateKey, KeyError> => {
  const parsed = parseDer(der, EncryptedPrivateKeyInfo)
  if (Result.isFailure(parsed)) {
    return Result.fail(
      new MalformedDer({ reason: "the bytes are not an EncryptedPrivateKeyInfo (truncated or corrupted?)" })
    )
  }
  return fromEncryptedInfo(parsed.success, password)
}

const fromPrivateDer = (der: Uint8Array, password: string | undefined): Result.Result<PrivateKey, KeyError> => {
  const pkcs8 = parseDer(der, PrivateKeyInfo)
  if (Result.isSuccess(pkcs8)) return fromPrivateKeyInfo(pkcs8.success)
  const sec1 = parseDer(der, ECPrivateKey)
  if (Result.isSuccess(sec1)) return fromEcPrivateKey(sec1.success)
  const encrypted = parseDer(der, EncryptedPrivateKeyInfo)
  if (Result.isSuccess(encrypted)) return fromEncryptedInfo(encrypted.success, password)
  if (Result.isSuccess(parseDer(der, SubjectPublicKeyInfo))) {
    return Result.fail(new UnsupportedKeyType({ reason: "the DER is a public key (SPKI), not a private key" }))
  }
  return Result.fail(
    new MalformedDer({ reason: "the bytes are not PKCS#8, SEC1 or encrypted PKCS#8 DER (truncated or corrupted?)" })
  )
}

const fromPrivateText = (text: string, password: string | undefined): Result.Result<PrivateKey, KeyError> => {
  if (text.trimStart().startsWith("{")) return Result.flatMap(parseJson(text), parsePrivateJwk)
  const found = Pem.blocks(text)
  if (found.length === 0) {
    return Result.fail(
      new NotPem({
        reason: Pem.looksLikePem(text)
          ? "the PEM block has no matching END line"
          : "the text is neither PEM (-----BEGIN PRIVATE KEY-----, EC PRIVATE KEY, ENCRYPTED PRIVATE KEY) nor a JWK"
      })
    )
  }
  // `openssl ecparam -genkey` writes an EC PARAMETERS block first: the key block is the one that matters.
  const block = found.find((b) => PRIVATE_LABELS.has(b.label))
  if (block === undefined) {
    const other = found.find((b) => b.label !== "EC PARAMETERS") ?? found[0]!
    return Result.fail(new UnsupportedKeyType({ reason: `expected a private key, got ${describeLabel(other.label)}` }))
  }
  return Result.flatMap(pemDer(block), (der): Result.Result<PrivateKey, KeyError> => {
    switch (block.label) {
      case "PRIVATE KEY":
        return fromPkcs8Der(der)
      case "EC PRIVATE KEY":
        return fromSec1Der(der)
      default:
        return fromEncryptedDer(der, password)
    }
  })
}

/**
 * Parses a P-256 private key from any form it is commonly kept in, detecting the form:
 * - PEM `PRIVATE KEY` (PKCS#8), `EC PRIVATE KEY` (SEC1, with or without a leading `EC PARAMETERS` block) and
 *   `ENCRYPTED PRIVATE KEY` (PBES2: PBKDF2 with HMAC-SHA-1/224/256/384/512, AES-128/192/256-CBC), with LF or CRLF
 *   line ends and any surrounding text;
 * - DER of those three structures;
 * - exactly 32 bytes: the raw scalar;
 * - a JWK as JSON text (or UTF-8 bytes of it).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parsePrivateKey = (
  input: string | Uint8Array,
  options?: ParseOptions
): Result.Result<PrivateKey, KeyError> => {
  const password = options?.password
  if (typeof input === "string") return fromPrivateText(input, password)
  if (input.length === 32) return fromScalar(input)
  if (looksLikeText(input)) return fromPrivateText(decoder.decode(input), password)
  if (input[0] === 0x30) return fromPrivateDer(input, password)
  return Result.fail(
    new MalformedDer({ reason: "expected PEM, DER (starting with a SEQUENCE), a JWK or a 32-byte scalar" })
  )
}

const fromSpkiInfo = (info: SubjectPublicKeyInfo): Result.Result<PublicKey, KeyError> => {
  const algorithm = info.algorithm
  const checked = checkEcP256(algorithm)
  if (Result.isFailure(checked)) return Result.fail(checked.failure)
  return fromPoint(new Uint8Array(info.subjectPublicKey))
}

const fromSpkiDer = (der: Uint8Array): Result.Result<PublicKey, KeyError> => {
  const parsed = parseDer(der, SubjectPublicKeyInfo)
  if (Result.isFailure(parsed)) {
    return Result.fail(
      new MalformedDer({ reason: "the bytes are not a SubjectPublicKeyInfo (truncated or corrupted?)" })
    )
  }
  return fromSpkiInfo(parsed.success)
}

const fromCertificateDer = (der: Uint8Array): Result.Result<PublicKey, KeyError> => {
  const parsed = parseDer(der, Certificate)
  if (Result.isFailure(parsed)) {
    return Result.fail(new MalformedDer({ reason: "the bytes are not an X.509 certificate (truncated or corrupted?)" }))
  }
  return fromSpkiInfo(parsed.success.tbsCertificate.subjectPublicKeyInfo)
}

const fromPublicText = (text: string): Result.Result<PublicKey, KeyError> => {
  if (text.trimStart().startsWith("{")) return Result.flatMap(parseJson(text), parsePublicJwk)
  const found = Pem.blocks(text)
  if (found.length === 0) {
    return Result.fail(
      new NotPem({
        reason: Pem.looksLikePem(text)
          ? "the PEM block has no matching END line"
          : "the text is neither PEM (-----BEGIN PUBLIC KEY----- or CERTIFICATE) nor a JWK"
      })
    )
  }
  const block = found.find((b) => b.label === "PUBLIC KEY" || b.label === "CERTIFICATE")
  if (block === undefined) {
    const other = found.find((b) => b.label !== "EC PARAMETERS") ?? found[0]!
    const what = PRIVATE_LABELS.has(other.label) ? "a private key" : describeLabel(other.label)
    return Result.fail(new UnsupportedKeyType({ reason: `expected a public key or certificate, got ${what}` }))
  }
  return Result.flatMap(pemDer(block), (der) =>
    block.label === "PUBLIC KEY" ? fromSpkiDer(der) : fromCertificateDer(der)
  )
}

/**
 * Parses a P-256 public key: PEM `PUBLIC KEY` (SPKI) or `CERTIFICATE` (its subject key), DER of either, a JWK
 * (JSON text or bytes), or a raw SEC1 point (65 bytes uncompressed, 33 compressed).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parsePublicKey = (input: string | Uint8Array): Result.Result<PublicKey, KeyError> => {
  if (typeof input === "string") return fromPublicText(input)
  if ((input.length === 65 && input[0] === 0x04) || (input.length === 33 && (input[0] === 0x02 || input[0] === 0x03))) {
    return fromPoint(input)
  }
  if (looksLikeText(input)) return fromPublicText(decoder.decode(input))
  if (input[0] === 0x30) {
    const spki = fromSpkiDer(input)
    if (Result.isSuccess(spki) || spki.failure._tag !== "MalformedDer") return spki
    const certificate = parseDer(input, Certificate)
    if (Result.isSuccess(certificate)) return fromSpkiInfo(certificate.success.tbsCertificate.subjectPublicKeyInfo)
    return spki
  }
  return Result.fail(new MalformedDer({ reason: "expected PEM, SPKI DER, a JWK or a SEC1 point" }))
}

const jwkObject = (jwk: unknown): Result.Result<Record<string, unknown>, KeyError> => {
  if (typeof jwk === "string") return Result.flatMap(parseJson(jwk), jwkObject)
  if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk)) {
    return Result.fail(new InvalidKey({ reason: "a JWK must be a JSON object" }))
  }
  const record = jwk as Record<string, unknown>
  if (record.kty !== "EC") {
    const kty = typeof record.kty === "string" && record.kty.length <= 16 ? `"${record.kty}"` : "missing"
    return Result.fail(new UnsupportedKeyType({ reason: `JWK kty is ${kty}; ES256 needs kty "EC"` }))
  }
  if (record.crv !== "P-256") {
    const crv = typeof record.crv === "string" && record.crv.length <= 16 ? `"${record.crv}"` : "missing"
    return Result.fail(new WrongCurve({ reason: `JWK crv is ${crv}; only "P-256" is supported` }))
  }
  return Result.succeed(record)
}

const jwkCoordinate = (record: Record<string, unknown>, name: string): Result.Result<Uint8Array, InvalidKey> => {
  const value = record[name]
  const bytes = typeof value === "string" ? Base64Url.decode(value) : undefined
  if (bytes === undefined || Result.isFailure(bytes) || bytes.success.length !== 32) {
    return Result.fail(new InvalidKey({ reason: `JWK "${name}" must be 32 bytes of base64url` }))
  }
  return Result.succeed(bytes.success)
}

const jwkPoint = (record: Record<string, unknown>): Result.Result<PublicKey, InvalidKey> =>
  Result.flatMap(jwkCoordinate(record, "x"), (x) =>
    Result.flatMap(jwkCoordinate(record, "y"), (y) => {
      const point = new Uint8Array(65)
      point[0] = 0x04
      point.set(x, 1)
      point.set(y, 33)
      return fromPoint(point)
    })
  )

/**
 * Parses a P-256 private JWK (`kty` `EC`, `crv` `P-256`, `d`, and `x`/`y` which must match `d` when present),
 * given as an object or JSON text.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parsePrivateJwk = (jwk: unknown): Result.Result<PrivateKey, KeyError> =>
  Result.flatMap(jwkObject(jwk), (record): Result.Result<PrivateKey, KeyError> => {
    if (record.d === undefined) {
      return Result.fail(
        new UnsupportedKeyType({ reason: 'the JWK has no "d": it is a public key, not a private key' })
      )
    }
    const d = jwkCoordinate(record, "d")
    if (Result.isFailure(d)) return Result.fail(d.failure)
    const key = fromScalar(d.success)
    d.success.fill(0)
    if (Result.isFailure(key) || (record.x === undefined && record.y === undefined)) return key
    const stated = jwkPoint(record)
    if (Result.isFailure(stated)) return Result.fail(stated.failure)
    if (!equals(stated.success, key.success.publicKey)) {
      return Result.fail(new InvalidKey({ reason: 'JWK "x"/"y" do not match "d"' }))
    }
    return key
  })

/**
 * Parses a P-256 public JWK (`kty` `EC`, `crv` `P-256`, `x`, `y`), given as an object or JSON text. A private
 * JWK is accepted too; its public part is returned.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parsePublicJwk = (jwk: unknown): Result.Result<PublicKey, KeyError> =>
  Result.flatMap(jwkObject(jwk), jwkPoint)

// ---------------------------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------------------------

const p256Parameters = (): ArrayBuffer => toDer(new ECParameters({ namedCurve: Oid.prime256v1 })).buffer as ArrayBuffer

const ecAlgorithm = (): AlgorithmIdentifier =>
  new AlgorithmIdentifier({ algorithm: Oid.ecPublicKey, parameters: p256Parameters() })

const spkiCache = new WeakMap<PublicKey, Uint8Array>()

const spkiOf = (key: PublicKey): Uint8Array => {
  let der = spkiCache.get(key)
  if (der === undefined) {
    der = toDer(new SubjectPublicKeyInfo({ algorithm: ecAlgorithm(), subjectPublicKey: key.point.slice().buffer }))
    spkiCache.set(key, der)
  }
  return der
}

/**
 * The DER SubjectPublicKeyInfo of a public key (91 bytes).
 *
 * @since 0.1.0
 * @category export
 */
export const spkiDer = (key: PublicKey): Uint8Array => spkiOf(key).slice()

/**
 * The PEM `PUBLIC KEY` of a public key, 64-character lines, LF line ends, ending in a newline.
 *
 * @since 0.1.0
 * @category export
 */
export const spkiPem = (key: PublicKey): string => Pem.write("PUBLIC KEY", spkiOf(key))

/**
 * The JWK of a public key.
 *
 * @since 0.1.0
 * @category export
 */
export const publicJwk = (key: PublicKey): PublicJwk => ({
  kty: "EC",
  crv: "P-256",
  x: Base64Url.encode(key.point.subarray(1, 33)),
  y: Base64Url.encode(key.point.subarray(33, 65))
})

/**
 * The JWK of a private key (contains the scalar as `d`: handle it as a secret).
 *
 * @since 0.1.0
 * @category export
 */
export const privateJwk = (key: PrivateKey): PrivateJwk => ({
  ...publicJwk(key.publicKey),
  d: Base64Url.encode(scalarOf(key))
})

/**
 * The DER PKCS#8 PrivateKeyInfo of a private key, laid out as OpenSSL writes it (the inner SEC1 key carries the
 * public key and no curve parameters).
 *
 * @since 0.1.0
 * @category export
 */
export const pkcs8Der = (key: PrivateKey): Uint8Array => {
  const inner = new ECPrivateKey({
    version: 1,
    privateKey: new OctetString(scalarOf(key)),
    publicKey: key.publicKey.point.slice().buffer
  })
  return toDer(
    new PrivateKeyInfo({ version: 0, privateKeyAlgorithm: ecAlgorithm(), privateKey: new OctetString(toDer(inner)) })
  )
}

/**
 * The PEM `PRIVATE KEY` (PKCS#8) of a private key: 64-character lines, LF line ends, ending in a newline.
 *
 * @since 0.1.0
 * @category export
 */
export const pkcs8Pem = (key: PrivateKey): string => Pem.write("PRIVATE KEY", pkcs8Der(key))

/**
 * The DER SEC1 ECPrivateKey of a private key (with curve parameters and public key, as `openssl ec` writes it).
 *
 * @since 0.1.0
 * @category export
 */
export const sec1Der = (key: PrivateKey): Uint8Array =>
  toDer(
    new ECPrivateKey({
      version: 1,
      privateKey: new OctetString(scalarOf(key)),
      parameters: new ECParameters({ namedCurve: Oid.prime256v1 }),
      publicKey: key.publicKey.point.slice().buffer
    })
  )

/**
 * The PEM `EC PRIVATE KEY` (SEC1) of a private key.
 *
 * @since 0.1.0
 * @category export
 */
export const sec1Pem = (key: PrivateKey): string => Pem.write("EC PRIVATE KEY", sec1Der(key))

const kidCache = new WeakMap<PublicKey, string>()

/**
 * The modem's key id: lowercase hex SHA-256 of the DER SubjectPublicKeyInfo. Computed once per key object.
 *
 * @since 0.1.0
 * @category export
 */
export const kid = (key: PublicKey): string => {
  let id = kidCache.get(key)
  if (id === undefined) {
    id = bytesToHex(sha256(spkiOf(key)))
    kidCache.set(key, id)
  }
  return id
}

const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}

/**
 * Whether two public keys are the same point.
 *
 * @since 0.1.0
 * @category comparisons
 */
export const equals = (a: PublicKey, b: PublicKey): boolean => bytesEqual(a.point, b.point)
