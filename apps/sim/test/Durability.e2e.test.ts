import { statSync } from "node:fs"
import { join } from "node:path"
import { Client } from "@atmodem/transport"
import { TcpTransport } from "@atmodem/transport-tcp"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { sha256Upper } from "./support/Provisioning.ts"
import { start, tempDir } from "./support/Sim.ts"

const FIRST_TAG = 5000
/** Acknowledged writes before the kill. */
const ACKED_BEFORE_KILL = 25

describe("durability", () => {
  it.live("SIGKILL during a %CMNG write loop, then a restart, loses no acknowledged write", () =>
    Effect.gen(function* () {
      const state = tempDir("durability")
      const content = (tag: number) => `-----BEGIN CERTIFICATE-----\r\nwrite ${tag}\r\n-----END CERTIFICATE-----\r\n`
      const acked: Array<number> = []

      yield* Effect.scoped(
        Effect.gen(function* () {
          const sim = yield* start(["--state", state, "--port", "0"])
          const client = yield* Client.make(yield* TcpTransport.connect(sim.tcp!))
          // Writes one after another, each to a new sec_tag, recording every OK.
          let writerEnded = false
          const writer = yield* Effect.forkChild(
            Effect.gen(function* () {
              for (let tag = FIRST_TAG; tag < FIRST_TAG + 60; tag++) {
                yield* client.command(`AT%CMNG=0,${tag},0,"${content(tag)}"`)
                acked.push(tag)
              }
            }).pipe(
              Effect.ignore,
              Effect.ensuring(
                Effect.sync(() => {
                  writerEnded = true
                })
              )
            )
          )
          // A writer that fails early ends the wait (and the test fails below) instead of spinning forever.
          while (acked.length < ACKED_BEFORE_KILL && !writerEnded) yield* Effect.sleep(1)
          assert.isAtLeast(acked.length, ACKED_BEFORE_KILL, "the writer stopped before the kill")
          // Killed mid-loop: the next write is in flight.
          assert.strictEqual(yield* sim.stop("SIGKILL"), null)
          yield* Fiber.join(writer)
        })
      )
      assert.isAtLeast(acked.length, ACKED_BEFORE_KILL)

      const sim = yield* start(["--state", state, "--port", "0"])
      const client = yield* Client.make(yield* TcpTransport.connect(sim.tcp!))
      const listed = yield* client.command("AT%CMNG=1")
      const stored = new Map<number, string>()
      for (const line of listed) {
        const match = /^%CMNG: (\d+),0,"([0-9A-F]{64})"$/.exec(line)
        if (match !== null) stored.set(Number(match[1]), match[2]!)
      }
      for (const tag of acked) assert.strictEqual(stored.get(tag), sha256Upper(content(tag)), `sec_tag ${tag}`)
      // At most the one write in flight at the kill may also have landed, and then whole.
      for (const [tag, sha] of stored) {
        if (tag < FIRST_TAG) continue
        assert.isAtMost(tag, acked[acked.length - 1]! + 1)
        assert.strictEqual(sha, sha256Upper(content(tag)))
      }
      // The state files are private.
      for (const file of ["credentials.json", "identity.json"])
        assert.strictEqual(statSync(join(state, file)).mode & 0o777, 0o600, file)
      assert.strictEqual(statSync(state).mode & 0o777, 0o700)
      assert.strictEqual(yield* sim.stop("SIGTERM"), 0)
    }).pipe(Effect.scoped)
  )
})
