/**
 * PKCS#10 certificate signing requests as `%KEYGEN` returns them: the subject names, the public key, and
 * whether the request's own signature verifies with that key. Read straight from the DER, nothing re-encoded.
 *
 * @since 0.1.0
 */
import { Key, Der as Signature, Verify } from "@atmodem/jwt-core"
import * as Data from "effect/Data"
import * as Result from "effect/Result"
import * as Der from "./internal/Der.ts"
import * as Pem from "./internal/Pem.ts"

/**
 * The bytes are not a P-256 PKCS#10 CSR.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidCsr extends Data.TaggedError("InvalidCsr")<{ readonly reason: string }> {
  override get message() {
    return this.reason
  }
}

/**
 * One relative distinguished name of the subject, e.g. `CN=50363154-…`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Name {
  /** Short name (`CN`, `O`, …) or the dotted OID when unknown. */
  readonly name: string
  readonly value: string
}

/**
 * A decoded CSR.
 *
 * @since 0.1.0
 * @category models
 */
export interface Csr {
  readonly der: Uint8Array
  readonly subject: ReadonlyArray<Name>
  readonly publicKey: Key.PublicKey
  /** Whether the request's signature (by its own key) verifies. */
  readonly signatureValid: boolean
}

const shortNames: Readonly<Record<string, string>> = {
  "2.5.4.3": "CN",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "1.2.840.113549.1.9.1": "emailAddress"
}

const expect = (tlv: Der.Tlv | undefined, tag: number, what: string): Result.Result<Der.Tlv, string> =>
  tlv !== undefined && tlv.tag === tag ? Result.succeed(tlv) : Result.fail(`${what} is missing`)

const subjectNames = (der: Uint8Array, subject: Der.Tlv): Result.Result<ReadonlyArray<Name>, string> =>
  Result.gen(function* () {
    const names: Array<Name> = []
    for (const set of yield* Der.children(der, subject)) {
      for (const pair of yield* Der.children(der, set)) {
        const [type, value] = yield* Der.children(der, pair)
        const oid = Der.oid(Der.contents(der, yield* expect(type, Der.OID, "an attribute type")))
        if (value === undefined) return yield* Result.fail("an attribute value is missing")
        names.push({ name: shortNames[oid] ?? oid, value: Der.string(der, value) })
      }
    }
    return names
  })

/**
 * Decodes a DER CSR and checks its signature.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode = (der: Uint8Array): Result.Result<Csr, InvalidCsr> =>
  Result.mapError(
    Result.gen(function* () {
      const outer = yield* expect(yield* Der.read(der, 0), Der.SEQUENCE, "the CSR SEQUENCE")
      const [info, , signatureBits] = yield* Der.children(der, outer)
      const infoTlv = yield* expect(info, Der.SEQUENCE, "certificationRequestInfo")
      const [, subject, spki] = yield* Der.children(der, infoTlv)
      const names = yield* subjectNames(der, yield* expect(subject, Der.SEQUENCE, "the subject"))
      const spkiTlv = yield* expect(spki, Der.SEQUENCE, "the subject public key")
      const publicKey = yield* Result.mapError(Key.parsePublicKey(Der.raw(der, spkiTlv)), (e) => e.reason)
      const bits = Der.contents(der, yield* expect(signatureBits, Der.BIT_STRING, "the signature"))
      const raw = Signature.signatureFromDer(bits.slice(1))
      const signatureValid =
        Result.isSuccess(raw) && Verify.verifySignature(Der.raw(der, infoTlv), raw.success, publicKey)
      return { der, subject: names, publicKey, signatureValid }
    }),
    (reason) => new InvalidCsr({ reason: `not a P-256 PKCS#10 CSR: ${reason}` })
  )

/**
 * The subject as one line: `CN=…, O=…`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const subjectText = (csr: Csr): string => csr.subject.map((n) => `${n.name}=${n.value}`).join(", ")

/**
 * PEM `CERTIFICATE REQUEST`, as `openssl req -in` reads it.
 *
 * @since 0.1.0
 * @category formatting
 */
export const toPem = (der: Uint8Array): string => Pem.write("CERTIFICATE REQUEST", der)
