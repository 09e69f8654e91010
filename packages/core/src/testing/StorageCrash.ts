/**
 * The crash test every durable `Storage` adapter runs against itself: a child process
 * appends batches and sets a value until it is killed with `SIGKILL` (after a few
 * acknowledgements, after a delay, or the moment a file grows, so that a write is cut
 * short), round after round on the same place; after each kill the test opens the store
 * and checks that every acknowledged batch is there, whole and in order, that no partial
 * batch is, and that the value is a whole one no older than the last acknowledged. It runs
 * in Node only.
 *
 * @module
 */
import { spawn } from "node:child_process"
import { statSync } from "node:fs"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import type { StorageError, StorageShape } from "../Storage.ts"
import { batchRecords, LARGE, sameBytes, valueIndex } from "./StorageCrashData.ts"

/** Opens the store kept at `place` (a directory, a file: whatever the adapter keeps it in). */
export type StorageOpener = (place: string) => Effect.Effect<StorageShape, StorageError>

/** Options of {@link runStorageCrashTest}. */
export interface StorageCrashOptions {
  /**
   * The module that opens the store, which the child process imports: a `file:` URL or an
   * absolute path (e.g. `new URL("./crash-open.ts", import.meta.url)`).
   */
  readonly module: string | URL
  /** The name under which `module` exports its {@link StorageOpener} (default `"open"`). */
  readonly export?: string
  /** The place to open, inside a new temporary directory `root` (default: `root` itself). */
  readonly place?: (root: string) => string
  /**
   * The file that grows while the store writes (its log, its write-ahead log): the rounds
   * that kill the child the moment it grows cut a write short.
   */
  readonly growing: (place: string) => string
  /** A further check of the place after each kill, e.g. a database's own integrity check; throws when it fails. */
  readonly check?: (place: string) => void | Promise<void>
  /** The time limit of the test, in milliseconds (default 180,000). */
  readonly timeout?: number
}

/** The child process's file: the TypeScript source next to this one, or the built JavaScript. */
const childFile = (): string => {
  const here = import.meta.url
  return fileURLToPath(new URL(here.endsWith(".ts") ? "./StorageCrashChild.ts" : "./StorageCrashChild.js", here))
}

interface Round {
  /** Batches whose append the child saw succeed. */
  readonly acked: ReadonlyArray<number>
  /** Values whose set the child saw succeed. */
  readonly values: ReadonlyArray<number>
}

/** When to kill the child: a delay after some acknowledgements, or as soon as the growing file grows after them. */
type Trigger = { readonly after: number; readonly delay: number } | { readonly after: number; readonly growth: true }

/** Runs the child against `place`, kills it with SIGKILL as `trigger` says, and returns what it acknowledged. */
const crashRound = (
  opener: { readonly module: string; readonly export: string },
  place: string,
  growing: string,
  mode: "sequential" | "concurrent",
  first: number,
  trigger: Trigger
): Promise<Round> =>
  new Promise((resolve, reject) => {
    const args = ["--conditions=@affinity/source", childFile(), opener.module, opener.export, place, mode, String(first)]
    const proc = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] })
    const acked: Array<number> = []
    const values: Array<number> = []
    let stdout = ""
    let stderr = ""
    let killing = false
    let ended = false
    const kill = (): void => {
      if ("delay" in trigger) {
        setTimeout(() => proc.kill("SIGKILL"), trigger.delay)
        return
      }
      // Kill while a write is most likely under way: as soon as the file grows.
      const size = (): number => {
        try {
          return statSync(growing).size
        } catch {
          return 0
        }
      }
      const start = size()
      // A store may keep writing without the file growing (pages reused): kill anyway after a while.
      const deadline = Date.now() + GROWTH_WAIT
      const poll = (): void => {
        if (ended) return
        if (size() !== start || Date.now() > deadline) proc.kill("SIGKILL")
        else setImmediate(poll)
      }
      poll()
    }
    const onLine = (line: string): void => {
      const [kind, n] = line.split(" ")
      if (kind === "a") acked.push(Number(n))
      else if (kind === "v") values.push(Number(n))
      if (!killing && (acked.length + values.length >= trigger.after || (trigger.after === 0 && kind === "ready"))) {
        killing = true
        kill()
      }
    }
    proc.stdout.setEncoding("utf8")
    proc.stdout.on("data", (chunk: string) => {
      stdout += chunk
      let nl = stdout.indexOf("\n")
      while (nl !== -1) {
        onLine(stdout.slice(0, nl))
        stdout = stdout.slice(nl + 1)
        nl = stdout.indexOf("\n")
      }
    })
    proc.stderr.setEncoding("utf8")
    proc.stderr.on("data", (chunk: string) => {
      stderr += chunk
    })
    proc.on("error", reject)
    proc.on("close", (code, signal) => {
      ended = true
      if (signal !== "SIGKILL") reject(new Error(`child ended with ${code}/${signal} before being killed: ${stderr}`))
      else resolve({ acked, values })
    })
  })

/** The batch numbers found in a log, checking every batch is whole and contiguous. */
const batchesOf = (events: ReadonlyArray<Uint8Array>): Array<number> => {
  const found: Array<number> = []
  let at = 0
  while (at < events.length) {
    const head = events[at]!
    const i = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(0)
    const expected = batchRecords(i)
    for (let j = 0; j < expected.length; j++) {
      const record = events[at + j]
      if (record === undefined || !sameBytes(record, expected[j]!)) throw new Error(`batch ${i} is not whole at record ${j} (event ${at + j})`)
    }
    found.push(i)
    at += expected.length
  }
  return found
}

/** Most milliseconds a round waits for the growing file to grow before it kills the child all the same. */
const GROWTH_WAIT = 2_000

/** The rounds: how each kills the child; `large` rounds write batches big enough to be torn. */
const ROUNDS: ReadonlyArray<{ readonly mode: "sequential" | "concurrent"; readonly trigger: Trigger; readonly large?: true }> = [
  { mode: "sequential", trigger: { after: 0, delay: 0 } },
  { mode: "sequential", trigger: { after: 3, delay: 0 } },
  { mode: "concurrent", trigger: { after: 12, delay: 1 } },
  { mode: "sequential", trigger: { after: 60, delay: 7 } },
  { mode: "concurrent", trigger: { after: 25, delay: 29 } },
  { mode: "concurrent", trigger: { after: 9, growth: true } },
  // Large batches, killed while one is being written: this usually leaves a torn write at
  // the end of the growing file.
  { mode: "sequential", trigger: { after: 2, growth: true }, large: true },
  { mode: "sequential", trigger: { after: 1, growth: true }, large: true },
  { mode: "sequential", trigger: { after: 3, growth: true }, large: true }
]

/**
 * Registers a vitest suite that kills a child process writing to the adapter's store with
 * `SIGKILL`, round after round, and checks what survives: every acknowledged batch whole,
 * in order, nothing partial, nothing twice, a whole value no older than the last
 * acknowledged, and a store that opening again does not change. It takes 15 to 30 seconds.
 *
 * The child process imports `options.module` and opens the store with its
 * `options.export`, so that module must not register tests. The child runs on the same
 * Node as the test, with the `@affinity/source` export condition.
 *
 * @param name - the adapter's name, shown in the suite title.
 * @param options - how to open the store, where, and which file grows while it writes.
 *
 * @example
 * ```ts
 * // crash-open.ts: what the child process imports.
 * import * as StorageFs from "@affinity/storage-fs"
 * export const open = (directory: string) => StorageFs.make({ directory })
 *
 * // crash.test.ts
 * import * as path from "node:path"
 * import { runStorageCrashTest } from "@affinity/core/testing"
 *
 * runStorageCrashTest("storage-fs", {
 *   module: new URL("./crash-open.ts", import.meta.url),
 *   growing: (directory) => path.join(directory, "c-crash", "events.log")
 * })
 * ```
 */
export const runStorageCrashTest = (name: string, options: StorageCrashOptions): void => {
  const modulePath = options.module instanceof URL ? options.module.href : options.module
  const opener = { module: modulePath, export: options.export ?? "open" }
  const open = async (): Promise<StorageOpener> => {
    const loaded = (await import(modulePath.startsWith("file:") ? modulePath : pathToFileURL(modulePath).href)) as Record<string, unknown>
    const f = loaded[opener.export]
    if (typeof f !== "function") throw new Error(`${modulePath} exports no function ${opener.export}`)
    return f as StorageOpener
  }
  const withStore = async <A>(place: string, f: (store: StorageShape) => Effect.Effect<A, StorageError>): Promise<A> => {
    const store = await Effect.runPromise((await open())(place))
    try {
      return await Effect.runPromise(f(store))
    } finally {
      await Effect.runPromise(store.close())
    }
  }

  describe(`${name} under SIGKILL`, () => {
    let root: string | undefined
    afterAll(() => (root === undefined ? undefined : rm(root, { recursive: true, force: true })))

    it(
      "keeps every acknowledged batch whole and no partial one, round after round",
      async () => {
        root = await mkdtemp(path.join(tmpdir(), `affinity-${name.replaceAll(/[^a-zA-Z0-9-]/g, "-")}-crash-`))
        const place = options.place ? options.place(root) : root
        const growing = options.growing(place)
        let baseline: Array<number> = []
        let next = 0
        let lastValue: number | undefined
        for (const { mode, trigger, large } of ROUNDS) {
          if (large) next = Math.max(next, LARGE)
          const { acked, values } = await crashRound(opener, place, growing, mode, next, trigger)
          const { events, head, communities } = await withStore(place, (store) =>
            Effect.all({ events: store.events("crash"), head: store.get("crash", "head"), communities: store.communities() })
          )
          if (options.check) await options.check(place)
          const found = batchesOf(events)
          // Nothing acknowledged before is lost, in the same order.
          expect(found.slice(0, baseline.length)).toEqual(baseline)
          const added = found.slice(baseline.length)
          // Every batch acknowledged in this round is there.
          const present = new Set(added)
          for (const i of acked) expect(present.has(i)).toBe(true)
          // Nothing appears twice; in sequential runs the order is the append order.
          expect(present.size).toBe(added.length)
          if (mode === "sequential") expect(added).toEqual(added.map((_, j) => next + j))
          for (const i of added) expect(i).toBeGreaterThanOrEqual(next)
          // The value is a whole one, and not older than the last acknowledged set.
          const newest = values.length > 0 ? Math.max(...values) : lastValue
          if (newest !== undefined) {
            expect(head).toBeDefined()
            const index = head === undefined ? undefined : valueIndex(head)
            expect(index).toBeDefined()
            expect(index!).toBeGreaterThanOrEqual(newest)
            lastValue = index
          }
          if (found.length > 0) expect(communities).toEqual(["crash"])
          baseline = found
          next = Math.max(next, ...found.map((i) => i + 1)) + 4
        }
        expect(baseline.length).toBeGreaterThan(0)
        // The recovered store is stable: opening again changes nothing.
        const again = await withStore(place, (store) => store.events("crash"))
        expect(batchesOf(again)).toEqual(baseline)
      },
      options.timeout ?? 180_000
    )
  })
}
