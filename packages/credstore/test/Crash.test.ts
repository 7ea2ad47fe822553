import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { currentRuntime } from "../../../tooling/runtime.ts"
import { CredStore, FileStore } from "../src/index.ts"
import { apply, crashConfig } from "./helpers/crashOps.ts"
import { platformLayer } from "./helpers/platform.ts"

const KILLS = 32
const script = fileURLToPath(new URL("./helpers/crashWriter.ts", import.meta.url))

/** How to run a TypeScript file with the runtime running this test. */
const runtimeArgs = (): ReadonlyArray<string> => (currentRuntime() === "deno" ? ["run", "-A", script] : [script])

// A fixed-seed generator for the kill moments, so a failing run can be replayed.
const makeRandom = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed / 2147483648
}

interface Round {
  readonly acks: ReadonlyArray<number>
  readonly signal: NodeJS.Signals | null
  readonly stderr: string
}

/**
 * Runs the writer from `first` and kills it with SIGKILL `delay` ms after its first acknowledged operation
 * (`afterFirstAck`) or after spawning it (to hit start-up: loading, locking, the first write).
 */
const runAndKill = (directory: string, first: number, delay: number, afterFirstAck: boolean) =>
  Effect.callback<Round>((resume) => {
    const child = spawn(process.execPath, [...runtimeArgs(), directory, String(first)], {
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    let armed = false
    const arm = () => {
      armed = true
      setTimeout(() => child.kill("SIGKILL"), delay)
    }
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      if (afterFirstAck && !armed && stdout.includes("\nack ")) arm()
    })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
    })
    if (!afterFirstAck) arm()
    child.on("close", (_code, signal) => {
      const acks = stdout
        .split("\n")
        .filter((line) => line.startsWith("ack "))
        .map((line) => Number(line.slice(4)))
      resume(Effect.succeed({ acks, signal, stderr }))
    })
  })

/** Opens the store the way the simulator does and returns its pairs with their contents. */
const loadPairs = (directory: string) =>
  Effect.gen(function* () {
    const store = yield* CredStore.CredStore
    const entries = yield* store.list()
    const pairs = new Map<string, string>()
    for (const entry of entries) {
      const secret = yield* store.secret(entry.secTag, entry.type)
      pairs.set(`${entry.secTag}/${entry.type}`, secret.content)
    }
    return pairs
  }).pipe(
    Effect.provide(
      CredStore.layer(crashConfig).pipe(Layer.provide(FileStore.layer(directory)), Layer.provide(platformLayer))
    )
  )

const same = (a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>) =>
  a.size === b.size && [...a].every(([key, value]) => b.get(key) === value)

describe("crash safety", () => {
  it.live(
    `every acknowledged operation survives SIGKILL (${KILLS} kills)`,
    () =>
      Effect.gen(function* () {
        const directory = mkdtempSync(join(tmpdir(), "credstore-crash-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(directory, { recursive: true, force: true })))
        const random = makeRandom(20240601)
        let state: ReadonlyMap<string, string> = new Map()
        let next = 0
        let acknowledged = 0
        let killedWhileWriting = 0
        for (let kill = 0; kill < KILLS; kill++) {
          // Most kills land while operations run; every fifth lands anywhere from start-up on.
          const afterFirstAck = kill % 5 !== 4
          const delay = Math.floor(random() * (afterFirstAck ? 80 : 1000))
          const round = yield* runAndKill(directory, next, delay, afterFirstAck)
          assert.strictEqual(round.signal, "SIGKILL", `the writer ended on its own: ${round.stderr}`)
          // Acknowledged operations are consecutive from `next`.
          assert.deepStrictEqual(
            round.acks,
            round.acks.map((_, i) => next + i)
          )
          const last = next + round.acks.length - 1
          const loaded = yield* loadPairs(directory)
          // Everything acknowledged is there; the one operation in flight may or may not have landed.
          const withoutInFlight = apply(state, next, last)
          const withInFlight = apply(withoutInFlight, last + 1, last + 1)
          assert.isTrue(
            same(loaded, withoutInFlight) || same(loaded, withInFlight),
            `after kill ${kill + 1} (acknowledged ${next}..${last}) the store does not hold the acknowledged state`
          )
          state = loaded
          acknowledged += round.acks.length
          if (round.acks.length > 0) killedWhileWriting++
          next = last + 2
        }
        console.log(
          `credstore crash test (${currentRuntime()}): survived ${KILLS} SIGKILLs ` +
            `(${killedWhileWriting} while writing), ${acknowledged} acknowledged operations all present`
        )
        assert.isAtLeast(killedWhileWriting, (KILLS * 4) / 5)
      }),
    120_000
  )
})
