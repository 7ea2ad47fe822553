/**
 * The key a token or signature is checked with, from a file: a public key (PEM, DER, JWK), a certificate, a
 * CSR (as `keygen --out` writes it) or a private key (its public half is used; the private part is never
 * printed).
 *
 * @since 0.1.0
 */
import { Key } from "@atmodem/jwt-core"
import * as Result from "effect/Result"
import * as Csr from "./Csr.ts"
import { UsageError } from "./Failure.ts"
import * as Pem from "./internal/Pem.ts"

const looksLikeText = (bytes: Uint8Array) =>
  bytes.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f))

/**
 * The public key in `bytes` (a file's content); `name` is the file, for messages.
 *
 * @since 0.1.0
 * @category parsing
 */
export const publicKey = (bytes: Uint8Array, name: string): Result.Result<Key.PublicKey, UsageError> => {
  const text = looksLikeText(bytes) ? new TextDecoder().decode(bytes) : undefined
  const csrDer = text === undefined ? undefined : Pem.read(text, "CERTIFICATE REQUEST")
  if (csrDer !== undefined)
    return Result.mapBoth(Csr.decode(csrDer), {
      onSuccess: (csr) => csr.publicKey,
      onFailure: (error) => new UsageError({ reason: `${name}: ${error.reason}` })
    })
  const parsed = Key.parsePublicKey(text ?? bytes)
  if (Result.isSuccess(parsed)) return Result.succeed(parsed.success)
  const fromPrivate = Key.parsePrivateKey(text ?? bytes)
  if (Result.isSuccess(fromPrivate)) return Result.succeed(fromPrivate.success.publicKey)
  return Result.fail(
    new UsageError({
      reason: `${name} is not a P-256 key, certificate or CSR: ${whyNot(text, bytes, parsed.failure, fromPrivate.failure)}`
    })
  )
}

const PRIVATE_LABEL = /-----BEGIN ((?:EC |ENCRYPTED |DSA |OPENSSH )?PRIVATE KEY)-----/
const RSA_LABEL = /-----BEGIN RSA (?:PRIVATE|PUBLIC) KEY-----/
/** The DER of the rsaEncryption OID, 1.2.840.113549.1.1.1. */
const RSA_OID = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]

const contains = (bytes: Uint8Array, part: ReadonlyArray<number>) =>
  bytes.some((_, at) => part.every((b, i) => bytes[at + i] === b))

/**
 * Why neither parse worked, from the one that read the file as what it is: a private key (PEM label, or DER
 * that only the private key parser recognises) is explained by the private key parser — RSA, P-384, Ed25519 —
 * anything else by the public key parser.
 */
const whyNot = (
  text: string | undefined,
  bytes: Uint8Array,
  asPublic: Key.KeyError,
  asPrivate: Key.KeyError
): string => {
  if (asPrivate._tag === "EncryptedKeyNeedsPassword")
    return "an encrypted private key; give its public key instead (openssl ec -pubout)"
  if (text !== undefined ? RSA_LABEL.test(text) : contains(bytes, RSA_OID))
    return "RSA keys are not supported; ES256 needs a P-256 EC key"
  const privateKey =
    text !== undefined
      ? PRIVATE_LABEL.test(text)
      : asPublic._tag === "MalformedDer" && asPrivate._tag !== "MalformedDer"
  return privateKey ? asPrivate.reason : asPublic.reason
}
