/**
 * What a simulated modem is: chip, model, firmware, identity formats, capacity, and every behaviour the spec
 * marks *(chosen)* that a real modem might do differently. Two presets mirror real parts.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Result from "effect/Result"
export interface Profile {
  /** The preset this profile started from. */
  readonly preset: string
  /** Chip name used in `iss`/`jti` of tokens: `nRF9160`, or the model without suffix on nRF91x1 (`nRF9151`). */
  readonly chip: string
  /** `AT+CGMM`, e.g. `nRF9160-SICA`. */
  readonly model: string
  /** `AT+CGMR`, e.g. `mfw_nrf9160_1.3.5`. */
  readonly firmware: string
  /** `AT%HWVERSION`, e.g. `nRF9160 SICA B0A`. */
  readonly hardwareVersion: string
  /** `AT%SHORTSWVER`, e.g. `nrf9160_1.3.5`. */
  readonly shortSoftwareVersion: string
  /** The modem firmware UUID (`%XMODEMUUID`, `jti`, attestation token): a property of the firmware build. */
  readonly firmwareUuid: string
  /** Device type in `%ATTESTTOKEN` (1 nRF9160 SIAA, 2 SIBA, 3 SICA, 4 nRF9161 LACA, 5 nRF9131, 6 nRF9151). */
  readonly deviceType: number
  /** First 8 digits (type allocation code) of IMEIs made for this profile. */
  readonly imeiTac: string
  /** IMEI software version number, 2 digits (`AT+CGSN=3`, and the end of the IMEISV). */
  readonly imeiSvn: string
  /** Credential storage capacity. */
  readonly capacity: { readonly maxEntries: number; readonly maxBytes: number }
  /** Validate `%CMNG` content per type and answer 527 (newer firmware); otherwise store anything. */
  readonly strictContent: boolean
  /** `AT%DEVICEUUID` exists (nRF91x1). */
  readonly deviceUuidCommand: boolean
  /** Endorsement keys (`%KEYGEN`/`%JWT` key type 8) exist (nRF9160 only). */
  readonly endorsementKey: boolean
  /** (chosen) `%KEYGEN` key type 2 on a sec_tag that already holds a key replaces it; `false` answers 519. */
  readonly keygenOverwrites: boolean
  /** (chosen) Longest `%JWT` subject or audience in bytes; longer answers 525. */
  readonly jwtMaxClaimBytes: number
  /** (chosen) The clock is valid from power-on, as if the network had set it. */
  readonly networkTime: boolean
  /** Commands answering 51 (disabled in this software build), e.g. `["%ATTESTTOKEN"]`. Upper case. */
  readonly disabledCommands: ReadonlyArray<string>
}

const nrf9160: Profile = {
  preset: "nrf9160",
  chip: "nRF9160",
  model: "nRF9160-SICA",
  firmware: "mfw_nrf9160_1.3.5",
  hardwareVersion: "nRF9160 SICA B0A",
  shortSoftwareVersion: "nrf9160_1.3.5",
  firmwareUuid: "f72d9789-2e73-4780-9248-b3952f89b872",
  deviceType: 3,
  imeiTac: "35265610",
  imeiSvn: "05",
  capacity: { maxEntries: 64, maxBytes: 64 * 1024 },
  strictContent: false,
  deviceUuidCommand: false,
  endorsementKey: true,
  keygenOverwrites: true,
  jwtMaxClaimBytes: 256,
  networkTime: false,
  disabledCommands: []
}

const nrf9151: Profile = {
  preset: "nrf9151",
  chip: "nRF9151",
  model: "nRF9151-LACA",
  firmware: "mfw_nrf91x1_2.0.2",
  hardwareVersion: "nRF9151 LACA A0A",
  shortSoftwareVersion: "nrf91x1_2.0.2",
  firmwareUuid: "6b0f8d35-5a3e-4c1b-9f2e-31d4a7c6e0b9",
  deviceType: 6,
  imeiTac: "35940481",
  imeiSvn: "02",
  capacity: { maxEntries: 64, maxBytes: 64 * 1024 },
  strictContent: true,
  deviceUuidCommand: true,
  endorsementKey: false,
  keygenOverwrites: true,
  jwtMaxClaimBytes: 256,
  networkTime: false,
  disabledCommands: []
}

/** The presets by name. */
export const presets: { readonly [name: string]: Profile } = { nrf9160, nrf9151 }

/** A profile could not be made: unknown preset or an invalid value. */
export class InvalidProfile extends Data.TaggedError("InvalidProfile")<{ readonly reason: string }> {
  override get message() {
    return this.reason
  }
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** Checks every field of a profile; returns the problems found (empty when valid). */
export const problems = (profile: Profile): ReadonlyArray<string> => {
  const found: Array<string> = []
  const text = (name: keyof Profile, pattern: RegExp, what: string) => {
    const value = profile[name]
    if (typeof value !== "string" || !pattern.test(value)) found.push(`${name} must be ${what}`)
  }
  text("chip", /^nRF91\d\d$/, "like nRF9160")
  text("model", /^[\x21-\x7e]+$/, "printable ASCII without spaces")
  text("firmware", /^[\x20-\x7e]*\d+\.\d+\.\d+[\x20-\x7e]*$/, "printable ASCII containing an x.y.z version")
  text("hardwareVersion", /^[\x20-\x7e]+$/, "printable ASCII")
  text("shortSoftwareVersion", /^[\x20-\x7e]+$/, "printable ASCII")
  text("firmwareUuid", uuidPattern, "a lowercase UUID")
  text("imeiTac", /^\d{8}$/, "8 digits")
  text("imeiSvn", /^\d{2}$/, "2 digits")
  if (!Number.isInteger(profile.deviceType) || profile.deviceType < 0 || profile.deviceType > 255)
    found.push("deviceType must be an integer 0..255")
  const { maxEntries, maxBytes } = profile.capacity ?? {}
  if (!Number.isInteger(maxEntries) || maxEntries! < 1) found.push("capacity.maxEntries must be a positive integer")
  if (!Number.isInteger(maxBytes) || maxBytes! < 1) found.push("capacity.maxBytes must be a positive integer")
  if (!Number.isInteger(profile.jwtMaxClaimBytes) || profile.jwtMaxClaimBytes < 1)
    found.push("jwtMaxClaimBytes must be a positive integer")
  for (const flag of [
    "strictContent",
    "deviceUuidCommand",
    "endorsementKey",
    "keygenOverwrites",
    "networkTime"
  ] as const)
    if (typeof profile[flag] !== "boolean") found.push(`${flag} must be true or false`)
  if (!Array.isArray(profile.disabledCommands) || profile.disabledCommands.some((c) => typeof c !== "string"))
    found.push("disabledCommands must be a list of command names")
  return found
}

/**
 * The profile of a preset with some fields replaced. Fails with {@link InvalidProfile} for an unknown preset,
 * an unknown field or an invalid value.
 */
export const make = (preset: string, overrides: Partial<Profile> = {}): Result.Result<Profile, InvalidProfile> => {
  const base = Object.hasOwn(presets, preset) ? presets[preset] : undefined
  if (base === undefined)
    return Result.fail(
      new InvalidProfile({
        reason: `unknown profile preset "${preset}" (known: ${Object.keys(presets).join(", ")})`
      })
    )
  const unknown = Object.keys(overrides).filter((key) => !Object.hasOwn(base, key))
  if (unknown.length > 0)
    return Result.fail(new InvalidProfile({ reason: `unknown profile field(s): ${unknown.join(", ")}` }))
  const merged: Profile = { ...base, ...overrides, preset }
  const found = problems(merged)
  return found.length > 0
    ? Result.fail(new InvalidProfile({ reason: `invalid profile: ${found.join("; ")}` }))
    : Result.succeed({ ...merged, disabledCommands: merged.disabledCommands.map((c) => c.toUpperCase()) })
}
