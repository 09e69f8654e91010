import type { Storage } from "@affinity/core"
import { Effect } from "effect"
import { spawn } from "node:child_process"
import { statSync } from "node:fs"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { DatabaseSync } from "node:sqlite"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import * as StorageSqlite from "../src/index.ts"
import { batchRecords, LARGE, sameBytes, valueIndex } from "./crash-data.ts"

const root = await mkdtemp(path.join(tmpdir(), "affinity-storage-sqlite-crash-"))
afterAll(() => rm(root, { recursive: true, force: true }))

const child = fileURLToPath(new URL("./crash-child.ts", import.meta.url))

interface Round {
  /** Batches whose append the child saw succeed. */
  readonly acked: ReadonlyArray<number>
  /** Values whose set the child saw succeed. */
  readonly values: ReadonlyArray<number>
}

/** When to kill the child: a delay after some acknowledgements, or as soon as a file grows after them. */
type Trigger = { readonly after: number; readonly delay: number } | { readonly after: number; readonly growth: string }

/** Runs the child against `file`, kills it with SIGKILL as `trigger` says, and returns what it acknowledged. */
const crashRound = (file: string, mode: "sequential" | "concurrent", first: number, trigger: Trigger): Promise<Round> =>
  new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--conditions=@affinity/source", child, file, mode, String(first)], {
      stdio: ["ignore", "pipe", "pipe"]
    })
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
      // Kill while a commit is most likely under way: as soon as the write-ahead log grows.
      const grows = trigger.growth
      const size = (): number => {
        try {
          return statSync(grows).size
        } catch {
          return 0
        }
      }
      const start = size()
      const poll = (): void => {
        if (ended) return
        if (size() !== start) proc.kill("SIGKILL")
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
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength)
    const i = view.getUint32(0)
    const expected = batchRecords(i)
    for (let j = 0; j < expected.length; j++) {
      const record = events[at + j]
      if (record === undefined || !sameBytes(record, expected[j]!)) {
        throw new Error(`batch ${i} is not whole at record ${j} (event ${at + j})`)
      }
    }
    found.push(i)
    at += expected.length
  }
  return found
}

const withStore = async <A>(file: string, f: (store: Storage.StorageShape) => Effect.Effect<A, Storage.StorageError>): Promise<A> => {
  const store = await Effect.runPromise(StorageSqlite.make({ file }))
  try {
    return await Effect.runPromise(f(store))
  } finally {
    await Effect.runPromise(store.close())
  }
}

/** SQLite's own check of the whole file: "ok" when every page and index is sound. */
const integrity = (file: string): string => {
  const db = new DatabaseSync(file)
  try {
    return String(Object.values(db.prepare("PRAGMA integrity_check").get() ?? {})[0])
  } finally {
    db.close()
  }
}

describe("storage-sqlite under SIGKILL", () => {
  it("keeps every acknowledged batch whole and no partial one, round after round", async () => {
    const file = path.join(root, "kill", "store.db")
    const wal = `${file}-wal`
    const rounds: ReadonlyArray<{ mode: "sequential" | "concurrent"; trigger: Trigger; large?: true }> = [
      { mode: "sequential", trigger: { after: 0, delay: 0 } },
      { mode: "sequential", trigger: { after: 3, delay: 0 } },
      { mode: "concurrent", trigger: { after: 12, delay: 1 } },
      { mode: "sequential", trigger: { after: 60, delay: 7 } },
      { mode: "concurrent", trigger: { after: 25, delay: 29 } },
      { mode: "concurrent", trigger: { after: 9, growth: wal } },
      // Large batches, killed while one is being written: this usually leaves a torn
      // transaction at the end of the write-ahead log.
      { mode: "sequential", trigger: { after: 2, growth: wal }, large: true },
      { mode: "sequential", trigger: { after: 1, growth: wal }, large: true },
      { mode: "sequential", trigger: { after: 3, growth: wal }, large: true }
    ]
    let baseline: Array<number> = []
    let next = 0
    let lastValue: number | undefined
    for (const { mode, trigger, large } of rounds) {
      if (large) next = Math.max(next, LARGE)
      const { acked, values } = await crashRound(file, mode, next, trigger)
      const { events, head, communities } = await withStore(file, (store) =>
        Effect.all({ events: store.events("crash"), head: store.get("crash", "head"), communities: store.communities() })
      )
      expect(integrity(file)).toBe("ok")
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
    const again = await withStore(file, (store) => store.events("crash"))
    expect(batchesOf(again)).toEqual(baseline)
  }, 180_000)
})
