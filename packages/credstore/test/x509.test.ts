/**
 * The structural X.509 check on DER: certificates built field by field (one field changed per case), the openssl
 * fixtures, and properties over truncation, extra bytes and random input.
 */
import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { checkCertificate } from "../src/internal/x509.ts"
import {
  bitString,
  boolean,
  bytes,
  concat,
  explicit,
  generalizedTime,
  integer,
  nullValue,
  octetString,
  oid,
  pemToDer,
  sequence,
  set,
  tlv,
  utcTime,
  utf8String
} from "./helpers/der.ts"

const fixtureDer = (name: string) => pemToDer(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"))
const fixtures = ["ca.pem", "client.pem", "rsa.pem", "empty-subject.pem", "bundle.pem"].flatMap(fixtureDer)

const none = new Uint8Array(0)
const ecdsaWithSha256 = sequence(oid("2a8648ce3d040302"))
const sha256WithRsa = sequence(oid("2a864886f70d01010b"), nullValue())
const name = (...rdns: ReadonlyArray<Uint8Array>) => sequence(...rdns)
const commonName = (text: string) => set(sequence(oid("550403"), utf8String(text)))
const basicConstraints = sequence(oid("551d13"), boolean(true), octetString(0x30, 0x03, 0x01, 0x01, 0xff))
const keyUsage = sequence(oid("551d0f"), octetString(0x03, 0x02, 0x07, 0x80))
const time = (notBefore: Uint8Array, notAfter = generalizedTime("20991231235959Z")) => sequence(notBefore, notAfter)

/** A valid v3 certificate's fields; each case replaces some of them. */
const valid = {
  version: explicit(0, integer(2)),
  serialNumber: integer(0x01),
  signature: ecdsaWithSha256,
  issuer: name(commonName("issuer")),
  validity: time(utcTime("260101000000Z")),
  subject: name(commonName("subject")),
  subjectPublicKeyInfo: sequence(
    sequence(oid("2a8648ce3d0201"), oid("2a8648ce3d030107")),
    bitString(0x04, ...new Array<number>(64).fill(7))
  ),
  /** Unique IDs and extensions, as encoded. */
  tail: explicit(3, sequence(basicConstraints, keyUsage)),
  signatureAlgorithm: ecdsaWithSha256,
  signatureValue: bitString(0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01)
}

const tbsCertificate = (f: typeof valid) =>
  sequence(f.version, f.serialNumber, f.signature, f.issuer, f.validity, f.subject, f.subjectPublicKeyInfo, f.tail)

const certificate = (changes: Partial<typeof valid> = {}): Uint8Array => {
  const f = { ...valid, ...changes }
  return sequence(tbsCertificate(f), f.signatureAlgorithm, f.signatureValue)
}

describe("x509 checkCertificate", () => {
  it("accepts what openssl makes: v1, v3, EC and RSA, UTCTime and GeneralizedTime, an empty subject", () => {
    assert.strictEqual(fixtures.length, 6)
    for (const der of fixtures) assert.isUndefined(checkCertificate(der))
  })

  it("accepts every version with the fields it allows", () => {
    const accepted: Record<string, Partial<typeof valid>> = {
      "v3 with extensions": {},
      "v3 without extensions": { tail: none },
      "v3 with an empty extension list": { tail: explicit(3, sequence()) },
      "v3 with unique IDs and extensions": { tail: concat(tlv(0x81, bytes(0, 1)), tlv(0xa2, bytes(0, 2)), valid.tail) },
      "v2 with unique IDs": {
        version: explicit(0, integer(1)),
        tail: concat(tlv(0x81, bytes(0, 1)), tlv(0x82, bytes(0)))
      },
      "v1 with the default version left out": { version: none, tail: none },
      "v1 with the version written out": { version: explicit(0, integer(0)), tail: none },
      "an empty subject": { subject: name() },
      "a multi-valued RDN and several RDNs": {
        issuer: name(
          set(sequence(oid("550403"), utf8String("a")), sequence(oid("55040a"), utf8String("b"))),
          commonName("c")
        )
      },
      "algorithm parameters": { signature: sha256WithRsa, signatureAlgorithm: sha256WithRsa },
      "a leap day": { validity: time(utcTime("240229000000Z"), generalizedTime("20000229235959Z")) },
      "1950 as a UTCTime": { validity: time(utcTime("500101000000Z")) },
      "a long serial number": { serialNumber: integer(0x00, ...new Array<number>(130).fill(0x81)) }
    }
    for (const [label, changes] of Object.entries(accepted)) {
      assert.isUndefined(checkCertificate(certificate(changes)), label)
    }
  })

  it("rejects each broken field with a reason", () => {
    const cases: ReadonlyArray<readonly [Partial<typeof valid>, string]> = [
      [{ version: explicit(0, integer(3)) }, "version is not v1, v2 or v3"],
      [{ version: explicit(0, integer(0xff)) }, "version is not v1, v2 or v3"],
      [{ version: explicit(0, integer(2), integer(2)) }, "version is followed by extra bytes"],
      [{ serialNumber: tlv(0x02) }, "serialNumber is empty"],
      [{ serialNumber: bytes(0x02, 0x81, 0x01, 0x01) }, "serialNumber has a non-minimal length"],
      [
        { serialNumber: concat(bytes(0x02, 0x82, 0x00, 0x81), new Uint8Array(0x81)) },
        "serialNumber has a non-minimal length"
      ],
      [{ serialNumber: bytes(0x02, 0x85, 0, 0, 0, 0, 1, 1) }, "serialNumber has an oversized length"],
      [
        { validity: bytes(0x30, 0x80, ...utcTime("260101000000Z"), ...utcTime("270101000000Z"), 0, 0) },
        "validity has an indefinite length"
      ],
      [{ signatureAlgorithm: sha256WithRsa }, "signatureAlgorithm differs from the signature field of tbsCertificate"],
      [
        { signatureAlgorithm: sequence(oid("2a8648ce3d040302"), nullValue()) },
        "signatureAlgorithm differs from the signature field of tbsCertificate"
      ],
      [
        { signature: sequence(oid("802a")), signatureAlgorithm: sequence(oid("802a")) },
        "signature algorithm is not a valid OBJECT IDENTIFIER"
      ],
      [
        { signature: sequence(oid("2a86")), signatureAlgorithm: sequence(oid("2a86")) },
        "signature algorithm is not a valid OBJECT IDENTIFIER"
      ],
      [{ signature: sequence(), signatureAlgorithm: sequence() }, "signature algorithm is missing"],
      [{ issuer: name() }, "issuer is empty"],
      [{ issuer: name(set()) }, "issuer has an empty attribute set"],
      [{ issuer: name(sequence(oid("550403"), utf8String("x"))) }, "issuer attribute set is not a SET"],
      [{ issuer: name(set(sequence(oid("550403")))) }, "issuer attribute value is missing"],
      [
        { issuer: name(set(sequence(oid("550403"), bytes(0x1f, 0x21, 0x00)))) },
        "issuer attribute value has a multi-byte tag"
      ],
      [{ subject: name(set()) }, "subject has an empty attribute set"],
      [{ validity: time(utcTime("261301000000Z")) }, "notBefore is not a valid time"],
      [{ validity: time(utcTime("260230000000Z")) }, "notBefore is not a valid time"],
      [{ validity: time(utcTime("260101240000Z")) }, "notBefore is not a valid time"],
      [{ validity: time(utcTime("260101000060Z")) }, "notBefore is not a valid time"],
      [{ validity: time(utcTime("2601010000Z")) }, "notBefore is not a valid time"],
      [{ validity: time(utcTime("260101000000")) }, "notBefore is not a valid time"],
      [{ validity: time(utcTime("260101000000+0100")) }, "notBefore is not a valid time"],
      [{ validity: time(utcTime("26010100000 Z")) }, "notBefore is not a valid time"],
      [
        { validity: time(utcTime("260101000000Z"), generalizedTime("21000229000000Z")) },
        "notAfter is not a valid time"
      ],
      [
        { validity: time(utcTime("260101000000Z"), generalizedTime("20991231235959.5Z")) },
        "notAfter is not a valid time"
      ],
      [
        { validity: time(utcTime("260101000000Z"), utf8String("20991231235959Z")) },
        "notAfter is not a UTCTime or GeneralizedTime"
      ],
      [{ validity: sequence(utcTime("260101000000Z")) }, "notAfter is missing"],
      [{ subjectPublicKeyInfo: sequence(valid.signature) }, "subjectPublicKey is missing"],
      [
        { subjectPublicKeyInfo: sequence(valid.signature, tlv(0x03, bytes(1, 0xfe))) },
        "subjectPublicKey has unused bits"
      ],
      [{ signatureValue: tlv(0x03, bytes(0)) }, "signatureValue is empty"],
      [{ signatureValue: octetString(1) }, "signatureValue is not a BIT STRING"],
      [{ version: none }, "tbsCertificate has unexpected data at its end"],
      [{ version: explicit(0, integer(1)) }, "tbsCertificate has unexpected data at its end"],
      [{ version: none, tail: tlv(0x81, bytes(0)) }, "tbsCertificate has unexpected data at its end"],
      [{ tail: concat(valid.tail, valid.tail) }, "tbsCertificate has unexpected data at its end"],
      [{ tail: explicit(3, sequence(keyUsage, keyUsage)) }, "an extension appears twice"],
      [{ tail: explicit(3, sequence(sequence(oid("551d0f")))) }, "extension extnValue is missing"],
      [
        { tail: explicit(3, sequence(sequence(oid("551d0f"), tlv(0x01, bytes(0xff, 0xff)), octetString()))) },
        "extension critical flag is not a valid BOOLEAN"
      ],
      [
        { tail: explicit(3, sequence(sequence(oid("551d0f"), octetString(), octetString()))) },
        "extension has unexpected data at its end"
      ],
      [{ tail: explicit(3, sequence(), sequence()) }, "extensions is followed by extra bytes"],
      [{ tail: explicit(3, set()) }, "extensions is not a SEQUENCE"]
    ]
    for (const [changes, reason] of cases) assert.strictEqual(checkCertificate(certificate(changes)), reason, reason)
  })

  it("rejects the outer structure: other DER, truncation, extra bytes", () => {
    const der = certificate()
    const ca = fixtures[0]!
    assert.strictEqual(checkCertificate(none), "Certificate is missing")
    assert.strictEqual(checkCertificate(bytes(0x30, 0x00)), "tbsCertificate is missing")
    assert.strictEqual(checkCertificate(bytes(0x02, 0x01, 0x00)), "Certificate is not a SEQUENCE")
    assert.strictEqual(checkCertificate(der.subarray(0, der.length - 1)), "Certificate is truncated")
    assert.strictEqual(checkCertificate(bytes(0x30)), "Certificate is truncated")
    assert.strictEqual(checkCertificate(bytes(0x30, 0x82, 0x01)), "Certificate is truncated")
    assert.strictEqual(checkCertificate(concat(der, bytes(0))), "Certificate is followed by extra bytes")
    assert.strictEqual(checkCertificate(concat(ca, ca)), "Certificate is followed by extra bytes")
    // Extra bytes inside the outer SEQUENCE, after the signature.
    const inside = sequence(tbsCertificate(valid), valid.signatureAlgorithm, valid.signatureValue, nullValue())
    assert.strictEqual(checkCertificate(inside), "Certificate has unexpected data at its end")
  })

  it("property: every truncation of a valid certificate is rejected", () => {
    for (const der of [certificate(), ...fixtures]) {
      for (let length = 0; length < der.length; length++) {
        assert.isDefined(checkCertificate(der.subarray(0, length)), `truncated to ${length} of ${der.length}`)
      }
    }
  })

  it("property: appending bytes to a valid certificate is rejected", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(certificate(), ...fixtures),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        (der, extra) => checkCertificate(concat(der, extra)) === "Certificate is followed by extra bytes"
      )
    )
  })

  it("property: checking never throws, on random bytes or on a valid certificate with bytes changed", () => {
    const outcome = (der: Uint8Array) => {
      const result = checkCertificate(der)
      return result === undefined || (typeof result === "string" && result.length > 0)
    }
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), outcome), { numRuns: 2000 })
    fc.assert(
      fc.property(
        fc.constantFrom(certificate(), ...fixtures),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        (der, changes) => {
          const changed = der.slice()
          for (const [at, value] of changes) changed[at % changed.length] = value
          return outcome(changed)
        }
      ),
      { numRuns: 3000 }
    )
  })
})
