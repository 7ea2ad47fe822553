/**
 * The vocabulary of the modem's credential storage (`%CMNG`): security tags, the twelve credential types, and
 * the SHA-256 digest the modem lists for every stored credential.
 *
 * @since 0.1.0
 */
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js"

/**
 * A credential type number as the modem knows it (0..11).
 *
 * @since 0.1.0
 * @category models
 */
export type CredentialType = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11

/** @since 0.1.0 @category constants */
export const RootCaCert = 0 as const
/** @since 0.1.0 @category constants */
export const ClientCert = 1 as const
/** @since 0.1.0 @category constants */
export const ClientPrivateKey = 2 as const
/** Pre-shared key, stored as hexadecimal text. @since 0.1.0 @category constants */
export const Psk = 3 as const
/** @since 0.1.0 @category constants */
export const PskIdentity = 4 as const
/** @since 0.1.0 @category constants */
export const PublicKey = 5 as const
/** @since 0.1.0 @category constants */
export const DeviceIdentityPublicKey = 6 as const
/** @since 0.1.0 @category constants */
export const Reserved = 7 as const
/** @since 0.1.0 @category constants */
export const EndorsementPrivateKey = 8 as const
/** @since 0.1.0 @category constants */
export const OwnershipKey = 9 as const
/** @since 0.1.0 @category constants */
export const NordicIdentityRootCa = 10 as const
/** @since 0.1.0 @category constants */
export const NordicBasePublicKey = 11 as const

/**
 * The highest security tag a user may write, read or delete. Tags above it belong to the modem.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_USER_SEC_TAG = 2147483647

/**
 * The highest security tag at all (an unsigned 32-bit number); modem-owned tags live in
 * `MAX_USER_SEC_TAG + 1 .. MAX_SEC_TAG`.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_SEC_TAG = 4294967295

/**
 * A stored credential as the list operation shows it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Entry {
  readonly secTag: number
  readonly type: CredentialType
  /** Uppercase hex SHA-256 of the exact content bytes (UTF-8), line endings included. */
  readonly sha256: string
}

/**
 * A stored credential with its content, as the read operation returns it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Credential extends Entry {
  readonly content: string
}

/**
 * What the modem itself may use of a credential (for example a type 2 key to sign a token): the content and
 * the PKCS#8 password it was written with, if any.
 *
 * @since 0.1.0
 * @category models
 */
export interface Secret {
  readonly content: string
  readonly password?: string
}

/**
 * Whether `n` is one of the twelve credential type numbers.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isCredentialType = (n: number): n is CredentialType => Number.isInteger(n) && n >= 0 && n <= 11

/**
 * Whether `n` is a security tag at all (an integer in `0..MAX_SEC_TAG`), user or modem-owned.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isSecTag = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= MAX_SEC_TAG

/**
 * Whether a security tag belongs to the modem (above `MAX_USER_SEC_TAG`).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isModemOwnedSecTag = (secTag: number): boolean => secTag > MAX_USER_SEC_TAG

/**
 * Whether users may write and delete credentials of this type (0..5); 6..11 belong to the modem.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isUserWritableType = (type: CredentialType): boolean => type <= PublicKey

/**
 * Whether the read operation may return credentials of this type: root CA certificate, client certificate and
 * PSK identity. Private keys and PSKs are never readable.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isReadableType = (type: CredentialType): boolean =>
  type === RootCaCert || type === ClientCert || type === PskIdentity

/**
 * The number of bytes `content` takes in storage (its UTF-8 encoding).
 *
 * @since 0.1.0
 * @category utils
 */
export const byteLength = (content: string): number => utf8ToBytes(content).length

/**
 * Uppercase hex SHA-256 of the UTF-8 bytes of `content`, as the modem lists it. Synchronous and portable
 * (`@noble/hashes`), so it also runs in a browser.
 *
 * @since 0.1.0
 * @category utils
 */
export const sha256Hex = (content: string): string => bytesToHex(sha256(utf8ToBytes(content))).toUpperCase()
