/**
 * A modem's state directory: one directory per simulated modem, owned by one process at a time, whose files
 * are replaced atomically and durably. The credential file store is built on it; the modem keeps its identity
 * file in the same directory with the same guarantees.
 *
 * - The directory is created with mode 0700 when missing (an existing directory keeps its mode).
 * - Files are written with mode 0600 to `<name>.tmp`, fsynced, renamed over `<name>`, and the directory is
 *   fsynced, so after a crash a reader sees either the old or the new file, never a mix.
 * - Ownership is a lock file `lock` holding the owner's process id. It is created atomically with its content
 *   (written to a private file, then hard-linked to `lock`, which fails if `lock` exists). A lock whose process
 *   is no longer alive (killed, crashed) is stale and is taken over. Two processes taking over the same stale
 *   lock at the very same moment could both succeed; outside that window a second owner is refused.
 *   Candidate files (`lock.<pid>.<nonce>`) left by processes killed while locking are removed by the next owner.
 *
 * These functions use the platform's `FileSystem` service (`@effect/platform-node`'s `NodeFileSystem` on Node,
 * Deno and Bun). The directory fsync opens the directory read-only and syncs that handle (POSIX).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as FileSystem from "effect/FileSystem"
import * as Option from "effect/Option"
import * as Path from "effect/Path"
import type { PlatformError } from "effect/PlatformError"
import * as Random from "effect/Random"
import type * as Scope from "effect/Scope"
import { StorageError } from "./CredStoreError.ts"

/**
 * The name of the lock file inside a state directory.
 *
 * @since 0.1.0
 * @category constants
 */
export const LOCK_FILE = "lock"

const failure =
  (action: string, path: string) =>
  (error: PlatformError): StorageError =>
    new StorageError({ reason: `${action} ${path} failed: ${error.message}`, path, cause: error })

const encoder = new TextEncoder()

/**
 * Replaces the file at `path` with `data`, durably: write `<path>.tmp` (mode 0600), fsync it, rename it over
 * `path`, fsync the directory. Succeeds only once all of that is done. Callers serialise writes to one path.
 *
 * @since 0.1.0
 * @category files
 */
export const writeFileDurably = (
  path: string,
  data: string | Uint8Array
): Effect.Effect<void, StorageError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const paths = yield* Path.Path
    const temp = `${path}.tmp`
    const bytes = typeof data === "string" ? encoder.encode(data) : data
    // A temp file left by a crash is removed, so "wx" creates a fresh file with our mode.
    yield* fs.remove(temp, { force: true }).pipe(Effect.mapError(failure("removing", temp)))
    yield* Effect.scoped(
      Effect.gen(function* () {
        const file = yield* fs.open(temp, { flag: "wx", mode: 0o600 })
        yield* file.writeAll(bytes)
        yield* file.sync
      })
    ).pipe(Effect.mapError(failure("writing", temp)))
    yield* fs.rename(temp, path).pipe(Effect.mapError(failure("renaming", `${temp} to`)))
    yield* syncDirectory(paths.dirname(path))
  })

/**
 * Fsyncs a directory, so a rename or a new file in it survives a crash.
 *
 * @since 0.1.0
 * @category files
 */
export const syncDirectory = (directory: string): Effect.Effect<void, StorageError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    yield* Effect.scoped(Effect.flatMap(fs.open(directory, { flag: "r" }), (handle) => handle.sync)).pipe(
      Effect.mapError(failure("syncing directory", directory))
    )
  })

/**
 * The largest state file read (16 MiB): far above any real store, far below what would exhaust memory.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_FILE_BYTES = 16 * 1024 * 1024

// Fatal: a lenient decoder would turn bad bytes into U+FFFD, and the next save would write that "repair" back.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true })

/**
 * The text of the file at `path`, or `None` when there is no such file. A file that is not UTF-8 or is larger
 * than {@link MAX_FILE_BYTES} is an error (reported, never repaired).
 *
 * @since 0.1.0
 * @category files
 */
export const readFileIfExists = (
  path: string
): Effect.Effect<Option.Option<string>, StorageError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const info = yield* fs.stat(path).pipe(
      Effect.map(Option.some),
      Effect.catchReason("PlatformError", "NotFound", () => Effect.succeed(Option.none<FileSystem.File.Info>())),
      Effect.mapError(failure("reading", path))
    )
    if (Option.isNone(info)) return Option.none()
    if (Number(info.value.size) > MAX_FILE_BYTES)
      return yield* new StorageError({
        reason: `${path} is ${Number(info.value.size)} bytes, too large for a state file (at most ${MAX_FILE_BYTES}); it was left untouched`,
        path
      })
    const bytes = yield* fs.readFile(path).pipe(Effect.mapError(failure("reading", path)))
    return yield* Effect.try({
      try: () => Option.some(strictUtf8.decode(bytes)),
      catch: () => new StorageError({ reason: `${path} is not valid UTF-8 (corrupt?); it was left untouched`, path })
    })
  })

const currentProcess = (): NodeJS.Process | undefined => (globalThis as { process?: NodeJS.Process }).process

/** Whether a process exists. Anything but "no such process" counts as alive (EPERM: it exists, not ours). */
const isAlive = (pid: number): Effect.Effect<boolean> => {
  const proc = currentProcess()
  if (proc === undefined || pid === proc.pid) return Effect.succeed(true)
  return Effect.try({ try: () => proc.kill(pid, 0), catch: (error) => error }).pipe(
    Effect.as(true),
    Effect.catch((error) => Effect.succeed((error as { code?: unknown }).code !== "ESRCH"))
  )
}

/** The process id in a lock file's text, if it holds one. */
const parseHolder = (text: string): number | undefined => {
  const first = text.split("\n")[0] ?? ""
  return /^[1-9][0-9]*$/.test(first) ? Number(first) : undefined
}

/**
 * Takes ownership of a state directory for the lifetime of the scope: creates it (mode 0700) when missing and
 * holds its lock file, which is removed when the scope closes. Fails with a `StorageError` saying
 * "state directory X is in use by process N" when a live process holds it (this process included, through
 * another scope). A stale lock (its process is gone) is taken over.
 *
 * @since 0.1.0
 * @category ownership
 */
export const acquire = (
  directory: string
): Effect.Effect<void, StorageError, FileSystem.FileSystem | Path.Path | Scope.Scope> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const paths = yield* Path.Path
    yield* fs
      .makeDirectory(directory, { recursive: true, mode: 0o700 })
      .pipe(Effect.mapError(failure("creating directory", directory)))

    const lockPath = paths.join(directory, LOCK_FILE)
    const pid = currentProcess()?.pid ?? 0
    const nonce = (yield* Random.nextIntBetween(0, Number.MAX_SAFE_INTEGER)).toString(36)
    const token = `${pid}\n${nonce}\n`
    const candidate = paths.join(directory, `${LOCK_FILE}.${pid}.${nonce}`)

    const inUse = (holder: number) =>
      new StorageError({ reason: `state directory ${directory} is in use by process ${holder}`, path: directory })

    // Links the fully written candidate to `lock`; on EEXIST looks at the holder and takes over a stale lock.
    const take = (attempts: number): Effect.Effect<void, StorageError> =>
      fs.link(candidate, lockPath).pipe(
        Effect.catchReason("PlatformError", "AlreadyExists", () =>
          Effect.gen(function* () {
            if (attempts <= 1) {
              return yield* new StorageError({
                reason: `could not lock state directory ${directory}: its lock file keeps changing`,
                path: lockPath
              })
            }
            const text = yield* readFileIfExists(lockPath).pipe(Effect.provideService(FileSystem.FileSystem, fs))
            if (Option.isNone(text)) return yield* take(attempts - 1)
            const holder = parseHolder(text.value)
            if (holder === undefined) {
              return yield* new StorageError({
                reason: `lock file ${lockPath} does not hold a process id; remove it if no process uses ${directory}`,
                path: lockPath
              })
            }
            if (yield* isAlive(holder)) return yield* inUse(holder)
            yield* fs.remove(lockPath, { force: true })
            return yield* take(attempts - 1)
          })
        ),
        Effect.mapError((error) => (error._tag === "StorageError" ? error : failure("locking", lockPath)(error)))
      )

    yield* fs
      .writeFileString(candidate, token, { flag: "wx", mode: 0o600 })
      .pipe(Effect.mapError(failure("writing", candidate)))
    yield* Effect.ensuring(take(3), Effect.ignore(fs.remove(candidate, { force: true })))

    // A process killed while locking leaves its candidate file behind; tidy those of dead processes.
    const names = yield* Effect.orElseSucceed(fs.readDirectory(directory), (): Array<string> => [])
    for (const name of names) {
      const pidOf = /^lock\.([1-9][0-9]*)\.[0-9a-z]+$/.exec(name)?.[1]
      if (pidOf !== undefined && !(yield* isAlive(Number(pidOf)))) {
        yield* Effect.ignore(fs.remove(paths.join(directory, name), { force: true }))
      }
    }

    // Remove the lock only while it is still ours.
    yield* Effect.addFinalizer(() =>
      Effect.ignore(
        Effect.gen(function* () {
          const text = yield* fs.readFileString(lockPath)
          if (text === token) yield* fs.remove(lockPath)
        })
      )
    )
  })
