/**
 * Who the modem is: its device UUID, IMEI and device identity key. Made once — at random on first start, or
 * derived from a seed for reproducible runs — and then kept in the modem's state directory.
 *
 * @since 0.1.0
 */
import { Key } from "@atmodem/jwt-core"
import { bytesToHex } from "@noble/hashes/utils.js"
import * as Data from "effect/Data"
import * as Result from "effect/Result"
import type { Profile } from "./Profile.ts"

export interface Identity {
  /** The device UUID (`iss`, `%DEVICEUUID`, default CSR CN, COSE and attestation payloads). Lowercase. */
  readonly deviceUuid: string
  /** 15-digit IMEI with a valid Luhn check digit. */
  readonly imei: string
  /** The device identity private key: signs `%JWT` by default, and the COSE of `%KEYGEN`/`%ATTESTTOKEN`. */
  readonly key: Key.PrivateKey
}

/** An identity file or an identity override is not valid. */
export class InvalidIdentity extends Data.TaggedError("InvalidIdentity")<{ readonly reason: string }> {
  override get message() {
    return this.reason
  }
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** The Luhn check digit for the given digits. */
export const luhnDigit = (digits: string): number => {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48
    if (i % 2 === 0) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return (10 - (sum % 10)) % 10
}

/** A 15-digit IMEI whose last digit is the Luhn check digit of the first 14. */
export const isValidImei = (imei: string): boolean =>
  /^\d{15}$/.test(imei) && luhnDigit(imei.slice(0, 14)) === Number(imei[14])

/** A random (version 4) UUID from 16 bytes. */
export const uuidFromBytes = (bytes: Uint8Array): string => {
  const b = Uint8Array.from(bytes.subarray(0, 16))
  b[6] = (b[6]! & 0x0f) | 0x40
  b[8] = (b[8]! & 0x3f) | 0x80
  const hex = bytesToHex(b)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** The 16 bytes of a UUID (for the CBOR payloads of `%KEYGEN` and `%ATTESTTOKEN`). */
export const uuidBytes = (uuid: string): Uint8Array => {
  const hex = uuid.replaceAll("-", "")
  const out = new Uint8Array(16)
  for (let i = 0; i < 16; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

/** A new identity for a profile, from the given source of random bytes. */
export const generate = (profile: Profile, randomBytes: (length: number) => Uint8Array): Identity => {
  const deviceUuid = uuidFromBytes(randomBytes(16))
  const serial = Array.from(randomBytes(6), (byte) => String(byte % 10)).join("")
  const body = `${profile.imeiTac}${serial}`
  const imei = `${body}${luhnDigit(body)}`
  const key = Key.generatePrivateKey(randomBytes)
  return { deviceUuid, imei, key }
}

/** Identity fields given explicitly (e.g. `--imei`, or a test vector's device UUID). */
export interface Overrides {
  readonly deviceUuid?: string | undefined
  readonly imei?: string | undefined
}

/** Applies overrides after checking them. */
export const override = (identity: Identity, overrides: Overrides): Result.Result<Identity, InvalidIdentity> => {
  if (overrides.imei !== undefined && !isValidImei(overrides.imei))
    return Result.fail(
      new InvalidIdentity({ reason: `IMEI "${overrides.imei}" must be 15 digits ending in a valid Luhn check digit` })
    )
  if (overrides.deviceUuid !== undefined && !uuidPattern.test(overrides.deviceUuid))
    return Result.fail(
      new InvalidIdentity({ reason: `device UUID "${overrides.deviceUuid}" must be a lowercase UUID` })
    )
  return Result.succeed({
    ...identity,
    ...(overrides.imei === undefined ? {} : { imei: overrides.imei }),
    ...(overrides.deviceUuid === undefined ? {} : { deviceUuid: overrides.deviceUuid })
  })
}

/** The identity file's contents (`identity.json`, mode 0600: it holds the private key). */
export const encode = (identity: Identity): string =>
  `${JSON.stringify(
    { version: 1, deviceUuid: identity.deviceUuid, imei: identity.imei, key: Key.pkcs8Pem(identity.key) },
    null,
    2
  )}\n`

/** Reads an identity file; any problem is an {@link InvalidIdentity} naming what is wrong (never the key). */
export const decode = (text: string, file: string): Result.Result<Identity, InvalidIdentity> => {
  const invalid = (why: string) => Result.fail(new InvalidIdentity({ reason: `identity file ${file} ${why}` }))
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return invalid("is not valid JSON (corrupt?)")
  }
  if (typeof parsed !== "object" || parsed === null) return invalid("is not a JSON object")
  const { version, deviceUuid, imei, key } = parsed as Record<string, unknown>
  if (version !== 1) return invalid(`has unknown version ${JSON.stringify(version)} (this build reads version 1)`)
  if (typeof deviceUuid !== "string" || !uuidPattern.test(deviceUuid)) return invalid("has no valid deviceUuid")
  if (typeof imei !== "string" || !isValidImei(imei)) return invalid("has no valid imei")
  if (typeof key !== "string") return invalid("has no key")
  const parsedKey = Key.parsePrivateKey(key)
  if (Result.isFailure(parsedKey)) return invalid(`has an unreadable key (${parsedKey.failure._tag})`)
  return Result.succeed({ deviceUuid, imei, key: parsedKey.success })
}
