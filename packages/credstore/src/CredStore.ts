/**
 * The modem's credential storage (`%CMNG` semantics) as an Effect service over a {@link CredentialStorage}
 * backend.
 *
 * Order of checks (deterministic; the first failing check decides the error):
 *
 * - write: 1. `secTag` not an integer in `0..4294967295` → `InvalidParameter`; 2. `type` not an integer in
 *   `0..11` → `InvalidParameter`; 3. `secTag` above `2147483647` → `NoAccess`; 4. type 6..11 → `NoAccess`;
 *   5. empty content → `InvalidParameter`; 6. a password for a type other than 2 → `InvalidParameter`;
 *   7. a password longer than 32 bytes → `InvalidParameter`; 8. `overwrite: false` and the pair exists →
 *   `AlreadyExists`; 9. the configured validator rejects the content → `InvalidContent`; 10. capacity exceeded →
 *   `MemoryFull`; 11. saving fails → `StorageError`.
 * - read: 1, 2, 3 as for write; 4. type not readable (only 0, 1 and 4 are) → `NoAccess`; 5. absent → `NotFound`.
 * - delete: 1–4 as for write; 5. absent → `NotFound`; 6. saving fails → `StorageError`.
 * - secret: 1, 2 as for write; 3. absent (user or modem-owned) → `NotFound`.
 * - list never fails; a filter value that is not a valid tag or type simply matches nothing.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Semaphore from "effect/Semaphore"
import type { ContentValidator } from "./ContentValidator.ts"
import {
  byteLength,
  ClientPrivateKey,
  type Credential,
  type CredentialType,
  EndorsementPrivateKey,
  type Entry,
  isCredentialType,
  isModemOwnedSecTag,
  isReadableType,
  isSecTag,
  isUserWritableType,
  MAX_SEC_TAG,
  type Secret,
  sha256Hex
} from "./Credential.ts"
import { CredentialStorage, CURRENT_VERSION, Snapshot } from "./CredentialStorage.ts"
import {
  AlreadyExists,
  type CredStoreError,
  InvalidContent,
  InvalidParameter,
  MemoryFull,
  NoAccess,
  NotFound,
  StorageError
} from "./CredStoreError.ts"
import { issuePath } from "./internal/schemaIssue.ts"

/**
 * The longest password accepted with a type 2 key, in UTF-8 bytes (32 ASCII characters).
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_PASSWORD_BYTES = 32

/**
 * What to write. `overwrite` defaults to `true` (the modem's "write or update"); with `false` an existing pair
 * fails with `AlreadyExists`. An empty password is the same as none.
 *
 * @since 0.1.0
 * @category models
 */
export interface WriteInput {
  readonly secTag: number
  readonly type: number
  readonly content: string
  readonly password?: string
  readonly overwrite?: boolean
  /**
   * The modem itself stores a key it generated (`%KEYGEN` of an endorsement key): type 8 is then accepted at a
   * user sec_tag. Hosts never set this; over AT, types 6..11 stay modem-owned.
   */
  readonly generatedByModem?: boolean
}

/**
 * Which entries to list: all, one security tag, or one pair.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListFilter {
  readonly secTag?: number
  readonly type?: number
}

/**
 * The credential store.
 *
 * @since 0.1.0
 * @category services
 */
export class CredStore extends Context.Service<
  CredStore,
  {
    /** Stores a credential; succeeds only once the backend saved it durably. Writes are serialised. */
    readonly write: (input: WriteInput) => Effect.Effect<Entry, CredStoreError>
    /** Every matching entry, modem-owned ones included, ascending by security tag then type. */
    readonly list: (filter?: ListFilter) => Effect.Effect<ReadonlyArray<Entry>>
    /** A readable credential (types 0, 1 and 4) with its content. */
    readonly read: (secTag: number, type: number) => Effect.Effect<Credential, CredStoreError>
    /** Removes a user credential; succeeds only once the backend saved the change durably. */
    readonly delete: (secTag: number, type: number) => Effect.Effect<void, CredStoreError>
    /**
     * Modem-internal access to any stored credential, modem-owned or not, readable or not (for example the type
     * 2 key that signs a token). Never expose it to a host.
     */
    readonly secret: (secTag: number, type: number) => Effect.Effect<Secret, NotFound | InvalidParameter>
  }
>()("@atmodem/credstore/CredStore") {}

/**
 * How much the store holds: user entries and the total UTF-8 bytes of their contents. Modem-owned entries do not
 * count (the modem keeps them in its own area).
 *
 * @since 0.1.0
 * @category models
 */
export interface Capacity {
  readonly maxEntries: number
  readonly maxBytes: number
}

/**
 * The default capacity: 32 entries and 32 KiB of content. Nordic does not publish the modem's credential
 * storage size; this is chosen to hold about ten TLS security tags (CA certificate, client certificate and key
 * each) while still being small enough to run out of.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultCapacity: Capacity = { maxEntries: 32, maxBytes: 32 * 1024 }

/**
 * A credential that belongs to the modem: listed, available through `secret`, never written, read or deleted by
 * users. Its security tag must be above `2147483647` or its type 6..11.
 *
 * @since 0.1.0
 * @category models
 */
export interface ModemOwnedEntry {
  readonly secTag: number
  readonly type: CredentialType
  readonly content: string
}

/**
 * How to build a store. Without `validator` any non-empty content is accepted (the lenient profile). Without
 * `modemOwned` the store has no modem-owned entries.
 *
 * @since 0.1.0
 * @category models
 */
export interface Config {
  readonly capacity: Capacity
  readonly validator?: ContentValidator
  readonly modemOwned?: ReadonlyArray<ModemOwnedEntry>
}

interface Stored {
  readonly secTag: number
  readonly type: CredentialType
  readonly content: string
  readonly password: string | undefined
  readonly sha256: string
  readonly bytes: number
}

const keyOf = (secTag: number, type: number): string => `${secTag}/${type}`

const toStored = (entry: {
  readonly secTag: number
  readonly type: CredentialType
  readonly content: string
  readonly password?: string | undefined
}): Stored => ({
  secTag: entry.secTag,
  type: entry.type,
  content: entry.content,
  password: entry.password,
  sha256: sha256Hex(entry.content),
  bytes: byteLength(entry.content)
})

const toEntry = (stored: Stored): Entry => ({ secTag: stored.secTag, type: stored.type, sha256: stored.sha256 })

const byTagThenType = (a: Stored, b: Stored): number => a.secTag - b.secTag || a.type - b.type

const toSnapshot = (entries: ReadonlyMap<string, Stored>): Snapshot => ({
  version: CURRENT_VERSION,
  entries: [...entries.values()].sort(byTagThenType).map((stored) => ({
    secTag: stored.secTag,
    type: stored.type as Snapshot["entries"][number]["type"],
    content: stored.content,
    ...(stored.password === undefined ? {} : { password: stored.password })
  }))
})

/** Checks 1 and 2 of every operation but list. */
const checkPair = (secTag: number, type: number): Effect.Effect<CredentialType, InvalidParameter> => {
  if (!isSecTag(secTag)) {
    return Effect.fail(
      new InvalidParameter({
        parameter: "secTag",
        secTag,
        type,
        reason: `sec_tag ${secTag} is not an integer in 0..${MAX_SEC_TAG}`
      })
    )
  }
  if (!isCredentialType(type)) {
    return Effect.fail(
      new InvalidParameter({ parameter: "type", secTag, type, reason: `type ${type} is not an integer in 0..11` })
    )
  }
  return Effect.succeed(type)
}

/** Check 3 of write, read and delete. */
const checkUserTag = (secTag: number, type: CredentialType): Effect.Effect<void, NoAccess> =>
  isModemOwnedSecTag(secTag)
    ? Effect.fail(new NoAccess({ secTag, type, reason: `sec_tag ${secTag} belongs to the modem` }))
    : Effect.void

/** Check 4 of write and delete. */
const checkWritableType = (secTag: number, type: CredentialType): Effect.Effect<void, NoAccess> =>
  isUserWritableType(type)
    ? Effect.void
    : Effect.fail(new NoAccess({ secTag, type, reason: `credential type ${type} belongs to the modem` }))

const checkModemOwned = (entries: ReadonlyArray<ModemOwnedEntry>): string | undefined => {
  const seen = new Set<string>()
  for (const entry of entries) {
    const where = `modem-owned entry ${entry.secTag},${entry.type}`
    if (!isSecTag(entry.secTag) || !isCredentialType(entry.type)) return `${where} is not a valid pair`
    if (!isModemOwnedSecTag(entry.secTag) && isUserWritableType(entry.type)) {
      return `${where} is in the users' range (needs a sec_tag above 2147483647 or a type 6..11)`
    }
    if (entry.content === "") return `${where} has empty content`
    if (seen.has(keyOf(entry.secTag, entry.type))) return `${where} appears twice`
    seen.add(keyOf(entry.secTag, entry.type))
  }
  return undefined
}

/**
 * Builds a store: loads the backend's snapshot once (a snapshot that does not decode is a `StorageError`) and
 * keeps the state in memory; every change is saved before it is acknowledged. A snapshot holding more than the
 * capacity (after the capacity was lowered) loads; writes then fail with `MemoryFull` until space is freed.
 * Invalid `modemOwned` entries are a defect.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (config: Config): Effect.Effect<CredStore["Service"], StorageError, CredentialStorage> =>
  Effect.gen(function* () {
    const modemOwnedProblem = checkModemOwned(config.modemOwned ?? [])
    if (modemOwnedProblem !== undefined) return yield* Effect.die(new Error(modemOwnedProblem))
    const modemOwned = new Map(
      (config.modemOwned ?? []).map((entry) => [keyOf(entry.secTag, entry.type), toStored(entry)])
    )

    const storage = yield* CredentialStorage
    const loaded = yield* storage.load
    const snapshot = yield* Schema.decodeUnknownEffect(Snapshot)(loaded).pipe(
      Effect.mapError(
        (error) =>
          new StorageError({ reason: `stored credentials do not match the snapshot schema${issuePath(error)}` })
      )
    )
    const state = yield* Ref.make<ReadonlyMap<string, Stored>>(
      new Map(snapshot.entries.map((entry) => [keyOf(entry.secTag, entry.type), toStored(entry)]))
    )
    const writeLock = yield* Semaphore.make(1)

    // Save first, then publish: a failed save leaves memory as it was. Uninterruptible so that a save that
    // reached the backend is never left out of memory.
    const commit = (next: ReadonlyMap<string, Stored>) =>
      Effect.uninterruptible(Effect.andThen(storage.save(toSnapshot(next)), Ref.set(state, next)))

    const write = (input: WriteInput): Effect.Effect<Entry, CredStoreError> =>
      writeLock.withPermit(
        Effect.gen(function* () {
          const { secTag, content } = input
          const type = yield* checkPair(secTag, input.type)
          yield* checkUserTag(secTag, type)
          if (!(input.generatedByModem === true && type === EndorsementPrivateKey))
            yield* checkWritableType(secTag, type)
          if (content === "") {
            return yield* new InvalidParameter({ parameter: "content", secTag, type, reason: "content is empty" })
          }
          const password = input.password === "" ? undefined : input.password
          if (password !== undefined && type !== ClientPrivateKey) {
            return yield* new InvalidParameter({
              parameter: "password",
              secTag,
              type,
              reason: `a password is only accepted with a type 2 key, not type ${type}`
            })
          }
          if (password !== undefined && byteLength(password) > MAX_PASSWORD_BYTES) {
            return yield* new InvalidParameter({
              parameter: "password",
              secTag,
              type,
              reason: `the password is longer than ${MAX_PASSWORD_BYTES} bytes`
            })
          }
          const current = yield* Ref.get(state)
          const key = keyOf(secTag, type)
          const previous = current.get(key)
          if (previous !== undefined && input.overwrite === false) {
            return yield* new AlreadyExists({ secTag, type, reason: `sec_tag ${secTag} type ${type} already exists` })
          }
          if (config.validator !== undefined) {
            yield* config
              .validator({ secTag, type, content, ...(password === undefined ? {} : { password }) })
              .pipe(Effect.mapError((error) => new InvalidContent({ secTag, type, reason: error.reason })))
          }
          const stored = toStored({ secTag, type, content, password })
          const { maxEntries, maxBytes } = config.capacity
          const others = [...current.values()].filter((other) => other !== previous)
          if (others.length + 1 > maxEntries) {
            return yield* new MemoryFull({
              secTag,
              type,
              reason: `the store already holds its maximum of ${maxEntries} entries`
            })
          }
          const bytes = others.reduce((sum, other) => sum + other.bytes, stored.bytes)
          if (bytes > maxBytes) {
            return yield* new MemoryFull({
              secTag,
              type,
              reason: `storing ${stored.bytes} bytes would bring the store to ${bytes} bytes, above its capacity of ${maxBytes}`
            })
          }
          const next = new Map(current)
          next.set(key, stored)
          yield* commit(next)
          return toEntry(stored)
        })
      )

    const list = (filter: ListFilter = {}): Effect.Effect<ReadonlyArray<Entry>> =>
      Effect.map(Ref.get(state), (current) =>
        [...current.values(), ...modemOwned.values()]
          .filter(
            (stored) =>
              (filter.secTag === undefined || stored.secTag === filter.secTag) &&
              (filter.type === undefined || stored.type === filter.type)
          )
          .sort(byTagThenType)
          .map(toEntry)
      )

    const read = (secTag: number, type: number): Effect.Effect<Credential, CredStoreError> =>
      Effect.gen(function* () {
        const checked = yield* checkPair(secTag, type)
        yield* checkUserTag(secTag, checked)
        if (!isReadableType(checked)) {
          return yield* new NoAccess({ secTag, type: checked, reason: `credential type ${type} is not readable` })
        }
        const stored = (yield* Ref.get(state)).get(keyOf(secTag, type))
        if (stored === undefined) return yield* notFound(secTag, checked)
        return { ...toEntry(stored), content: stored.content }
      })

    const del = (secTag: number, type: number): Effect.Effect<void, CredStoreError> =>
      writeLock.withPermit(
        Effect.gen(function* () {
          const checked = yield* checkPair(secTag, type)
          yield* checkUserTag(secTag, checked)
          yield* checkWritableType(secTag, checked)
          const current = yield* Ref.get(state)
          const key = keyOf(secTag, type)
          if (!current.has(key)) return yield* notFound(secTag, checked)
          const next = new Map(current)
          next.delete(key)
          yield* commit(next)
        })
      )

    const secret = (secTag: number, type: number): Effect.Effect<Secret, NotFound | InvalidParameter> =>
      Effect.gen(function* () {
        const checked = yield* checkPair(secTag, type)
        const key = keyOf(secTag, type)
        const stored = (yield* Ref.get(state)).get(key) ?? modemOwned.get(key)
        if (stored === undefined) return yield* notFound(secTag, checked)
        return stored.password === undefined
          ? { content: stored.content }
          : { content: stored.content, password: stored.password }
      })

    return CredStore.of({ write, list, read, delete: del, secret })
  })

const notFound = (secTag: number, type: CredentialType) =>
  Effect.fail(new NotFound({ secTag, type, reason: `sec_tag ${secTag} type ${type} is not stored` }))

/**
 * The store as a layer over a {@link CredentialStorage}.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (config: Config): Layer.Layer<CredStore, StorageError, CredentialStorage> =>
  Layer.effect(CredStore, make(config))
