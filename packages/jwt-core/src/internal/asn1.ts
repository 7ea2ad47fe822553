/**
 * ASN.1 schemas and object identifiers for the key formats, on top of `@peculiar/asn1-schema`. The PBES2 and
 * PBKDF2 parameter types are not shipped by any `@peculiar/asn1-*` package, so they are declared here; the
 * decorators are applied as plain calls because runtimes that run TypeScript sources directly (Node's type
 * stripping, Deno, Bun) do not all support decorator syntax.
 */
import { AsnConvert, AsnProp, AsnPropTypes } from "@peculiar/asn1-schema"
import { AlgorithmIdentifier } from "@peculiar/asn1-x509"
import * as Result from "effect/Result"
/** Object identifiers used by the key formats. */
export const Oid = {
  ecPublicKey: "1.2.840.10045.2.1",
  prime256v1: "1.2.840.10045.3.1.7",
  secp256k1: "1.3.132.0.10",
  secp384r1: "1.3.132.0.34",
  secp521r1: "1.3.132.0.35",
  rsaEncryption: "1.2.840.113549.1.1.1",
  rsassaPss: "1.2.840.113549.1.1.10",
  ed25519: "1.3.101.112",
  ed448: "1.3.101.113",
  x25519: "1.3.101.110",
  x448: "1.3.101.111",
  dsa: "1.2.840.10040.4.1",
  pbes2: "1.2.840.113549.1.5.13",
  pbkdf2: "1.2.840.113549.1.5.12",
  scrypt: "1.3.6.1.4.1.11591.4.11",
  hmacWithSHA1: "1.2.840.113549.2.7",
  hmacWithSHA224: "1.2.840.113549.2.8",
  hmacWithSHA256: "1.2.840.113549.2.9",
  hmacWithSHA384: "1.2.840.113549.2.10",
  hmacWithSHA512: "1.2.840.113549.2.11",
  aes128Cbc: "2.16.840.1.101.3.4.1.2",
  aes192Cbc: "2.16.840.1.101.3.4.1.22",
  aes256Cbc: "2.16.840.1.101.3.4.1.42"
} as const

/** Friendly names for curve OIDs, for error messages. */
export const curveName = (oid: string): string => {
  switch (oid) {
    case Oid.secp256k1:
      return "secp256k1"
    case Oid.secp384r1:
      return "P-384"
    case Oid.secp521r1:
      return "P-521"
    default:
      return `curve ${oid}`
  }
}

/** Friendly names for non-EC key algorithm OIDs, for error messages. */
export const algorithmName = (oid: string): string => {
  switch (oid) {
    case Oid.rsaEncryption:
    case Oid.rsassaPss:
      return "RSA"
    case Oid.ed25519:
      return "Ed25519"
    case Oid.ed448:
      return "Ed448"
    case Oid.x25519:
      return "X25519"
    case Oid.x448:
      return "X448"
    case Oid.dsa:
      return "DSA"
    default:
      return `algorithm ${oid}`
  }
}

/**
 * ```asn1
 * PBKDF2-params ::= SEQUENCE {
 *   salt CHOICE { specified OCTET STRING, otherSource AlgorithmIdentifier },
 *   iterationCount INTEGER (1..MAX),
 *   keyLength INTEGER (1..MAX) OPTIONAL,
 *   prf AlgorithmIdentifier DEFAULT algid-hmacWithSHA1 }
 * ```
 * Only the `specified` salt is supported (the other choice is reserved by RFC 8018).
 */
export class Pbkdf2Params {
  salt: ArrayBuffer = new ArrayBuffer(0)
  iterationCount = 0
  keyLength?: number
  prf?: AlgorithmIdentifier
}
AsnProp({ type: AsnPropTypes.OctetString })(Pbkdf2Params.prototype, "salt")
AsnProp({ type: AsnPropTypes.Integer })(Pbkdf2Params.prototype, "iterationCount")
AsnProp({ type: AsnPropTypes.Integer, optional: true })(Pbkdf2Params.prototype, "keyLength")
AsnProp({ type: AlgorithmIdentifier, optional: true })(Pbkdf2Params.prototype, "prf")

/**
 * ```asn1
 * PBES2-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier, encryptionScheme AlgorithmIdentifier }
 * ```
 */
export class Pbes2Params {
  keyDerivationFunc = new AlgorithmIdentifier()
  encryptionScheme = new AlgorithmIdentifier()
}
AsnProp({ type: AlgorithmIdentifier })(Pbes2Params.prototype, "keyDerivationFunc")
AsnProp({ type: AlgorithmIdentifier })(Pbes2Params.prototype, "encryptionScheme")

/** Parses DER into a schema class; `undefined` when it does not match (the library throws). */
export const parseDer = <T>(der: Uint8Array | ArrayBuffer, schema: new () => T): Result.Result<T, undefined> => {
  try {
    return Result.succeed(AsnConvert.parse(der, schema))
  } catch {
    return Result.fail(undefined)
  }
}

/** Serialises a schema object to DER. */
export const toDer = (value: unknown): Uint8Array => new Uint8Array(AsnConvert.serialize(value))
