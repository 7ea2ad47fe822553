/**
 * The structural X.509 certificate check of the strict profile. It walks RFC 5280 §4.1 the way mbedTLS's
 * `mbedtls_x509_crt_parse_der` does, since that is what a real modem runs when it stores a certificate: every
 * field in order, with its tag, length and the few value rules mbedTLS enforces (version, times, bit strings,
 * matching signature algorithms). Signatures, chains, key contents and extension contents are not checked: a
 * modem does not verify them at store time either.
 *
 * @internal
 */
import { contentsOf, equalBytes, Malformed, type Reader, readOnly, Tag, type Tlv } from "./der.ts"

/** `undefined` when `der` is exactly one structurally valid X.509 v1/v2/v3 certificate, otherwise why not. */
export const checkCertificate = (der: Uint8Array): string | undefined => {
  try {
    certificate(der)
    return undefined
  } catch (error) {
    if (error instanceof Malformed) return error.message
    throw error
  }
}

/** `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }` */
const certificate = (der: Uint8Array): void => {
  const fields = contentsOf(readOnly(der, "Certificate", Tag.sequence))
  const tbsSignature = tbsCertificate(fields.read("tbsCertificate", Tag.sequence))
  const signature = algorithmIdentifier(fields, "signatureAlgorithm")
  // Only the inner copy is signed, so a different outer one would mislead; mbedTLS rejects it (SIG_MISMATCH).
  if (!equalBytes(signature.encoding, tbsSignature.encoding)) {
    throw new Malformed("signatureAlgorithm differs from the signature field of tbsCertificate")
  }
  bitString(fields, "signatureValue")
  fields.end("Certificate")
}

/** `TBSCertificate` (RFC 5280 §4.1.2); returns its `signature` AlgorithmIdentifier, to compare with the outer one. */
const tbsCertificate = (value: Tlv): Tlv => {
  const fields = contentsOf(value)
  // Encoded as 0, 1, 2 for v1, v2, v3.
  const version = versionOf(fields.optional("version", Tag.contextConstructed(0)))
  serialNumber(fields)
  const signature = algorithmIdentifier(fields, "signature")
  name(fields.read("issuer", Tag.sequence), "issuer")
  validity(fields.read("validity", Tag.sequence))
  const subject = fields.read("subject", Tag.sequence)
  // Only the subject may be empty (its identity is then in subjectAltName); mbedTLS requires an issuer.
  if (subject.contents.length > 0) name(subject, "subject")
  subjectPublicKeyInfo(fields.read("subjectPublicKeyInfo", Tag.sequence))
  if (version >= 1) {
    uniqueIdentifier(fields, "issuerUniqueID", 1)
    uniqueIdentifier(fields, "subjectUniqueID", 2)
  }
  if (version === 2) {
    const wrapped = fields.optional("extensions", Tag.contextConstructed(3))
    if (wrapped !== undefined) extensions(wrapped)
  }
  // Anything left is out of order, or a field the version does not allow (e.g. extensions in a v1 certificate).
  fields.end("tbsCertificate")
  return signature
}

/** `version [0] EXPLICIT Version DEFAULT v1`, `Version ::= INTEGER { v1(0), v2(1), v3(2) }` */
const versionOf = (wrapped: Tlv | undefined): number => {
  if (wrapped === undefined) return 0
  const number = readOnly(wrapped.contents, "version", Tag.integer).contents
  if (number.length !== 1 || number[0]! > 2) throw new Malformed("version is not v1, v2 or v3")
  return number[0]!
}

/** `CertificateSerialNumber ::= INTEGER` (any size: real CAs use up to 20 bytes, some more). */
const serialNumber = (fields: Reader): void => {
  if (fields.read("serialNumber", Tag.integer).contents.length === 0) throw new Malformed("serialNumber is empty")
}

/**
 * `[n] IMPLICIT UniqueIdentifier` (a BIT STRING), optional. RFC 5280 makes the tag primitive; mbedTLS reads it as
 * constructed. Either is accepted: the contents are opaque bits.
 */
const uniqueIdentifier = (fields: Reader, field: string, n: number): void => {
  if (fields.optional(field, Tag.context(n)) === undefined) fields.optional(field, Tag.contextConstructed(n))
}

/** `AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }` */
const algorithmIdentifier = (fields: Reader, field: string): Tlv => {
  const value = fields.read(field, Tag.sequence)
  const parts = contentsOf(value)
  objectIdentifier(parts, `${field} algorithm`)
  if (!parts.atEnd) parts.readAny(`${field} parameters`)
  parts.end(field)
  return value
}

/** An OBJECT IDENTIFIER: base-128 sub-identifiers, each minimally encoded, the last one complete. */
const objectIdentifier = (fields: Reader, field: string): Tlv => {
  const value = fields.read(field, Tag.oid)
  const bytes = value.contents
  const valid =
    bytes.length > 0 &&
    bytes[bytes.length - 1]! < 0x80 &&
    bytes.every((byte, i) => byte !== 0x80 || (i > 0 && bytes[i - 1]! >= 0x80))
  if (!valid) throw new Malformed(`${field} is not a valid OBJECT IDENTIFIER`)
  return value
}

/**
 * `Name ::= SEQUENCE OF RelativeDistinguishedName`, `RelativeDistinguishedName ::= SET SIZE (1..MAX) OF
 * AttributeTypeAndValue`, `AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY }`. Like
 * mbedTLS, a name has at least one attribute.
 */
const name = (value: Tlv, field: string): void => {
  const rdns = contentsOf(value)
  if (rdns.atEnd) throw new Malformed(`${field} is empty`)
  while (!rdns.atEnd) {
    const attributes = contentsOf(rdns.read(`${field} attribute set`, Tag.set))
    if (attributes.atEnd) throw new Malformed(`${field} has an empty attribute set`)
    while (!attributes.atEnd) {
      const attribute = contentsOf(attributes.read(`${field} attribute`, Tag.sequence))
      objectIdentifier(attribute, `${field} attribute type`)
      attribute.readAny(`${field} attribute value`)
      attribute.end(`${field} attribute`)
    }
  }
}

/** `Validity ::= SEQUENCE { notBefore Time, notAfter Time }` */
const validity = (value: Tlv): void => {
  const times = contentsOf(value)
  time(times, "notBefore")
  time(times, "notAfter")
  times.end("validity")
}

/**
 * `Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime }`, in the only forms RFC 5280 §4.1.2.5
 * allows: `YYMMDDHHMMSSZ` (50..99 mean 19xx) or `YYYYMMDDHHMMSSZ`, with a real calendar date and time of day.
 */
const time = (fields: Reader, field: string): void => {
  const value = fields.readAny(field)
  const yearDigits = value.tag === Tag.utcTime ? 2 : value.tag === Tag.generalizedTime ? 4 : undefined
  if (yearDigits === undefined) throw new Malformed(`${field} is not a UTCTime or GeneralizedTime`)
  const text = value.contents.length === yearDigits + 11 ? String.fromCharCode(...value.contents) : ""
  if (!/^\d+Z$/.test(text)) throw new Malformed(`${field} is not a valid time`)
  const at = (offset: number) => Number(text.slice(yearDigits + offset, yearDigits + offset + 2))
  const digits = Number(text.slice(0, yearDigits))
  const year = yearDigits === 4 ? digits : digits < 50 ? 2000 + digits : 1900 + digits
  const [month, day, hour, minute, second] = [at(0), at(2), at(4), at(6), at(8)] as const
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59
  if (!valid) throw new Malformed(`${field} is not a valid time`)
}

const daysInMonth = (year: number, month: number): number => {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

/** `SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }` */
const subjectPublicKeyInfo = (value: Tlv): void => {
  const parts = contentsOf(value)
  algorithmIdentifier(parts, "subjectPublicKeyInfo algorithm")
  bitString(parts, "subjectPublicKey")
  parts.end("subjectPublicKeyInfo")
}

/** A key or signature BIT STRING: whole bytes (no unused bits) and not empty, as mbedTLS requires. */
const bitString = (fields: Reader, field: string): void => {
  const bits = fields.read(field, Tag.bitString).contents
  if (bits.length < 2) throw new Malformed(`${field} is empty`)
  if (bits[0] !== 0) throw new Malformed(`${field} has unused bits`)
}

/**
 * `extensions [3] EXPLICIT Extensions`, `Extensions ::= SEQUENCE OF Extension`, `Extension ::= SEQUENCE {
 * extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }`. Each extension may appear
 * once (RFC 5280 §4.2; mbedTLS rejects duplicates of those it knows).
 */
const extensions = (wrapped: Tlv): void => {
  const list = contentsOf(readOnly(wrapped.contents, "extensions", Tag.sequence))
  const seen = new Set<string>()
  while (!list.atEnd) {
    const parts = contentsOf(list.read("extension", Tag.sequence))
    const id = objectIdentifier(parts, "extension extnID").contents.join(".")
    if (seen.has(id)) throw new Malformed("an extension appears twice")
    seen.add(id)
    const critical = parts.optional("extension critical flag", Tag.boolean)
    if (critical !== undefined && critical.contents.length !== 1) {
      throw new Malformed("extension critical flag is not a valid BOOLEAN")
    }
    parts.read("extension extnValue", Tag.octetString)
    parts.end("extension")
  }
}
