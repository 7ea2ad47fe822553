import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber } from "effect"
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
      const result = yield* Effect.uninterruptibleMask((restore) => Effect.sync(() => lock.runNow(() => done, restore)))
      assert.strictEqual(result, done)
      // and the lock is free again: a second line runs at once too
      assert.strictEqual(yield* lock.run(() => Exit.succeed("again")), "again")
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

  it.effect("interrupting the running line, or a defect in it, releases the lock", () =>
    Effect.gen(function* () {
      const lock = LineLock.make()
      const log: Array<string> = []
      const never = yield* Deferred.make<void>()
      const stuck = yield* Effect.forkChild(lock.run(asyncLine(log, "stuck", never)))
      const next = yield* Effect.forkChild(lock.run(() => Exit.succeed("next")))
      yield* Effect.yieldNow
      yield* Fiber.interrupt(stuck)
      assert.strictEqual(yield* Fiber.join(next), "next")

      const crashed = yield* Effect.exit(
        lock.run(() => {
          throw new Error("handler bug")
        })
      )
      assert.isTrue(Exit.hasDies(crashed))
      assert.strictEqual(yield* lock.run(() => Exit.succeed("after the crash")), "after the crash")
    })
  )
})
