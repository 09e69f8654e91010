/**
 * Timing and memory helpers: warm up, run a few times, keep the median; collect garbage
 * between runs so one run's garbage is not billed to the next.
 *
 * @module
 */
import * as fs from "node:fs"
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

/** CPU time this process's threads have used, in milliseconds, by kind. */
export interface ThreadCpu {
  /** The main thread: JavaScript, and the garbage collector's pauses. */
  readonly main: number
  /** Worker threads (`node:worker_threads`): the `node` provider's verification pool. */
  readonly workers: number
  /** The engine's helper threads: concurrent and parallel garbage collection, background compilation. */
  readonly engine: number
  /** Every other thread (libuv's pool, the inspector, signals). */
  readonly other: number
}

/** Clock ticks per second of `/proc`'s CPU times (`USER_HZ`, 100 on every Linux architecture Node runs on). */
const USER_HZ = 100

/**
 * CPU time of every thread of this process so far, read from `/proc/self/task/<tid>/stat`
 * (user plus system time, 10 ms resolution); `undefined` where there is no such file (not
 * Linux). Threads are told apart by the name the runtime gives them.
 */
export const threadCpu = (): ThreadCpu | undefined => {
  let tasks: Array<string>
  try {
    tasks = fs.readdirSync("/proc/self/task")
  } catch {
    return undefined
  }
  let main = 0
  let workers = 0
  let engine = 0
  let other = 0
  for (const tid of tasks) {
    let stat: string
    try {
      stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, "utf8")
    } catch {
      continue // the thread ended while we looked
    }
    const close = stat.lastIndexOf(")")
    const name = stat.slice(stat.indexOf("(") + 1, close)
    // Fields after the name start at the third (state); utime and stime are the 14th and 15th.
    const fields = stat.slice(close + 2).split(" ")
    const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ
    if (Number(tid) === process.pid) main += ms
    else if (name.startsWith("WorkerThread")) workers += ms
    else if (name.startsWith("V8") || name.startsWith("DelayedTask")) engine += ms
    else other += ms
  }
  return { main, workers, engine, other }
}

/** `b - a`, thread kind by thread kind. */
export const cpuSince = (a: ThreadCpu, b: ThreadCpu): ThreadCpu => ({
  main: b.main - a.main,
  workers: b.workers - a.workers,
  engine: b.engine - a.engine,
  other: b.other - a.other
})
