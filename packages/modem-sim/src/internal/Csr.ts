/**
 * The PKCS#10 certification request `%KEYGEN` returns, shaped like a real nRF91's (decoded from real output):
 * subject from the attributes (default `CN=<device UUID>`, UTF8String), the new key's SubjectPublicKeyInfo,
 * an extensionRequest attribute with a non-critical keyUsage, and ecdsa-with-SHA256 (with an explicit NULL
 * parameter, as the modem writes it) over the request info.
 */
import { Attributes, CertificationRequest, CertificationRequestInfo } from "@peculiar/asn1-csr"
import { AsnConvert, OctetString } from "@peculiar/asn1-schema"
import {
  AlgorithmIdentifier,
  Attribute,
  AttributeTypeAndValue,
  AttributeValue,
  Extension,
  Extensions,
  Name,
  RelativeDistinguishedName,
  SubjectPublicKeyInfo
} from "@peculiar/asn1-x509"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"

/** Subject attribute names accepted in `%KEYGEN`'s `<attributes>` and their OIDs. */
const attributeOids: { readonly [name: string]: string } = {
  CN: "2.5.4.3",
  SERIALNUMBER: "2.5.4.5",
  C: "2.5.4.6",
  L: "2.5.4.7",
  ST: "2.5.4.8",
  O: "2.5.4.10",
  OU: "2.5.4.11"
}

export interface SubjectAttribute {
  readonly name: string
  readonly value: string
}

/** Parses `"O=Acme,C=NO"` into attributes, in order. Fails with a reason for the caller's error. */
export const parseAttributes = (text: string): Result.Result<ReadonlyArray<SubjectAttribute>, string> => {
  const out: Array<SubjectAttribute> = []
  for (const part of text.split(",")) {
    const eq = part.indexOf("=")
    if (eq <= 0) return Result.fail(`attribute "${part}" is not NAME=value`)
    const name = part.slice(0, eq).trim().toUpperCase()
    const value = part.slice(eq + 1).trim()
    if (attributeOids[name] === undefined) return Result.fail(`unknown subject attribute "${name}"`)
    if (value === "") return Result.fail(`subject attribute ${name} is empty`)
    if (name === "C" && !/^[A-Za-z]{2}$/.test(value)) return Result.fail("C must be a two-letter country code")
    out.push({ name, value })
  }
  return Result.succeed(out)
}

/**
 * The keyUsage bits as a DER BIT STRING, from `%KEYGEN`'s `<key_usage>` text: one character '0'/'1' per
 * bit, digitalSignature first. Default `111010000` (as real modems send: 03 02 03 E8).
 */
export const keyUsageBitString = (bits: string): Uint8Array => {
  const last = bits.lastIndexOf("1")
  const used = last + 1
  const byteCount = Math.ceil(used / 8)
  const out = new Uint8Array(3 + byteCount)
  out[0] = 0x03
  out[1] = 1 + byteCount
  out[2] = byteCount * 8 - used
  for (let i = 0; i < used; i++) if (bits[i] === "1") out[3 + (i >> 3)]! |= 0x80 >> (i & 7)
  return out
}

export const DEFAULT_KEY_USAGE = "111010000"

const ecdsaWithSha256 = "1.2.840.10045.4.3.2"
const extensionRequest = "1.2.840.113549.1.9.14"
const keyUsageOid = "2.5.29.15"
/** DER NULL: the modem writes the signature algorithm with an explicit NULL parameter. */
const derNull = new Uint8Array([0x05, 0x00]).buffer

const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer

/**
 * Builds and signs the request. `sign` returns a DER ECDSA signature over the given bytes (made with the new
 * key itself: the request proves possession).
 */
export const build = <E, R>(input: {
  readonly subject: ReadonlyArray<SubjectAttribute>
  readonly spki: Uint8Array
  readonly keyUsage: string
  readonly signDer: (message: Uint8Array) => Effect.Effect<Uint8Array, E, R>
}): Effect.Effect<Uint8Array, E, R> => {
  const subject = new Name(
    input.subject.map(
      ({ name, value }) =>
        new RelativeDistinguishedName([
          new AttributeTypeAndValue({
            type: attributeOids[name]!,
            value: new AttributeValue(name === "C" ? { printableString: value.toUpperCase() } : { utf8String: value })
          })
        ])
    )
  )
  const extensions = new Extensions([
    new Extension({
      extnID: keyUsageOid,
      critical: false,
      extnValue: new OctetString(keyUsageBitString(input.keyUsage))
    })
  ])
  const info = new CertificationRequestInfo({
    version: 0,
    subject,
    subjectPKInfo: AsnConvert.parse(toArrayBuffer(input.spki), SubjectPublicKeyInfo),
    attributes: new Attributes([new Attribute({ type: extensionRequest, values: [AsnConvert.serialize(extensions)] })])
  })
  const infoDer = new Uint8Array(AsnConvert.serialize(info))
  return Effect.map(input.signDer(infoDer), (signature) => {
    const request = new CertificationRequest({
      certificationRequestInfo: info,
      signatureAlgorithm: new AlgorithmIdentifier({ algorithm: ecdsaWithSha256, parameters: derNull }),
      signature: toArrayBuffer(signature)
    })
    return new Uint8Array(AsnConvert.serialize(request))
  })
}
