/**
 * nRF91 modem-format ES256 JSON Web Tokens: P-256 keys, token bytes, pluggable signers and verification.
 *
 * @since 0.1.0
 */

/**
 * Base64url (JWS segments) and base64 (PEM bodies).
 *
 * @since 0.1.0
 */
export * as Base64Url from "./Base64Url.ts"

/**
 * ECDSA signature encodings: raw `r || s` and DER.
 *
 * @since 0.1.0
 */
export * as Der from "./Der.ts"

/**
 * Modem-format token bytes, signing and decoding.
 *
 * @since 0.1.0
 */
export * as Jwt from "./Jwt.ts"

/**
 * P-256 keys: parse, export, generate, `kid`.
 *
 * @since 0.1.0
 */
export * as Key from "./Key.ts"

/**
 * Pluggable ES256 signers (noble, native).
 *
 * @since 0.1.0
 */
export * as Signer from "./Signer.ts"

/**
 * ES256 verification with claim checks.
 *
 * @since 0.1.0
 */
export * as Verify from "./Verify.ts"
