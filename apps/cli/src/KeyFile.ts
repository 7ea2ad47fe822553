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
  const reason =
    fromPrivate.failure._tag === "EncryptedKeyNeedsPassword"
      ? "an encrypted private key; give its public key instead (openssl ec -pubout)"
      : parsed.failure.reason
  return Result.fail(new UsageError({ reason: `${name} is not a P-256 key, certificate or CSR: ${reason}` }))
}
