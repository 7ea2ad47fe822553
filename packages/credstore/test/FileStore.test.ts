import { spawn } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { currentRuntime } from "../../../tooling/runtime.ts"
import { type CredentialStorage, CredStore, FileStore, StateDirectory } from "../src/index.ts"
import { platformLayer } from "./helpers/platform.ts"

const config: CredStore.Config = { capacity: CredStore.defaultCapacity }

/** A fresh temporary directory, removed when the test's scope closes. */
const tempDir = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "credstore-file-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

const storeLayer = (directory: string) =>
  CredStore.layer(config).pipe(Layer.provide(FileStore.layer(directory)), Layer.provide(platformLayer))

/** Runs `f` with a file-backed store on `directory`; the directory lock is released afterwards. */
const withStore = <A, E>(directory: string, f: (store: CredStore.CredStore["Service"]) => Effect.Effect<A, E>) =>
  Effect.provide(CredStore.CredStore.use(f), storeLayer(directory))

/** Why opening a file-backed store on `directory` fails. */
const openError = (directory: string) => Effect.flip(Effect.provide(Effect.void, storeLayer(directory)))

const mode = (path: string) => statSync(path).mode & 0o777

describe("FileStore", () => {
  it.live("persists across reopening: contents, passwords, SHA-256", () =>
    Effect.gen(function* () {
      const dir = join(yield* tempDir, "modem")
      const written = yield* withStore(dir, (store) =>
        Effect.gen(function* () {
          yield* store.write({ secTag: 1, type: 0, content: "ca\r\n" })
          yield* store.write({ secTag: 1, type: 2, content: "key", password: "pw" })
          yield* store.write({ secTag: 2, type: 4, content: "identity" })
          yield* store.delete(2, 4)
          return yield* store.list()
        })
      )
      const reopened = yield* withStore(dir, (store) =>
        Effect.all([store.list(), store.secret(1, 2), store.read(1, 0)])
      )
      assert.deepStrictEqual(reopened[0], written)
      assert.deepStrictEqual(reopened[1], { content: "key", password: "pw" })
      assert.strictEqual(reopened[2].content, "ca\r\n")
    })
  )

  it.live("creates the directory 0700 and the file 0600, leaving no temporary or lock files", () =>
    Effect.gen(function* () {
      const dir = join(yield* tempDir, "nested", "modem")
      yield* withStore(dir, (store) =>
        Effect.gen(function* () {
          yield* store.write({ secTag: 1, type: 1, content: "cert" })
          assert.deepStrictEqual(readdirSync(dir).sort(), ["credentials.json", "lock"])
          assert.strictEqual(readFileSync(join(dir, "lock"), "utf8").split("\n")[0], String(process.pid))
        })
      )
      assert.strictEqual(mode(dir), 0o700)
      assert.strictEqual(mode(join(dir, "credentials.json")), 0o600)
      assert.deepStrictEqual(readdirSync(dir), ["credentials.json"])
      const saved = JSON.parse(readFileSync(join(dir, "credentials.json"), "utf8"))
      assert.deepStrictEqual(saved, { version: 1, entries: [{ secTag: 1, type: 1, content: "cert" }] })
    })
  )

  it.live("an empty directory is an empty store", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      assert.deepStrictEqual(yield* withStore(dir, (store) => store.list()), [])
    })
  )

  it.live("a corrupt, unknown-version or mismatching file is a StorageError naming it, and is left untouched", () =>
    Effect.gen(function* () {
      const cases: Array<[string, string]> = [
        ['{"version":1,"entries":[', "is corrupt (not valid JSON"],
        ["", "is corrupt (not valid JSON"],
        ['{"version":2,"entries":[]}', "has version 2, this build reads only version 1"],
        ['{"entries":[]}', "has no version"],
        ["[1,2]", "has no version"],
        ['{"version":1,"entries":[{"secTag":1,"type":6,"content":"x"}]}', "does not match version 1"],
        ['{"version":1,"entries":[{"secTag":1,"type":0,"content":""}]}', "does not match version 1"],
        ['{"version":1}', "does not match version 1"]
      ]
      for (const [text, expected] of cases) {
        const dir = yield* tempDir
        const file = join(dir, "credentials.json")
        writeFileSync(file, text)
        const error = yield* openError(dir)
        assert.strictEqual(error._tag, "StorageError")
        assert.include(error.message, `credentials file ${file} `)
        assert.include(error.message, expected)
        assert.include(error.message, "left untouched")
        assert.strictEqual(readFileSync(file, "utf8"), text)
      }
    })
  )

  it.live("bytes that are not UTF-8, unknown fields and oversized files are refused, never repaired by a save", () =>
    Effect.gen(function* () {
      const valid = Buffer.from('{"version":1,"entries":[{"secTag":1,"type":4,"content":"my-psk-identity"}]}')
      const notUtf8 = Buffer.concat([valid.subarray(0, 52), Buffer.from([0xff, 0xfe]), valid.subarray(54)])
      const cases: Array<[Buffer, string]> = [
        [notUtf8, "is not valid UTF-8"],
        [Buffer.from('{"version":1,"entries":[],"note":"kept by a newer build"}'), "does not match version 1"],
        [
          Buffer.from('{"version":1,"entries":[{"secTag":1,"type":4,"content":"x","label":"mine"}]}'),
          "does not match version 1"
        ],
        [Buffer.alloc(StateDirectory.MAX_FILE_BYTES + 1, 0x20), "too large for a state file"]
      ]
      for (const [bytes, expected] of cases) {
        const dir = yield* tempDir
        const file = join(dir, "credentials.json")
        writeFileSync(file, bytes)
        const error = yield* openError(dir)
        assert.strictEqual(error._tag, "StorageError")
        assert.include(error.message, file)
        assert.include(error.message, expected)
        assert.include(error.message, "left untouched")
        assert.isTrue(readFileSync(file).equals(bytes))
      }
    })
  )

  it.live("errors about a damaged file never quote its contents (it may hold keys and passwords)", () =>
    Effect.gen(function* () {
      const secret = "TOPSECRET-KEY-MATERIAL"
      const cases = [
        `{"version":1,"entries":[{"secTag":1,"type":2,"content":"${secret}"`,
        `{"version":1,"entries":[{"secTag":1,"type":2,"content":"k","password":"${secret.repeat(3)}"}]}`,
        `{"version":1,"entries":[{"secTag":1,"type":9,"content":"${secret}"}]}`,
        `${secret}`
      ]
      for (const text of cases) {
        const dir = yield* tempDir
        writeFileSync(join(dir, "credentials.json"), text)
        const error = yield* openError(dir)
        assert.strictEqual(error._tag, "StorageError")
        assert.notInclude(error.message, "TOPSECRET")
        assert.notInclude(JSON.stringify(error), "TOPSECRET")
      }
    })
  )

  it.live("a second owner in the same process is refused until the first one closes", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      yield* withStore(dir, () =>
        Effect.gen(function* () {
          const error = yield* openError(dir)
          assert.strictEqual(error.message, `state directory ${dir} is in use by process ${process.pid}`)
        })
      )
      assert.deepStrictEqual(yield* withStore(dir, (store) => store.list()), [])
    })
  )

  it.live("another process holding the directory is refused, naming its pid", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const script = fileURLToPath(new URL("./helpers/crashWriter.ts", import.meta.url))
      const args = currentRuntime() === "deno" ? ["run", "-A", script] : [script]
      const child = yield* Effect.acquireRelease(
        Effect.callback<ReturnType<typeof spawn>>((resume) => {
          const child = spawn(process.execPath, [...args, dir, "0"], { stdio: ["ignore", "pipe", "inherit"] })
          let out = ""
          child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
            out += chunk
            if (out.startsWith("ready\n")) resume(Effect.succeed(child))
          })
        }),
        (child) =>
          Effect.callback<void>((resume) => {
            child.once("close", () => resume(Effect.void))
            child.kill("SIGKILL")
          })
      )
      const error = yield* openError(dir)
      assert.strictEqual(error.message, `state directory ${dir} is in use by process ${child.pid}`)
    })
  )

  it.live("a stale lock (its process is gone) is taken over", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      // Above any real pid_max, so no such process exists.
      writeFileSync(join(dir, "lock"), "2147483646\nold\n")
      yield* withStore(dir, () =>
        Effect.sync(() =>
          assert.strictEqual(readFileSync(join(dir, "lock"), "utf8").split("\n")[0], String(process.pid))
        )
      )
      assert.isFalse(existsSync(join(dir, "lock")))
    })
  )

  it.live("lock candidates left by dead processes are removed, those of live ones kept", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      writeFileSync(join(dir, "lock.2147483646.abc"), "2147483646\nabc\n")
      writeFileSync(join(dir, `lock.${process.pid}.zzz`), `${process.pid}\nzzz\n`)
      yield* withStore(dir, () => Effect.void)
      assert.deepStrictEqual(readdirSync(dir), [`lock.${process.pid}.zzz`])
    })
  )

  it.live("a lock file without a pid is reported, not removed", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      writeFileSync(join(dir, "lock"), "hello")
      const error = yield* openError(dir)
      assert.include(error.message, `lock file ${join(dir, "lock")} does not hold a process id`)
      assert.strictEqual(readFileSync(join(dir, "lock"), "utf8"), "hello")
    })
  )

  it.live("make without the lock reads and writes the same file", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const storage = yield* FileStore.make(dir)
      const snapshot: CredentialStorage.Snapshot = { version: 1, entries: [{ secTag: 3, type: 3, content: "00" }] }
      yield* storage.save(snapshot)
      assert.deepStrictEqual(yield* storage.load, snapshot)
      assert.strictEqual(FileStore.encode(snapshot), readFileSync(join(dir, FileStore.FILE_NAME), "utf8"))
    }).pipe(Effect.provide(platformLayer))
  )
})

describe("StateDirectory", () => {
  it.live("writeFileDurably replaces a file, mode 0600, and replaces a temporary file left by a crash", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = join(dir, "identity.json")
      yield* StateDirectory.writeFileDurably(file, "one")
      writeFileSync(`${file}.tmp`, "half-written garbage", { mode: 0o644 })
      yield* StateDirectory.writeFileDurably(file, new TextEncoder().encode("two"))
      assert.strictEqual(readFileSync(file, "utf8"), "two")
      assert.strictEqual(mode(file), 0o600)
      assert.deepStrictEqual(readdirSync(dir), ["identity.json"])
    }).pipe(Effect.provide(platformLayer))
  )

  it.live("readFileIfExists: Some for a file, None when missing, StorageError otherwise", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      writeFileSync(join(dir, "a"), "text")
      mkdirSync(join(dir, "sub"))
      assert.deepStrictEqual(yield* StateDirectory.readFileIfExists(join(dir, "a")), Option.some("text"))
      assert.deepStrictEqual(yield* StateDirectory.readFileIfExists(join(dir, "missing")), Option.none())
      const error = yield* Effect.flip(StateDirectory.readFileIfExists(join(dir, "sub")))
      assert.strictEqual(error._tag, "StorageError")
      assert.strictEqual(error.path, join(dir, "sub"))
    }).pipe(Effect.provide(platformLayer))
  )

  it.live("acquire holds the directory for its scope", () =>
    Effect.gen(function* () {
      const dir = join(yield* tempDir, "state")
      yield* Effect.scoped(
        Effect.gen(function* () {
          yield* StateDirectory.acquire(dir)
          assert.isTrue(existsSync(join(dir, StateDirectory.LOCK_FILE)))
          const again = yield* Effect.flip(Effect.scoped(StateDirectory.acquire(dir)))
          assert.include(again.message, "is in use by process")
        })
      )
      assert.isFalse(existsSync(join(dir, StateDirectory.LOCK_FILE)))
      assert.strictEqual(mode(dir), 0o700)
    }).pipe(Effect.provide(platformLayer))
  )
})
