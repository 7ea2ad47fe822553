/**
 * One command line at a time per modem, whichever session sends it, at the price of no fiber hand-off for the
 * common case.
 *
 * A line whose commands all finish synchronously (no I/O: the effect `start` returns is already an `Exit`)
 * runs at once when no other line is in flight — JavaScript cannot interleave it. A line that has to wait (a
 * file store, an asynchronous signer) holds the lock until it ends; lines that arrive meanwhile queue in order
 * and the lock passes straight to the next one. Interruption while queued leaves the queue; interruption of a
 * running line releases the lock.
 */
import { Effect, Exit } from "effect"

/** Makes an effect interruptible again inside an uninterruptible region (what `uninterruptibleMask` gives). */
export type Restore = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>

export interface LineLock {
  /** Runs `start` under the lock: now when it is free, else after the lines queued before it. */
  readonly run: <A, E>(start: () => Effect.Effect<A, E>) => Effect.Effect<A, E>
  /**
   * `run` for a caller that is already inside an uninterruptible region and runs the returned effect next:
   * when the lock is free and `start` finishes synchronously, its `Exit` comes back as it is, with no Effect
   * run at all. `restore` makes the wait for the lock and an asynchronous rest interruptible.
   */
  readonly runNow: <A, E>(start: () => Effect.Effect<A, E>, restore: Restore) => Effect.Effect<A, E>
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

  /** `start()` with the lock already held: released when it ends, however it ends. */
  const holding = <A, E>(start: () => Effect.Effect<A, E>, restore: Restore): Effect.Effect<A, E> => {
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
    return Effect.ensuring(restore(first), releaseEffect)
  }

  const runNow = <A, E>(start: () => Effect.Effect<A, E>, restore: Restore): Effect.Effect<A, E> => {
    if (!busy) {
      busy = true
      return holding(start, restore)
    }
    return Effect.flatMap(restore(wait), () => holding(start, restore))
  }

  return {
    run: (start) => Effect.uninterruptibleMask((restore) => Effect.suspend(() => runNow(start, restore))),
    runNow
  }
}
