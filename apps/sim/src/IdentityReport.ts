/**
 * `atmodem-sim identity`: who the modem of a state directory is — IMEI, device and firmware UUIDs, and the device
 * identity public key (PEM and JWK, with its `kid`) that verifies its default-key `%JWT` tokens. Reading an
 * existing identity takes no lock, so it works while the simulator runs; a state directory without an identity
 * gets one made (as the simulator would on first start).
 *
 * @since 0.1.0
 */
import { Key } from "@atmodem/jwt-core"
import { type Identity, IdentityStore, Modem, Profile, Setup } from "@atmodem/modem-sim"
import * as Effect from "effect/Effect"
import * as FileSystem from "effect/FileSystem"
import * as Result from "effect/Result"
import type { Config } from "./Config.ts"
import { modemLayer, setupOptions } from "./Simulator.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface Report {
  readonly profile: string
  readonly stateDir: string | undefined
  readonly imei: string
  readonly deviceUuid: string
  readonly firmwareUuid: string
  readonly kid: string
  readonly publicKeyPem: string
  /** The JWK with its `kid`. */
  readonly publicKeyJwk: Key.PublicJwk & { readonly kid: string }
}

/**
 * The report of an identity.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (profile: Profile.Profile, identity: Identity.Identity, stateDir: string | undefined): Report => ({
  profile: profile.preset,
  stateDir,
  imei: identity.imei,
  deviceUuid: identity.deviceUuid,
  firmwareUuid: profile.firmwareUuid,
  kid: Key.kid(identity.key.publicKey),
  publicKeyPem: Key.spkiPem(identity.key.publicKey),
  publicKeyJwk: { ...Key.publicJwk(identity.key.publicKey), kid: Key.kid(identity.key.publicKey) }
})

/**
 * The report as text for a person.
 *
 * @since 0.1.0
 * @category formatting
 */
export const format = (report: Report): string =>
  [
    `profile        ${report.profile}`,
    `state          ${report.stateDir ?? "in memory (--ephemeral)"}`,
    `IMEI           ${report.imei}`,
    `device UUID    ${report.deviceUuid}`,
    `firmware UUID  ${report.firmwareUuid}`,
    `kid            ${report.kid}`,
    "public key (PEM):",
    report.publicKeyPem.trimEnd(),
    "public key (JWK):",
    JSON.stringify(report.publicKeyJwk),
    ""
  ].join("\n")

/**
 * Loads (or makes) the identity the configuration points at and reports it.
 *
 * @since 0.1.0
 * @category program
 */
export const load = (config: Config) =>
  Effect.gen(function* () {
    const profileResult = Profile.make(config.profile, config.networkTime ? { networkTime: true } : {})
    if (Result.isFailure(profileResult)) return yield* profileResult.failure
    const profile = profileResult.success
    const stateDir = config.stateDir
    if (stateDir !== undefined) {
      const fs = yield* FileSystem.FileSystem
      const exists = yield* fs.exists(`${stateDir}/${IdentityStore.FILE_NAME}`).pipe(Effect.orElseSucceed(() => false))
      if (exists) {
        const identity = yield* IdentityStore.loadOrCreate(
          stateDir,
          () => Setup.newIdentity(profile, setupOptions(config)),
          overrides(config),
          {
            seeded: config.seed !== undefined
          }
        )
        return make(profile, identity, stateDir)
      }
    }
    // No identity yet: start the modem once (taking the directory's lock) so that it is made and stored.
    const modem = yield* Effect.gen(function* () {
      return yield* Modem.ModemService
    }).pipe(Effect.provide(modemLayer(config)))
    return make(modem.profile, modem.identity, stateDir)
  })

const overrides = (config: Config): Identity.Overrides => (config.imei === undefined ? {} : { imei: config.imei })
