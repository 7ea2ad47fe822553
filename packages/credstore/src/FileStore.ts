/**
 * The embedded file store, the simulator's default {@link CredentialStorage}: one state directory per modem,
 * holding `credentials.json`.
 *
 * - `save` replaces `credentials.json` durably (temp file, fsync, rename, directory fsync; mode 0600) and only
 *   then succeeds, so an acknowledged write survives a crash or `SIGKILL`.
 * - `load` decodes the file with Effect Schema. A missing file is an empty store. Bytes that are not UTF-8,
 *   invalid JSON, an unknown version, a schema mismatch, a field this version does not know, or a file over
 *   `StateDirectory.MAX_FILE_BYTES` is a `StorageError` naming the file; the file is never wiped, repaired or
 *   overwritten because of it (the store fails to start instead).
 * - {@link layer} owns the directory for its lifetime (see `StateDirectory.acquire`): a second process opening
 *   the same directory is refused with "state directory X is in use by process N".
 *
 * @since 0.1.0
 */

import * as Effect from "effect/Effect"
import * as FileSystem from "effect/FileSystem"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Path from "effect/Path"
import * as Schema from "effect/Schema"
import { CredentialStorage, CURRENT_VERSION, empty, Snapshot } from "./CredentialStorage.ts"
import { StorageError } from "./CredStoreError.ts"
import { issuePath } from "./internal/schemaIssue.ts"
import * as StateDirectory from "./StateDirectory.ts"

/**
 * The name of the credentials file inside the state directory.
 *
 * @since 0.1.0
 * @category constants
 */
export const FILE_NAME = "credentials.json"

/**
 * Decodes the text of a credentials file; `file` names it in errors.
 *
 * @since 0.1.0
 * @category codec
 */
/** Where JSON.parse stopped, from its message (never the message itself: it quotes the text). */
const jsonPosition = (cause: unknown): string => {
  const match = /position (\d+)/.exec(cause instanceof Error ? cause.message : "")
  return match === null ? "" : ` at byte ${match[1]}`
}

export const decode = (file: string, text: string): Effect.Effect<Snapshot, StorageError> =>
  Effect.gen(function* () {
    const json = yield* Effect.try({
      try: (): unknown => JSON.parse(text),
      // The parser's message quotes the file, which may hold keys: only the position is reported.
      catch: (cause) =>
        new StorageError({
          reason: `credentials file ${file} is corrupt (not valid JSON${jsonPosition(cause)}); it was left untouched`,
          path: file
        })
    })
    const version = typeof json === "object" && json !== null ? (json as { version?: unknown }).version : undefined
    if (version !== CURRENT_VERSION) {
      return yield* new StorageError({
        reason:
          version === undefined
            ? `credentials file ${file} has no version; it was left untouched`
            : `credentials file ${file} has version ${JSON.stringify(version)}, this build reads only version ${CURRENT_VERSION}; it was left untouched`,
        path: file
      })
    }
    // Unknown fields are an error, not dropped: the next save would otherwise delete them without a word.
    return yield* Schema.decodeUnknownEffect(Snapshot, { onExcessProperty: "error" })(json).pipe(
      Effect.mapError(
        (error) =>
          new StorageError({
            reason: `credentials file ${file} does not match version ${CURRENT_VERSION}${issuePath(error)}; it was left untouched`,
            path: file
          })
      )
    )
  })

/**
 * The text written for a snapshot: indented JSON with a final newline.
 *
 * @since 0.1.0
 * @category codec
 */
export const encode = (snapshot: Snapshot): string => `${JSON.stringify(snapshot, null, 2)}\n`

/**
 * The file store of `directory`, without taking the directory's lock: for a caller that already holds it
 * through `StateDirectory.acquire` (for example to keep other files in the same directory).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  directory: string
): Effect.Effect<CredentialStorage["Service"], never, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const paths = yield* Path.Path
    const file = paths.join(directory, FILE_NAME)
    const load = StateDirectory.readFileIfExists(file).pipe(
      Effect.flatMap(Option.match({ onNone: () => Effect.succeed(empty), onSome: (text) => decode(file, text) })),
      Effect.provideService(FileSystem.FileSystem, fs)
    )
    const save = (snapshot: Snapshot) =>
      StateDirectory.writeFileDurably(file, encode(snapshot)).pipe(
        Effect.provideService(FileSystem.FileSystem, fs),
        Effect.provideService(Path.Path, paths)
      )
    return CredentialStorage.of({ load, save })
  })

/**
 * The file store of `directory`, owning the directory (created with mode 0700 if missing, locked) for the
 * layer's lifetime.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  directory: string
): Layer.Layer<CredentialStorage, StorageError, FileSystem.FileSystem | Path.Path> =>
  Layer.effect(CredentialStorage, Effect.andThen(StateDirectory.acquire(directory), make(directory)))
