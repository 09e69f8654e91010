/**
 * The cases of the `Storage` contract as plain data: each a name and an async function
 * that throws an `Error` saying what differs. No test framework is involved, so the same
 * cases run under vitest in Node (`runStorageContract`) and inside a browser page (the
 * IndexedDB adapter runs them in Chromium).
 *
 * @module
 */
import { Effect } from "effect"
import type { StorageError, StorageShape } from "../Storage.ts"
import { mulberry32 } from "../internal/random.ts"

/** Options of {@link storageContractCases}. */
export interface StorageContractOptions {
  /**
   * Opens again the place that `previous` (already closed) used: the same directory,
   * the same database. Given, it turns on the cases that data appended or set before
   * `close()` is there after reopening.
   */
  readonly reopen?: (previous: StorageShape) => Promise<StorageShape> | StorageShape
}

/** One case of the `Storage` contract. */
export interface StorageContractCase {
  /** What the case checks, in words; unique within its group. */
  readonly name: string
  /**
   * `"reopening the same place"` for the cases that need `reopen`; absent for the others.
   */
  readonly group?: string
  /**
   * Runs the case on stores of its own and closes every store it opened, whatever the
   * outcome. Rejects with an `Error` whose message says what differs.
   */
  readonly run: () => Promise<void>
}

/** The group of the cases that open a place again. */
export const REOPENING_GROUP = "reopening the same place"

/** What a case body gets: stores it opens are closed when the case ends. */
interface CaseStores {
  /** A new, empty store. */
  readonly fresh: () => Promise<StorageShape>
  /** The place of `previous` (already closed) opened again. */
  readonly reopened: (previous: StorageShape) => Promise<StorageShape>
  /** Closes `store` and opens its place again. */
  readonly again: (store: StorageShape) => Promise<StorageShape>
}

/**
 * The cases of the `Storage` contract for one adapter, in a fixed order. Each case opens
 * the stores it needs with `makeStore` and closes them when it ends.
 *
 * @param makeStore - opens a new, empty store in a place of its own each time it is called.
 * @param options - `reopen` when the adapter can open the same place again; without it the
 *   cases of {@link REOPENING_GROUP} are left out.
 *
 * @example
 * ```ts
 * import { Storage } from "@affinity/core"
 * import { storageContractCases } from "@affinity/core/testing"
 *
 * const cases = storageContractCases(() => Storage.makeMemory())
 * for (const c of cases.filter((c) => c.name === "starts empty")) await c.run()
 * console.log(cases.length > 20) // true
 * ```
 */
export const storageContractCases = (
  makeStore: () => Promise<StorageShape> | StorageShape,
  options: StorageContractOptions = {}
): ReadonlyArray<StorageContractCase> => {
  const cases: Array<StorageContractCase> = []

  const withStores = async (body: (stores: CaseStores) => Promise<void>): Promise<void> => {
    const opened: Array<StorageShape> = []
    const track = (store: StorageShape): StorageShape => {
      opened.push(store)
      return store
    }
    const reopened = async (previous: StorageShape): Promise<StorageShape> => {
      if (options.reopen === undefined) throw new Error("this case needs the reopen option")
      return track(await options.reopen(previous))
    }
    try {
      await body({
        fresh: async () => track(await makeStore()),
        reopened,
        again: async (store) => {
          await run(store.close())
          return reopened(store)
        }
      })
    } finally {
      for (const store of opened) await Effect.runPromise(Effect.ignore(store.close()))
    }
  }

  const add = (name: string, body: (stores: CaseStores) => Promise<void>): void => {
    cases.push({ name, run: () => withStores(body) })
  }
  const addReopening = (name: string, body: (stores: CaseStores) => Promise<void>): void => {
    cases.push({ name, group: REOPENING_GROUP, run: () => withStores(body) })
  }

  add("starts empty", async (ctx) => {
    const s = await ctx.fresh()
    expectNames(await run(s.communities()), [])
    expectRecords(await run(s.events("c")), [])
    expectMissing(await run(s.get("c", "k")))
    check(typeof s.name === "string", `the store's name is a ${typeof s.name}, not a string`)
  })

  add("returns appended records in append order", async (ctx) => {
    const s = await ctx.fresh()
    const records = [utf8("first"), utf8("second"), utf8("third")]
    await run(s.append("c", records))
    expectRecords(await run(s.events("c")), records)
  })

  add("keeps bytes exactly, empty records included", async (ctx) => {
    const s = await ctx.fresh()
    const all = new Uint8Array(256)
    for (let i = 0; i < 256; i++) all[i] = i
    const records = [all, new Uint8Array(0), randomBytes(1, 4099), new Uint8Array([0]), new Uint8Array(0), randomBytes(2, 1)]
    await run(s.append("c", records))
    await run(s.append("c", [new Uint8Array(0)]))
    expectRecords(await run(s.events("c")), [...records, new Uint8Array(0)])
  })

  add("treats an empty batch as a no-op", async (ctx) => {
    const s = await ctx.fresh()
    await run(s.append("empty", []))
    expectRecords(await run(s.events("empty")), [])
    expectNames(await run(s.communities()), [])
    await run(s.append("c", [utf8("a")]))
    await run(s.append("c", []))
    expectRecords(await run(s.events("c")), [utf8("a")])
  })

  add("concatenates batches in order", async (ctx) => {
    const s = await ctx.fresh()
    const expected: Array<Uint8Array> = []
    for (let b = 0; b < 20; b++) {
      const batch = Array.from({ length: b % 4 }, (_, j) => utf8(`batch ${b} record ${j}`))
      await run(s.append("c", batch))
      expected.push(...batch)
    }
    expectRecords(await run(s.events("c")), expected)
  })

  add("isolates communities", async (ctx) => {
    const s = await ctx.fresh()
    await run(s.append("a", [utf8("a1")]))
    await run(s.append("b", [utf8("b1"), utf8("b2")]))
    await run(s.append("a", [utf8("a2")]))
    await run(s.set("a", "k", utf8("va")))
    await run(s.set("b", "k", utf8("vb")))
    expectRecords(await run(s.events("a")), [utf8("a1"), utf8("a2")])
    expectRecords(await run(s.events("b")), [utf8("b1"), utf8("b2")])
    expectRecords(await run(s.events("c")), [])
    expectBytes(await run(s.get("a", "k")), utf8("va"))
    expectBytes(await run(s.get("b", "k")), utf8("vb"))
    expectMissing(await run(s.get("c", "k")))
  })

  add("keeps values apart from events", async (ctx) => {
    const s = await ctx.fresh()
    await run(s.set("c", "events", utf8("value")))
    expectRecords(await run(s.events("c")), [])
    await run(s.append("c", [utf8("record")]))
    expectBytes(await run(s.get("c", "events")), utf8("value"))
  })

  add("replaces values with set and returns undefined for missing keys", async (ctx) => {
    const s = await ctx.fresh()
    expectMissing(await run(s.get("c", "k")))
    await run(s.set("c", "k", utf8("one")))
    expectBytes(await run(s.get("c", "k")), utf8("one"))
    await run(s.set("c", "k", utf8("a longer second value")))
    expectBytes(await run(s.get("c", "k")), utf8("a longer second value"))
    await run(s.set("c", "k", utf8("3")))
    expectBytes(await run(s.get("c", "k")), utf8("3"))
    await run(s.set("c", "empty", new Uint8Array(0)))
    expectBytes(await run(s.get("c", "empty")), new Uint8Array(0))
    expectMissing(await run(s.get("c", "other")))
    expectMissing(await run(s.get("elsewhere", "k")))
  })

  add("lists communities sorted, only those holding something", async (ctx) => {
    const s = await ctx.fresh()
    await run(s.append("zeta", [utf8("z")]))
    await run(s.set("alpha", "k", utf8("v")))
    await run(s.append("mid.dle-1_x", [utf8("m")]))
    await run(s.append("beta", []))
    await run(s.events("gamma"))
    await run(s.get("delta", "k"))
    await run(s.append("0first", [utf8("0")]))
    expectNames(await run(s.communities()), ["0first", "alpha", "mid.dle-1_x", "zeta"])
  })

  add("copies what it is given and what it returns", async (ctx) => {
    const s = await ctx.fresh()
    const record = utf8("record")
    const value = utf8("value")
    await run(s.append("c", [record]))
    await run(s.set("c", "k", value))
    record.fill(0)
    value.fill(0)
    const read = await run(s.events("c"))
    expectRecords(read, [utf8("record")])
    read[0]?.fill(1)
    const got = await run(s.get("c", "k"))
    expectBytes(got, utf8("value"))
    got?.fill(1)
    expectRecords(await run(s.events("c")), [utf8("record")])
    expectBytes(await run(s.get("c", "k")), utf8("value"))
  })

  add("copies arrays whose slice shares memory, as a Node Buffer's does", async (ctx) => {
    const s = await ctx.fresh()
    const record = SharingSlice.of(1, 2, 3)
    const value = SharingSlice.of(4, 5, 6)
    await run(s.append("c", [record]))
    await run(s.set("c", "k", value))
    record.fill(0)
    value.fill(0)
    expectRecords(await run(s.events("c")), [new Uint8Array([1, 2, 3])])
    expectBytes(await run(s.get("c", "k")), new Uint8Array([4, 5, 6]))
  })

  add("keeps a record that is a view into a larger buffer as just the view", async (ctx) => {
    const s = await ctx.fresh()
    const big = randomBytes(3, 4096)
    const view = big.subarray(100, 110)
    await run(s.append("c", [view]))
    await run(s.set("c", "k", big.subarray(5, 9)))
    expectRecords(await run(s.events("c")), [big.slice(100, 110)])
    expectBytes(await run(s.get("c", "k")), big.slice(5, 9))
  })

  add("rejects names outside [0-9a-z._-]{1,128} with a StorageError", async (ctx) => {
    const s = await ctx.fresh()
    for (const bad of ["", "../x", "/", "a/b", "A", "a b", "é", "x".repeat(129)]) {
      expectStorageError(await failure(s.append(bad, [utf8("x")])))
      expectStorageError(await failure(s.events(bad)))
      expectStorageError(await failure(s.get(bad, "k")))
      expectStorageError(await failure(s.set(bad, "k", utf8("v"))))
      expectStorageError(await failure(s.get("c", bad)))
      expectStorageError(await failure(s.set("c", bad, utf8("v"))))
    }
    expectNames(await run(s.communities()), [])
  })

  add("accepts every name of the alphabet, dots included", async (ctx) => {
    const s = await ctx.fresh()
    const names = [".", "..", "...", "-", "_", "a.b", "x".repeat(128), "0123456789abcdefghijklmnopqrstuvwxyz._-"]
    for (const n of names) {
      await run(s.append(n, [utf8(`event of ${n}`)]))
      await run(s.set(n, n, utf8(`value of ${n}`)))
    }
    for (const n of names) {
      expectRecords(await run(s.events(n)), [utf8(`event of ${n}`)])
      expectBytes(await run(s.get(n, n)), utf8(`value of ${n}`))
    }
    expectNames(await run(s.communities()), [...names].sort())
  })

  add("fails with a StorageError once closed, and closes twice quietly", async (ctx) => {
    const s = await ctx.fresh()
    await run(s.append("c", [utf8("a")]))
    await run(s.set("c", "k", utf8("v")))
    await run(s.close())
    expectStorageError(await failure(s.append("c", [utf8("b")])))
    expectStorageError(await failure(s.append("c", [])))
    expectStorageError(await failure(s.events("c")))
    expectStorageError(await failure(s.get("c", "k")))
    expectStorageError(await failure(s.set("c", "k", utf8("w"))))
    expectStorageError(await failure(s.communities()))
    await run(s.close())
  })

  add("lets appends in flight finish when closing", async (ctx) => {
    const s = await ctx.fresh()
    const pending = Array.from({ length: 10 }, (_, i) => failure(s.append("c", [utf8(`r${i}`)])))
    await run(s.close())
    const outcomes = await Promise.all(pending)
    for (const outcome of outcomes) if (outcome !== "succeeded") expectStorageError(outcome)
    const landed = outcomes.filter((o) => o === "succeeded").length
    if (options.reopen !== undefined) {
      const again = await ctx.reopened(s)
      const events = await run(again.events("c"))
      check(events.length >= landed, `${landed} appends succeeded before closing but only ${events.length} records are there after reopening`)
    }
  })

  add("stores 1 MiB records and values", async (ctx) => {
    const s = await ctx.fresh()
    const mib = 1024 * 1024
    const records = [randomBytes(10, mib), randomBytes(11, mib), utf8("small"), randomBytes(12, mib + 1)]
    await run(s.append("big", records.slice(0, 2)))
    await run(s.append("big", records.slice(2)))
    const value = randomBytes(13, mib)
    await run(s.set("big", "snapshot", value))
    expectRecords(await run(s.events("big")), records)
    expectBytes(await run(s.get("big", "snapshot")), value)
  })

  add("stores 10,000 small records in one batch", async (ctx) => {
    const s = await ctx.fresh()
    const records = Array.from({ length: 10_000 }, (_, i) => randomBytes(100 + i, i % 97))
    await run(s.append("many", records))
    expectRecords(await run(s.events("many")), records)
  })

  add("stores 10,000 small records in 500 batches", async (ctx) => {
    const s = await ctx.fresh()
    const records = Array.from({ length: 10_000 }, (_, i) => utf8(`record ${i}`))
    for (let b = 0; b < 500; b++) await run(s.append("many", records.slice(b * 20, b * 20 + 20)))
    expectRecords(await run(s.events("many")), records)
  })

  add("keeps each batch contiguous under concurrent appends", async (ctx) => {
    const s = await ctx.fresh()
    const batches = Array.from({ length: 60 }, (_, b) =>
      Array.from({ length: 1 + (b % 9) }, (_, j) => utf8(`${b}:${j}`))
    )
    const other = Array.from({ length: 30 }, (_, b) => [utf8(`other ${b}`)])
    await Promise.all([
      ...batches.map((batch) => run(s.append("c", batch))),
      ...other.map((batch) => run(s.append("d", batch))),
      ...other.map((_, i) => run(s.set("c", `k${i % 3}`, utf8(`${i}`))))
    ])
    expectContiguous(await run(s.events("c")), batches)
    expectContiguous(await run(s.events("d")), other)
  })

  add("keeps batches contiguous when appended through Effect concurrency", async (ctx) => {
    const s = await ctx.fresh()
    const batches = Array.from({ length: 40 }, (_, b) =>
      Array.from({ length: 2 + (b % 5) }, (_, j) => utf8(`${b}:${j}`))
    )
    await run(Effect.all(batches.map((batch) => s.append("c", batch)), { concurrency: "unbounded", discard: true }))
    expectContiguous(await run(s.events("c")), batches)
  })

  add("matches a simple model over a random run", async (ctx) => {
    let s = await ctx.fresh()
    const model = new Map<string, Array<Uint8Array>>()
    const values = new Map<string, Uint8Array>()
    const rng = mulberry32(42)
    const communities = ["a", "b", "c.d"]
    const keys = ["head", "snapshot"]
    for (let step = 0; step < 300; step++) {
      const c = communities[Math.floor(rng() * communities.length)] ?? "a"
      const roll = rng()
      if (roll < 0.55) {
        const batch = Array.from({ length: Math.floor(rng() * 5) }, (_, j) => randomBytes(step * 10 + j, Math.floor(rng() * 300)))
        await run(s.append(c, batch))
        if (batch.length > 0) model.set(c, [...(model.get(c) ?? []), ...batch])
      } else if (roll < 0.75) {
        const k = keys[Math.floor(rng() * keys.length)] ?? "head"
        const v = randomBytes(step, Math.floor(rng() * 200))
        await run(s.set(c, k, v))
        values.set(`${c}/${k}`, v)
      } else if (roll < 0.95 || options.reopen === undefined) {
        expectRecords(await run(s.events(c)), model.get(c) ?? [])
        for (const k of keys) {
          const v = values.get(`${c}/${k}`)
          if (v === undefined) expectMissing(await run(s.get(c, k)))
          else expectBytes(await run(s.get(c, k)), v)
        }
      } else {
        s = await ctx.again(s)
      }
    }
    const held = new Set([...model.keys(), ...[...values.keys()].map((k) => k.split("/")[0] ?? "")])
    expectNames(await run(s.communities()), [...held].sort())
    for (const c of communities) expectRecords(await run(s.events(c)), model.get(c) ?? [])
  })

  if (options.reopen !== undefined) {
    addReopening("keeps events, values and communities across close and reopen", async (ctx) => {
      const s = await ctx.fresh()
      await run(s.append("b", [utf8("b1"), utf8("b2")]))
      await run(s.append("a", [utf8("a1")]))
      await run(s.append("b", [utf8("b3")]))
      await run(s.set("a", "k", utf8("v1")))
      await run(s.set("a", "k", utf8("v2")))
      await run(s.set("v", "only", utf8("value only")))
      const t = await ctx.again(s)
      expectNames(await run(t.communities()), ["a", "b", "v"])
      expectRecords(await run(t.events("b")), [utf8("b1"), utf8("b2"), utf8("b3")])
      expectRecords(await run(t.events("a")), [utf8("a1")])
      expectBytes(await run(t.get("a", "k")), utf8("v2"))
      expectBytes(await run(t.get("v", "only")), utf8("value only"))
      expectMissing(await run(t.get("a", "missing")))
    })

    addReopening("continues the log after reopening, again and again", async (ctx) => {
      let s = await ctx.fresh()
      const expected: Array<Uint8Array> = []
      for (let round = 0; round < 4; round++) {
        for (let b = 0; b < 3; b++) {
          const batch = [utf8(`${round}.${b}.0`), utf8(`${round}.${b}.1`)]
          await run(s.append("c", batch))
          expected.push(...batch)
        }
        expectRecords(await run(s.events("c")), expected)
        s = await ctx.again(s)
        expectRecords(await run(s.events("c")), expected)
      }
    })

    addReopening("appends after reopening without reading first", async (ctx) => {
      const s = await ctx.fresh()
      await run(s.append("c", [utf8("before")]))
      const t = await ctx.again(s)
      await run(t.append("c", [utf8("after")]))
      expectRecords(await run(t.events("c")), [utf8("before"), utf8("after")])
      const u = await ctx.again(t)
      expectRecords(await run(u.events("c")), [utf8("before"), utf8("after")])
    })

    addReopening("does not create communities by reading them", async (ctx) => {
      const s = await ctx.fresh()
      await run(s.events("ghost"))
      await run(s.get("ghost", "k"))
      await run(s.append("ghost", []))
      const t = await ctx.again(s)
      expectNames(await run(t.communities()), [])
    })

    addReopening("keeps large and many records across reopening", async (ctx) => {
      const s = await ctx.fresh()
      const big = randomBytes(77, 1024 * 1024)
      const many = Array.from({ length: 10_000 }, (_, i) => randomBytes(i, i % 50))
      await run(s.append("big", [big]))
      await run(s.append("many", many))
      await run(s.set("big", "snapshot", big))
      const t = await ctx.again(s)
      expectRecords(await run(t.events("big")), [big])
      expectRecords(await run(t.events("many")), many)
      expectBytes(await run(t.get("big", "snapshot")), big)
    })

    addReopening("keeps concurrent batches contiguous across reopening", async (ctx) => {
      const s = await ctx.fresh()
      const batches = Array.from({ length: 50 }, (_, b) =>
        Array.from({ length: 1 + (b % 6) }, (_, j) => utf8(`${b}:${j}`))
      )
      await Promise.all(batches.map((batch) => run(s.append("c", batch))))
      const t = await ctx.again(s)
      expectContiguous(await run(t.events("c")), batches)
    })
  }
  return cases
}

/** A byte array whose `slice` returns a view, as Node's `Buffer` does. */
class SharingSlice extends Uint8Array {
  override slice(start?: number, end?: number): Uint8Array<ArrayBuffer> {
    return new Uint8Array(this.buffer, this.byteOffset, this.length).subarray(start, end) as Uint8Array<ArrayBuffer>
  }
}

const run = <A>(effect: Effect.Effect<A, StorageError>): Promise<A> => Effect.runPromise(effect)

/** The error an Effect failed with, or `"succeeded"` when it did not fail. */
const failure = <A>(effect: Effect.Effect<A, StorageError>): Promise<StorageError | "succeeded"> =>
  Effect.runPromise(Effect.match(effect, { onFailure: (e) => e, onSuccess: () => "succeeded" as const }))

/** Throws an `Error` with `message` unless `condition` holds. */
const check = (condition: boolean, message: string): void => {
  if (!condition) throw new Error(message)
}

const expectStorageError = (error: StorageError | "succeeded"): void => {
  check(error !== "succeeded", "expected a StorageError, but the operation succeeded")
  if (error !== "succeeded") {
    check(error._tag === "StorageError", `expected a StorageError, got ${String(error._tag)}`)
    check(typeof error.reason === "string", `expected the StorageError's reason to be a string, got ${typeof error.reason}`)
  }
}

const expectMissing = (actual: Uint8Array | undefined): void => {
  check(actual === undefined, `expected nothing, got ${actual instanceof Uint8Array ? describeBytes(actual) : String(actual)}`)
}

const expectNames = (actual: ReadonlyArray<string>, expected: ReadonlyArray<string>): void => {
  const a = JSON.stringify(actual)
  const e = JSON.stringify(expected)
  check(a === e, `expected communities ${e}, got ${a}`)
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

const describeBytes = (b: Uint8Array): string =>
  b.length <= 32 ? `[${Array.from(b).join(",")}]` : `${b.length} bytes starting [${Array.from(b.subarray(0, 16)).join(",")}]`

const expectBytes = (actual: Uint8Array | undefined, expected: Uint8Array): void => {
  if (!(actual instanceof Uint8Array)) throw new Error(`expected ${describeBytes(expected)}, got ${String(actual)}`)
  check(equalBytes(actual, expected), `expected ${describeBytes(expected)}, got ${describeBytes(actual)}`)
}

const expectRecords = (actual: ReadonlyArray<Uint8Array>, expected: ReadonlyArray<Uint8Array>): void => {
  check(actual.length === expected.length, `expected ${expected.length} records, got ${actual.length}`)
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]
    const e = expected[i]
    if (a === undefined || e === undefined || !(a instanceof Uint8Array) || !equalBytes(a, e)) {
      throw new Error(
        `record ${i} differs: expected ${e === undefined ? "nothing" : describeBytes(e)}, got ${a === undefined ? "nothing" : describeBytes(a)}`
      )
    }
  }
}

/** Every batch present exactly once, its records in order and side by side. */
const expectContiguous = (actual: ReadonlyArray<Uint8Array>, batches: ReadonlyArray<ReadonlyArray<Uint8Array>>): void => {
  const total = batches.reduce((n, b) => n + b.length, 0)
  check(actual.length === total, `expected ${total} records, got ${actual.length}`)
  const decoder = new TextDecoder()
  const firsts = new Map<string, number>()
  batches.forEach((b, i) => {
    const first = b[0]
    if (first !== undefined) firsts.set(decoder.decode(first), i)
  })
  const seen = new Set<number>()
  let at = 0
  while (at < actual.length) {
    const head = actual[at]
    const index = head === undefined ? undefined : firsts.get(decoder.decode(head))
    if (index === undefined || seen.has(index)) {
      throw new Error(`record ${at} does not start a batch that was not seen yet`)
    }
    seen.add(index)
    const batch = batches[index] ?? []
    expectRecords(actual.slice(at, at + batch.length), batch)
    at += batch.length
  }
  const nonEmpty = batches.filter((b) => b.length > 0).length
  check(seen.size === nonEmpty, `expected ${nonEmpty} batches, found ${seen.size}`)
}


/** Deterministic pseudo-random bytes. */
const randomBytes = (seed: number, length: number): Uint8Array => {
  const out = new Uint8Array(length)
  let x = (seed * 2654435761 + 1) >>> 0 || 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    out[i] = x & 0xff
  }
  return out
}
