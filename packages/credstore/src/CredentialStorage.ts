/**
 * The storage port of the credential store: load the whole snapshot once, save the whole snapshot on every
 * change. Backends: {@link layerMemory} here, and the crash-safe file store in `FileStore`.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import { MAX_USER_SEC_TAG } from "./Credential.ts"
import type { StorageError } from "./CredStoreError.ts"

/**
 * The one stored snapshot version this build reads and writes.
 *
 * @since 0.1.0
 * @category constants
 */
export const CURRENT_VERSION = 1 as const

/**
 * One credential in a snapshot. Only entries at user tags (`0..2147483647`) are stored, of the user types
 * `0..5` or an endorsement key (type 8) the modem generated there; other modem-owned entries come from the
 * store's configuration.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SnapshotEntry = Schema.Struct({
  secTag: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: MAX_USER_SEC_TAG })),
  type: Schema.Literals([0, 1, 2, 3, 4, 5, 8]),
  content: Schema.String.check(Schema.isMinLength(1)),
  password: Schema.optionalKey(Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(32)))
})

/**
 * @since 0.1.0
 * @category models
 */
export type SnapshotEntry = typeof SnapshotEntry.Type

/**
 * Everything the store persists, versioned. Each security tag / type pair appears at most once.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Snapshot = Schema.Struct({
  version: Schema.Literal(CURRENT_VERSION),
  entries: Schema.Array(SnapshotEntry).check(
    Schema.makeFilter((entries) => {
      const pairs = new Set(entries.map((entry) => `${entry.secTag}/${entry.type}`))
      return pairs.size === entries.length ? undefined : "a sec_tag/type pair appears more than once"
    })
  )
})

/**
 * @since 0.1.0
 * @category models
 */
export type Snapshot = typeof Snapshot.Type

/**
 * The snapshot of an empty store.
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty: Snapshot = { version: CURRENT_VERSION, entries: [] }

/**
 * Where the credential store keeps its snapshot. `save` succeeds only once the snapshot is durable in the
 * backend's sense; a failed `save` must leave the previously saved snapshot loadable.
 *
 * @since 0.1.0
 * @category services
 */
export class CredentialStorage extends Context.Service<
  CredentialStorage,
  {
    readonly load: Effect.Effect<Snapshot, StorageError>
    readonly save: (snapshot: Snapshot) => Effect.Effect<void, StorageError>
  }
>()("@atmodem/credstore/CredentialStorage") {}

/**
 * Storage in memory (nothing survives the process), starting from `initial` (empty by default).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (initial: Snapshot = empty): Layer.Layer<CredentialStorage> =>
  Layer.effect(
    CredentialStorage,
    Effect.map(Ref.make(initial), (ref) => ({
      load: Ref.get(ref),
      save: (snapshot: Snapshot) => Ref.set(ref, snapshot)
    }))
  )
