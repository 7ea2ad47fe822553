import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import * as LineLock from "../src/internal/LineLock.ts"

/** A synchronous line that logs its name. */
const syncLine = (log: Array<string>, name: string) => () =>
  Effect.sync(() => {
    log.push(name)
    return name
  })

/** A line that logs its start, waits for `gate`, then logs its end. */
const asyncLine = (log: Array<string>, name: string, gate: Deferred.Deferred<void>) => () => {
  log.push(`${name} start`)
  return Effect.as(
    Effect.tap(Deferred.await(gate), () => Effect.sync(() => void log.push(`${name} end`))),
    name
  )
}

describe("LineLock", () => {
  it.effect("hands back a synchronous line's Exit as it is, with no Effect run", () =>
    Effect.gen(function* () {
      const lock = LineLock.make()
      const done = Exit.succeed("OK")
      const result = yield* Effect.sync(() => lock.runNow(() => done))
      assert.strictEqual(result, done)
      // and the lock is free again: a second line runs at once too
      const again = Exit.succeed("again")
      assert.strictEqual(yield* Effect.sync(() => lock.runNow(() => again)), again)
    })
  )

  it.effect("holds the lock across an asynchronous line; later lines wait and run in arrival order", () =>
    Effect.gen(function* () {
      const lock = LineLock.make()
      const log: Array<string> = []
      const gates = [yield* Deferred.make<void>(), yield* Deferred.make<void>(), yield* Deferred.make<void>()]
      const fibers = [
        yield* Effect.forkChild(lock.run(asyncLine(log, "a", gates[0]!))),
        yield* Effect.forkChild(lock.run(asyncLine(log, "b", gates[1]!))),
        yield* Effect.forkChild(lock.run(syncLine(log, "c"))),
        yield* Effect.forkChild(lock.run(asyncLine(log, "d", gates[2]!)))
      ]
      yield* Effect.yieldNow
      assert.deepStrictEqual(log, ["a start"])
      yield* Deferred.succeed(gates[1]!, undefined) // b's gate opens first: b still waits for a
      yield* Effect.yieldNow
      assert.deepStrictEqual(log, ["a start"])
      yield* Deferred.succeed(gates[0]!, undefined)
      yield* Deferred.succeed(gates[2]!, undefined)
      const results = yield* Fiber.joinAll(fibers)
      assert.deepStrictEqual(results, ["a", "b", "c", "d"])
      assert.deepStrictEqual(log, ["a start", "a end", "b start", "b end", "c", "d start", "d end"])
    })
  )

  it.effect("a waiter interrupted in the queue leaves it; the lock still passes on", () =>
    Effect.gen(function* () {
      const lock = LineLock.make()
      const log: Array<string> = []
      const gate = yield* Deferred.make<void>()
      const first = yield* Effect.forkChild(lock.run(asyncLine(log, "a", gate)))
      const second = yield* Effect.forkChild(lock.run(syncLine(log, "b")))
      const third = yield* Effect.forkChild(lock.run(syncLine(log, "c")))
      yield* Effect.yieldNow
      yield* Fiber.interrupt(second)
      yield* Deferred.succeed(gate, undefined)
      assert.strictEqual(yield* Fiber.join(first), "a")
      assert.strictEqual(yield* Fiber.join(third), "c")
      assert.deepStrictEqual(log, ["a start", "a end", "c"])
    })
  )

  it.effect("a started line runs to its end even when its caller is interrupted, and then releases the lock", () =>
    Effect.gen(function* () {
      const lock = LineLock.make()
      const log: Array<string> = []
      const gate = yield* Deferred.make<void>()
      const caller = yield* Effect.forkChild(lock.run(asyncLine(log, "a", gate)))
      const next = yield* Effect.forkChild(lock.run(syncLine(log, "b")))
      yield* Effect.yieldNow
      yield* Fiber.interrupt(caller) // returns at once: the caller only joins the line
      assert.deepStrictEqual(log, ["a start"])
      yield* Deferred.succeed(gate, undefined)
      assert.strictEqual(yield* Fiber.join(next), "b")
      assert.deepStrictEqual(log, ["a start", "a end", "b"])
    })
  )

  it.effect("an asynchronous line runs with its caller's services (the test clock here)", () =>
    Effect.gen(function* () {
      const lock = LineLock.make()
      const line = lock.run(() => Effect.as(Effect.sleep("1 hour"), "woke"))
      const fiber = yield* Effect.forkChild(line)
      yield* Effect.yieldNow
      yield* TestClock.adjust("1 hour")
      assert.strictEqual(yield* Fiber.join(fiber), "woke")
    })
  )

  it.effect("a defect in a line, synchronous or not, releases the lock", () =>
    Effect.gen(function* () {
      const lock = LineLock.make()
      const thrown = yield* Effect.exit(
        lock.run(() => {
          throw new Error("handler bug")
        })
      )
      assert.isTrue(Exit.hasDies(thrown))
      const died = yield* Effect.exit(lock.run(() => Effect.andThen(Effect.yieldNow, Effect.die("async bug"))))
      assert.isTrue(Exit.hasDies(died))
      assert.strictEqual(yield* lock.run(() => Exit.succeed("after the crashes")), "after the crashes")
    })
  )
})
