/**
 * Giving the event loop a turn between slices of long work, so a browser can render and
 * handle input while a large history is opened or received.
 */
import { Effect } from "effect"

interface HostScheduler {
  readonly yield?: () => Promise<void>
}

/**
 * A promise that settles in a later task of the event loop: `scheduler.yield()` where the
 * browser has it, `setImmediate` on Node, a `MessageChannel` message elsewhere (neither is
 * clamped the way nested `setTimeout(0)` calls are), `setTimeout` as the last resort.
 */
export const yieldToHost = (): Promise<void> => {
  const g = globalThis as {
    readonly scheduler?: HostScheduler
    readonly setImmediate?: (f: () => void) => unknown
    readonly MessageChannel?: typeof MessageChannel
  }
  const s = g.scheduler
  if (s !== undefined && typeof s.yield === "function") return s.yield.call(s)
  if (typeof g.setImmediate === "function") {
    const immediate = g.setImmediate
    return new Promise((resolve) => void immediate(resolve))
  }
  if (typeof g.MessageChannel === "function") {
    const channel = new g.MessageChannel()
    return new Promise((resolve) => {
      channel.port1.onmessage = () => {
        channel.port1.close()
        resolve()
      }
      channel.port2.postMessage(null)
    })
  }
  return new Promise((resolve) => setTimeout(resolve, 0))
}

/** Slices of work of about `budget` milliseconds, with a turn of the event loop between them. */
export interface Slicer {
  /** Whether the current slice has used its budget. */
  readonly due: () => boolean
  /** Give the event loop a turn now and start a new slice. */
  readonly pause: Effect.Effect<void>
  /** Give the event loop a turn if the slice has used its budget. */
  readonly check: Effect.Effect<void>
}

const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now())

/** A {@link Slicer}; `budget` of `Infinity` never yields. */
export const slicer = (budget: number): Slicer => {
  let start = now()
  const due = () => now() - start >= budget
  const pause = Effect.promise(yieldToHost).pipe(
    Effect.andThen(
      Effect.sync(() => {
        start = now()
      })
    )
  )
  return {
    due,
    pause,
    check: Effect.suspend(() => (due() ? pause : Effect.void))
  }
}
