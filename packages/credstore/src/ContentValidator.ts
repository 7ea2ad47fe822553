/**
 * The strict-validation port: a function that accepts or rejects a credential's content before it is stored.
 * The store does not validate by itself; the modem's strict profile plugs a validator in. This module provides
 * the checks that need no key parser (PEM certificates, hex PSKs) and a way to add the P-256 key check for type
 * 2 from outside, so this package never depends on a key library.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { ClientCert, type CredentialType, Psk, RootCaCert } from "./Credential.ts"
import { InvalidContent } from "./CredStoreError.ts"
import { decodeBase64, pemBlocks } from "./internal/pem.ts"
import { checkCertificate } from "./internal/x509.ts"

/**
 * What a validator sees of a write. `secTag` is given for context; a validator's `InvalidContent` may leave it
 * out (the store fills it in). Reasons must never quote the content: it may be a private key.
 *
 * @since 0.1.0
 * @category models
 */
export interface Input {
  readonly secTag?: number
  readonly type: CredentialType
  readonly content: string
  readonly password?: string
}

/**
 * A content check: succeeds to accept, fails with {@link InvalidContent} to reject.
 *
 * @since 0.1.0
 * @category models
 */
export type ContentValidator = (input: Input) => Effect.Effect<void, InvalidContent>

/**
 * Accepts everything (the lenient profile: older firmware stores anything).
 *
 * @since 0.1.0
 * @category validators
 */
export const acceptAll: ContentValidator = () => Effect.void

const reject = (input: Input, reason: string) =>
  Effect.fail(
    new InvalidContent({
      ...(input.secTag === undefined ? {} : { secTag: input.secTag }),
      type: input.type,
      reason
    })
  )

/**
 * Pure check behind {@link pemCertificate}: `undefined` when `content` is one or more PEM `CERTIFICATE` blocks
 * whose bodies are base64 of exactly one DER X.509 v1/v2/v3 certificate, otherwise why not. Text outside the
 * blocks is ignored, as TLS libraries ignore it (CA bundles often carry comments).
 *
 * The certificate is parsed field by field as mbedTLS (the modem's TLS library) parses it: strict DER, the
 * RFC 5280 structure, version, validity times, and the same signature algorithm inside and outside the signed
 * part. Signatures, chains, key contents and extension contents are not checked, as a modem does not check them
 * when it stores a certificate.
 *
 * @since 0.1.0
 * @category checks
 */
export const checkPemCertificate = (content: string): string | undefined => {
  const blocks = pemBlocks(content)
  if (blocks.length === 0) return "no PEM CERTIFICATE block"
  for (const [index, block] of blocks.entries()) {
    const which = blocks.length === 1 ? "the PEM block" : `PEM block ${index + 1}`
    if (block.end === undefined) return `${which} has no END line`
    if (block.begin !== "CERTIFICATE" || block.end !== "CERTIFICATE") return `${which} is not a CERTIFICATE`
    const der = decodeBase64(block.body)
    if (der === undefined) return `${which} body is not valid base64`
    const problem = checkCertificate(der)
    if (problem !== undefined) return `${which} is not an X.509 certificate: ${problem}`
  }
  return undefined
}

/**
 * Pure check behind {@link hexText}: `undefined` when `content` is a non-empty, even number of hex digits.
 *
 * @since 0.1.0
 * @category checks
 */
export const checkHexText = (content: string): string | undefined => {
  if (!/^[0-9A-Fa-f]+$/.test(content)) return "a PSK must be hexadecimal text"
  if (content.length % 2 !== 0) return "a PSK must have an even number of hex digits"
  return undefined
}

/**
 * PEM certificate structure check for types 0 and 1 (see {@link checkPemCertificate}).
 *
 * @since 0.1.0
 * @category validators
 */
export const pemCertificate: ContentValidator = (input) => {
  const problem = checkPemCertificate(input.content)
  return problem === undefined ? Effect.void : reject(input, `invalid certificate: ${problem}`)
}

/**
 * Hex text check for type 3 (PSK) (see {@link checkHexText}).
 *
 * @since 0.1.0
 * @category validators
 */
export const hexText: ContentValidator = (input) => {
  const problem = checkHexText(input.content)
  return problem === undefined ? Effect.void : reject(input, `invalid PSK: ${problem}`)
}

/**
 * Validators by credential type.
 *
 * @since 0.1.0
 * @category models
 */
export type ByType = { readonly [K in CredentialType]?: ContentValidator }

/**
 * The checks this package can make on its own: PEM certificates for types 0 and 1, hex text for type 3.
 *
 * @since 0.1.0
 * @category validators
 */
export const standard: ByType = { [RootCaCert]: pemCertificate, [ClientCert]: pemCertificate, [Psk]: hexText }

/**
 * Dispatches on the credential type to exactly the validators given; other types are accepted.
 *
 * @since 0.1.0
 * @category combinators
 */
export const byType =
  (validators: ByType): ContentValidator =>
  (input) =>
    validators[input.type]?.(input) ?? Effect.void

/**
 * The strict validator: the {@link standard} checks plus (or replaced by) the given ones. The modem supplies the
 * P-256 private key check for type 2 this way:
 *
 * ```ts
 * const validator = ContentValidator.combine({ 2: keyValidator })
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const combine = (validators: ByType = {}): ContentValidator => byType({ ...standard, ...validators })
