/**
 * One command line at a time per modem, whichever session sends it, at the price of no Effect at all for the
 * common case.
 *
 * A line whose commands all finish synchronously (no I/O: `start` returns an `Exit`) runs at once when no other
 * line is in flight — JavaScript cannot interleave it — and its `Exit` comes back as it is. A line that has to
 * wait (a file store, an asynchronous signer) finishes in a fiber of its own that holds the lock until the line
 * ends, as a modem finishes a command whether or not the host is still there; its caller only joins it, so
 * interrupting the caller never strands the lock. Lines that arrive meanwhile queue in arrival order and the
 * lock passes straight to the next one; interruption while queued leaves the queue.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
export interface LineLock {
  /**
   * Runs `start` under the lock: now when it is free, else after the lines queued before it. Call it while
   * running in a fiber (inside `Effect.suspend`, say) and run the result next: an `Exit` when the line finished
   * synchronously.
   */
  readonly runNow: <A, E>(start: () => Effect.Effect<A, E>) => Effect.Effect<A, E>
  /** `runNow` as an Effect. */
  readonly run: <A, E>(start: () => Effect.Effect<A, E>) => Effect.Effect<A, E>
}

interface Waiter {
  readonly resume: (effect: Effect.Effect<void>) => void
  granted: boolean
}

export const make = (): LineLock => {
  let busy = false
  const queue: Array<Waiter> = []

  // Hands the lock to the next waiter, if any; it stays busy across the hand-over so nobody jumps the queue.
  const release = () => {
    const next = queue.shift()
    if (next === undefined) {
      busy = false
      return
    }
    next.granted = true
    next.resume(Effect.void)
  }
  const releaseEffect = Effect.sync(release)

  const wait = Effect.callback<void>((resume) => {
    const waiter: Waiter = { resume, granted: false }
    queue.push(waiter)
    // Interrupted while queued: leave the queue, or pass the lock on if it was already handed over.
    return Effect.sync(() => {
      if (waiter.granted) release()
      else queue.splice(queue.indexOf(waiter), 1)
    })
  })

  /** `start()` with the lock held: a synchronous line releases at once, an asynchronous one when it ends. */
  const holding = <A, E>(start: () => Effect.Effect<A, E>): Effect.Effect<A, E> => {
    let first: Effect.Effect<A, E>
    try {
      first = start()
    } catch (defect) {
      release()
      return Effect.die(defect)
    }
    if (Exit.isExit(first)) {
      release()
      return first
    }
    // The release is part of the forked program from its first step; the fiber has the caller's services.
    const context = Fiber.getCurrent()?.context ?? Context.empty()
    return Fiber.join(Effect.runForkWith(context)(Effect.ensuring(first, releaseEffect)))
  }

  const runNow = <A, E>(start: () => Effect.Effect<A, E>): Effect.Effect<A, E> => {
    if (!busy) {
      busy = true
      return holding(start)
    }
    // Uninterruptible between being handed the lock and starting the line, so a granted lock is never dropped.
    return Effect.uninterruptibleMask((restore) => Effect.flatMap(restore(wait), () => restore(holding(start))))
  }

  return { runNow, run: (start) => Effect.suspend(() => runNow(start)) }
}
