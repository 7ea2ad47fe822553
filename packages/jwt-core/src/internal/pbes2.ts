/**
 * PBES2 decryption (RFC 8018 §6.2) for encrypted PKCS#8: PBKDF2 with HMAC-SHA-1/224/256/384/512 and
 * AES-128/192/256-CBC, which is what `openssl pkcs8 -topk8 -v2 aes-256-cbc` (and every current OpenSSL default)
 * writes. PBKDF2 and AES come from `@noble/hashes` and `@noble/ciphers`: audited, synchronous, and the same in
 * every runtime, so key parsing stays a pure function.
 */
import { cbc } from "@noble/ciphers/aes.js"
import { sha1 } from "@noble/hashes/legacy.js"
import { pbkdf2 } from "@noble/hashes/pbkdf2.js"
import { sha224, sha256, sha384, sha512 } from "@noble/hashes/sha2.js"
import type { EncryptedPrivateKeyInfo } from "@peculiar/asn1-pkcs8"
import { OctetString } from "@peculiar/asn1-schema"
import * as Result from "effect/Result"
import { Oid, Pbes2Params, Pbkdf2Params, parseDer } from "./asn1.ts"

/**
 * Above this, a crafted key file could keep a caller busy for a long time (PBKDF2 runs synchronously, and a
 * modem answers within 2 s). OpenSSL writes 2048 by default.
 */
export const MAX_ITERATIONS = 100_000

const prfs = new Map([
  [Oid.hmacWithSHA1, sha1],
  [Oid.hmacWithSHA224, sha224],
  [Oid.hmacWithSHA256, sha256],
  [Oid.hmacWithSHA384, sha384],
  [Oid.hmacWithSHA512, sha512]
])

const cipherKeyLengths = new Map([
  [Oid.aes128Cbc, 16],
  [Oid.aes192Cbc, 24],
  [Oid.aes256Cbc, 32]
])

/** Why decryption could not be attempted or did not produce a plaintext. */
export type Pbes2Failure =
  | { readonly _tag: "Unsupported"; readonly reason: string }
  | { readonly _tag: "Malformed"; readonly reason: string }
  | { readonly _tag: "BadPassword" }

/** The checked parameters of one encrypted key, ready to decrypt. */
export interface Pbes2Scheme {
  readonly decrypt: (password: string) => Result.Result<Uint8Array, Pbes2Failure>
}

const unsupported = (reason: string) => Result.fail<Pbes2Failure>({ _tag: "Unsupported", reason })
const malformed = (reason: string) => Result.fail<Pbes2Failure>({ _tag: "Malformed", reason })

/** Reads and checks the encryption parameters; fails when they are malformed or not supported. */
export const scheme = (info: EncryptedPrivateKeyInfo): Result.Result<Pbes2Scheme, Pbes2Failure> => {
  const algorithm = info.encryptionAlgorithm
  if (algorithm.algorithm !== Oid.pbes2) {
    return unsupported(
      `key encryption ${algorithm.algorithm} is not supported (only PBES2, as written by openssl pkcs8 -topk8 -v2 aes-256-cbc)`
    )
  }
  if (!algorithm.parameters) return malformed("PBES2 parameters are missing")
  const params = parseDer(algorithm.parameters, Pbes2Params)
  if (Result.isFailure(params)) return malformed("PBES2 parameters do not parse")
  const { keyDerivationFunc, encryptionScheme } = params.success
  if (keyDerivationFunc.algorithm !== Oid.pbkdf2) {
    return unsupported(`key derivation ${keyDerivationFunc.algorithm} is not supported (only PBKDF2)`)
  }
  if (!keyDerivationFunc.parameters) return malformed("PBKDF2 parameters are missing")
  const kdf = parseDer(keyDerivationFunc.parameters, Pbkdf2Params)
  if (Result.isFailure(kdf)) return malformed("PBKDF2 parameters do not parse")
  const { salt, iterationCount, keyLength, prf } = kdf.success
  const hash = prfs.get((prf?.algorithm ?? Oid.hmacWithSHA1) as typeof Oid.hmacWithSHA1)
  if (hash === undefined) return unsupported(`PBKDF2 PRF ${prf?.algorithm} is not supported`)
  if (!Number.isSafeInteger(iterationCount) || iterationCount < 1) return malformed("PBKDF2 iteration count is invalid")
  if (iterationCount > MAX_ITERATIONS) {
    return unsupported(`PBKDF2 iteration count ${iterationCount} is above the limit of ${MAX_ITERATIONS}`)
  }
  const aesKeyLength = cipherKeyLengths.get(encryptionScheme.algorithm as typeof Oid.aes128Cbc)
  if (aesKeyLength === undefined) {
    return unsupported(`cipher ${encryptionScheme.algorithm} is not supported (only AES-128/192/256-CBC)`)
  }
  if (keyLength !== undefined && keyLength !== aesKeyLength)
    return malformed("PBKDF2 key length does not fit the cipher")
  const ivDer = encryptionScheme.parameters
  const iv = ivDer ? parseDer(ivDer, OctetString) : Result.fail(undefined)
  if (Result.isFailure(iv) || iv.success.byteLength !== 16) return malformed("AES-CBC IV is missing or not 16 bytes")
  const ivBytes = new Uint8Array(iv.success.buffer)
  const saltBytes = new Uint8Array(salt)
  const ciphertext = new Uint8Array(info.encryptedData.buffer)
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) {
    return malformed("encrypted data is not a whole number of AES blocks")
  }
  return Result.succeed({
    decrypt: (password) => {
      const key = pbkdf2(hash, new TextEncoder().encode(password), saltBytes, {
        c: iterationCount,
        dkLen: aesKeyLength
      })
      try {
        // PKCS#7 padding is checked by the cipher; a wrong password fails here about 255 times in 256.
        return Result.succeed(cbc(key, ivBytes).decrypt(ciphertext))
      } catch {
        return Result.fail<Pbes2Failure>({ _tag: "BadPassword" })
      } finally {
        key.fill(0)
      }
    }
  })
}
