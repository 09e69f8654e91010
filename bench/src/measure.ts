/**
 * Timing and memory helpers: warm up, run a few times, keep the median; collect garbage
 * between runs so one run's garbage is not billed to the next.
 *
 * @module
 */
import { performance } from "node:perf_hooks"
import * as v8 from "node:v8"
import * as vm from "node:vm"

/** Full garbage collection: `global.gc` under `--expose-gc`, else the flag is turned on at run time. */
export const collect: () => void = (() => {
  const exposed = (globalThis as { readonly gc?: () => void }).gc
  if (typeof exposed === "function") return exposed
  v8.setFlagsFromString("--expose-gc")
  const gc: unknown = vm.runInNewContext("gc")
  if (typeof gc !== "function") throw new Error("cannot reach the garbage collector")
  return gc as () => void
})()

/** Collect until the heap stops shrinking (weak references and finalizers take a few passes). */
export const settle = (): void => {
  let last = Number.POSITIVE_INFINITY
  for (let i = 0; i < 6; i++) {
    collect()
    const used = process.memoryUsage().heapUsed
    if (used >= last - 1024) return
    last = used
  }
}

/** The median of some numbers. */
export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** How a timing was taken. */
export interface Timing {
  /** Median duration in milliseconds. */
  readonly ms: number
  /** Every measured duration, in milliseconds. */
  readonly samples: ReadonlyArray<number>
}

/** Runs `warmup` times untimed, then `runs` times timed (garbage collected before each); the median. */
export const time = async (runs: number, warmup: number, body: () => Promise<unknown> | unknown): Promise<Timing> => {
  for (let i = 0; i < warmup; i++) await body()
  const samples: Array<number> = []
  for (let i = 0; i < runs; i++) {
    collect()
    const start = performance.now()
    await body()
    samples.push(performance.now() - start)
  }
  return { ms: median(samples), samples }
}

/** Operations per second of `count` operations done in `ms` milliseconds. */
export const rate = (count: number, ms: number): number => (ms > 0 ? (count * 1000) / ms : Number.POSITIVE_INFINITY)
