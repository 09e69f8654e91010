/**
 * Giving the event loop a turn between slices of long work, so a browser can render and
 * handle input while a large history is opened or received.
 */
import { Effect } from "effect"
import { yieldToHost } from "./yieldToHost.ts"

export { yieldToHost }

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
