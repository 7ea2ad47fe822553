/**
 * The identity file of a state directory (`identity.json`, mode 0600, written durably): made on first start,
 * loaded afterwards. A seed or explicit field that disagrees with the stored identity is an error naming the
 * difference — the stored identity is never replaced behind the user's back.
 *
 * @since 0.1.0
 */
import { StateDirectory } from "@atmodem/credstore"
import { Key } from "@atmodem/jwt-core"
import * as Effect from "effect/Effect"
import type * as FileSystem from "effect/FileSystem"
import * as Option from "effect/Option"
import type * as Path from "effect/Path"
import * as Result from "effect/Result"
import * as Identity from "./Identity.ts"

export const FILE_NAME = "identity.json"

const mismatch = (file: string, what: string, stored: string, given: string) =>
  new Identity.InvalidIdentity({
    reason: `${file} holds ${what} ${stored}, but ${given} was asked for; use another state directory or drop the option`
  })

/** Checks a loaded identity against what the options ask for. */
const check = (
  file: string,
  stored: Identity.Identity,
  overrides: Identity.Overrides,
  seeded: Identity.Identity | undefined
): Effect.Effect<Identity.Identity, Identity.InvalidIdentity> => {
  if (overrides.imei !== undefined && overrides.imei !== stored.imei)
    return Effect.fail(mismatch(file, "IMEI", stored.imei, overrides.imei))
  if (overrides.deviceUuid !== undefined && overrides.deviceUuid !== stored.deviceUuid)
    return Effect.fail(mismatch(file, "device UUID", stored.deviceUuid, overrides.deviceUuid))
  if (seeded !== undefined && !Key.equals(seeded.key.publicKey, stored.key.publicKey))
    return Effect.fail(mismatch(file, "an identity key", "of another seed", "--seed's"))
  return Effect.succeed(stored)
}

/**
 * Loads the identity of `directory`, or makes one with `create` (then applies `overrides`) and stores it.
 * With `seeded`, `create` is deterministic and a stored identity must match it.
 */
export const loadOrCreate = (
  directory: string,
  create: () => Identity.Identity,
  overrides: Identity.Overrides,
  options: { readonly seeded: boolean }
): Effect.Effect<
  Identity.Identity,
  Identity.InvalidIdentity | import("@atmodem/credstore").CredStoreError.StorageError,
  FileSystem.FileSystem | Path.Path
> =>
  Effect.gen(function* () {
    const file = `${directory}/${FILE_NAME}`
    const existing = yield* StateDirectory.readFileIfExists(file)
    if (Option.isSome(existing)) {
      const stored = Identity.decode(existing.value, file)
      if (Result.isFailure(stored)) return yield* stored.failure
      return yield* check(file, stored.success, overrides, options.seeded ? create() : undefined)
    }
    const made = Identity.override(create(), overrides)
    if (Result.isFailure(made)) return yield* made.failure
    yield* StateDirectory.writeFileDurably(file, Identity.encode(made.success))
    return made.success
  })
