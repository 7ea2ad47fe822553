/**
 * Ready-made modems: in memory (tests, library users) or persisted in a state directory (the simulator's
 * embedded default). Both resolve the profile, make or load the identity, wire the credential store, signer
 * and entropy, and provide a {@link ModemService}.
 *
 * @since 0.1.0
 */
import { ContentValidator, CredentialStorage, CredStore, CredStoreError, FileStore } from "@atmodem/credstore"
import { Key, Signer } from "@atmodem/jwt-core"
import * as Effect from "effect/Effect"
import type * as FileSystem from "effect/FileSystem"
import * as Layer from "effect/Layer"
import type * as Path from "effect/Path"
import * as Result from "effect/Result"
import * as Entropy from "./Entropy.ts"
import * as Identity from "./Identity.ts"
import * as IdentityStore from "./IdentityStore.ts"
import * as Modem from "./Modem.ts"
import * as Profile from "./Profile.ts"

export interface Options {
  /** Preset name (default `nrf9160`). */
  readonly profile?: string | undefined
  /** Fields replacing the preset's. */
  readonly profileOverrides?: Partial<Profile.Profile> | undefined
  /** Derive identity and all randomness from this seed: same seed, same modem, same nonces. */
  readonly seed?: string | undefined
  /** Identity fields given explicitly. */
  readonly identity?: Identity.Overrides | undefined
  /** `native` (default: the runtime's crypto, fastest) or `noble` (pure JS, deterministic signatures). */
  readonly signer?: "native" | "noble" | undefined
}

const resolveProfile = (options: Options) =>
  fromResult(Profile.make(options.profile ?? "nrf9160", options.profileOverrides ?? {}))

const signerLayer = (options: Options) => (options.signer === "noble" ? Signer.layerNoble : Signer.layerNative)

const entropyFor = (options: Options) =>
  options.seed === undefined ? Entropy.secure : Entropy.seeded(`nonces:${options.seed}`)

/** A new identity: from the seed when there is one, else from the platform's CSPRNG. */
export const newIdentity = (profile: Profile.Profile, options: Options) =>
  Identity.generate(
    profile,
    options.seed === undefined ? Entropy.secure.bytesSync : Entropy.seeded(`identity:${options.seed}`).bytesSync
  )

/** The store settings a profile implies: capacity, strict validation with jwt-core's key parser, modem-owned. */
export const credStoreConfig = (profile: Profile.Profile, identity: Identity.Identity): CredStore.Config => ({
  capacity: profile.capacity,
  ...(profile.strictContent ? { validator: ContentValidator.combine({ 2: privateKeyValidator }) } : {}),
  modemOwned: Modem.modemOwnedCredentials(identity)
})

/** Strict profiles accept a type 2 credential only when it is a P-256 private key jwt-core can read. */
const privateKeyValidator: ContentValidator.ContentValidator = (input) =>
  Result.isSuccess(Key.parsePrivateKey(input.content, input.password === undefined ? {} : { password: input.password }))
    ? Effect.void
    : Effect.fail(
        new CredStoreError.InvalidContent({
          type: input.type,
          reason: "not a P-256 private key in PEM (or wrong password)"
        })
      )

const fromResult = <A, E>(result: Result.Result<A, E>): Effect.Effect<A, E> =>
  Result.isSuccess(result) ? Effect.succeed(result.success) : Effect.fail(result.failure)

/**
 * The modem over a storage layer. `identity` runs after the storage layer is built, so a persistent store
 * holds its directory lock before the identity file is read or created.
 */
const modemLayer = <E1, R1, E2, R2>(
  options: Options,
  storage: Layer.Layer<CredentialStorage.CredentialStorage, E1, R1>,
  identity: (profile: Profile.Profile) => Effect.Effect<Identity.Identity, E2, R2>
) =>
  Layer.effect(Modem.ModemService)(
    Effect.gen(function* () {
      const profile = yield* resolveProfile(options)
      const id = yield* identity(profile)
      const credentials = yield* CredStore.make(credStoreConfig(profile, id))
      return yield* Modem.make({ profile, identity: id }).pipe(Effect.provideService(CredStore.CredStore, credentials))
    })
  ).pipe(
    Layer.provide(storage),
    Layer.provide(signerLayer(options)),
    Layer.provide(Layer.succeed(Entropy.Entropy)(entropyFor(options)))
  )

/** Why a modem could not be set up. */
export type SetupError = Profile.InvalidProfile | Identity.InvalidIdentity | CredStoreError.StorageError

/** A modem whose credentials live in memory only. */
export const layerMemory = (options: Options = {}): Layer.Layer<Modem.ModemService, SetupError> =>
  modemLayer(options, CredentialStorage.layerMemory(), (profile) =>
    fromResult(Identity.override(newIdentity(profile, options), options.identity ?? {}))
  )

/**
 * A modem persisted in `stateDir`: credentials (`credentials.json`) and identity (`identity.json`), both
 * written durably with mode 0600 in a 0700 directory that this process locks while the layer lives. The
 * identity is made on first start (from the seed if given) and loaded afterwards; a seed or override that
 * disagrees with the stored identity is an error, never a silent replacement.
 */
export const layerPersistent = (
  options: Options & { readonly stateDir: string }
): Layer.Layer<Modem.ModemService, SetupError, FileSystem.FileSystem | Path.Path> =>
  modemLayer(options, FileStore.layer(options.stateDir), (profile) =>
    IdentityStore.loadOrCreate(options.stateDir, () => newIdentity(profile, options), options.identity ?? {}, {
      seeded: options.seed !== undefined
    })
  )
