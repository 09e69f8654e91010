import "fake-indexeddb/auto"
import { Community, Crypto, Keys, Storage } from "@affinity/core"
import { runStorageContract } from "@affinity/core/testing"
import { Effect, Layer } from "effect"
import { createStore, get as idbGet, keys as idbKeys, set as idbSet } from "idb-keyval"
import { describe, expect, it } from "vitest"
import * as StorageIndexedDb from "../src/index.ts"

const places = new WeakMap<Storage.StorageShape, string>()
let count = 0

const openNamed = async (name: string): Promise<Storage.StorageShape> => {
  const store = await Effect.runPromise(StorageIndexedDb.make({ name }))
  places.set(store, name)
  return store
}

runStorageContract("indexeddb", () => openNamed(`contract-${count++}`), {
  reopen: (previous) => {
    const name = places.get(previous)
    if (name === undefined) throw new Error("reopen of a store this test did not open")
    return openNamed(name)
  }
})

const run = <A>(effect: Effect.Effect<A, Storage.StorageError>): Promise<A> => Effect.runPromise(effect)
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

describe("storage-indexeddb", () => {
  it("uses the database \"affinity\" when no name is given", async () => {
    const store = await run(StorageIndexedDb.make())
    await run(store.append("c", [utf8("x")]))
    await run(store.close())
    const again = await openNamed("affinity")
    expect(await run(again.events("c"))).toEqual([utf8("x")])
    await run(again.close())
  })

  it("reads a log of 100,000 records in 1,000 batches quickly", async () => {
    const store = await openNamed("many")
    const records = Array.from({ length: 100_000 }, (_, i) => utf8(`record ${i}`))
    await Promise.all(Array.from({ length: 1000 }, (_, b) => run(store.append("c", records.slice(b * 100, b * 100 + 100)))))
    const start = performance.now()
    const events = await run(store.events("c"))
    const took = performance.now() - start
    expect(events.length).toBe(100_000)
    const decoder = new TextDecoder()
    const seen = new Set(events.map((e) => decoder.decode(e)))
    expect(seen.size).toBe(100_000)
    expect(took).toBeLessThan(5_000)
    await run(store.close())
  })

  it("reports a damaged log as a StorageError", async () => {
    const store = await openNamed("damaged")
    await run(store.append("c", [utf8("a")]))
    await run(store.append("c", [utf8("b")]))
    const raw = createStore("damaged", "affinity")
    const second = (await idbKeys(raw)).find((k) => Array.isArray(k) && k[0] === "e" && k[2] === 1)!
    await idbSet(second, "not bytes", raw)
    const error = await Effect.runPromise(Effect.flip(store.events("c")))
    expect(error.reason).toMatch(/damaged: batch 1 is not a packed batch/)
    // A batch number missing or stored twice is damage too.
    await idbSet(["e", "c", 1], Uint8Array.of(0, 0, 0, 0), raw)
    expect((await Effect.runPromise(Effect.flip(store.events("c")))).reason).toMatch(/damaged: 3 batches stored, 2 counted/)
    await idbSet(["n", "c"], "nonsense", createStore("damaged", "affinity"))
    const appendError = await Effect.runPromise(Effect.flip(store.append("c", [utf8("c")])))
    expect(appendError.reason).toMatch(/damaged/)
    await run(store.close())
  })

  it("provides Storage through a layer and closes the connection with it", async () => {
    const program = Effect.gen(function* () {
      const store = yield* Storage.Storage
      yield* store.append("c", [utf8("via layer")])
      return store
    })
    const store = await Effect.runPromise(Effect.provide(program, StorageIndexedDb.layer({ name: "layered" })))
    expect(store.name).toBe("indexeddb")
    const closed = await Effect.runPromise(Effect.flip(store.events("c")))
    expect(closed.reason).toMatch(/closed/)
    const again = await openNamed("layered")
    expect(await run(again.events("c"))).toEqual([utf8("via layer")])
    await run(again.close())
  })

  /** Counts the read requests made while `work` runs. */
  const countingRequests = async <A>(work: () => Promise<A>): Promise<{ readonly result: A; readonly requests: number; readonly values: Array<number> }> => {
    const proto = IDBObjectStore.prototype
    const original = { get: proto.get, getAll: proto.getAll, getAllKeys: proto.getAllKeys, openCursor: proto.openCursor, count: proto.count }
    let requests = 0
    const values: Array<number> = []
    proto.get = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore["get"]>) {
      requests++
      return original.get.apply(this, args)
    }
    proto.getAll = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore["getAll"]>) {
      requests++
      const request = original.getAll.apply(this, args)
      request.addEventListener("success", () => values.push(request.result.length))
      return request
    }
    proto.getAllKeys = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore["getAllKeys"]>) {
      requests++
      return original.getAllKeys.apply(this, args)
    }
    proto.openCursor = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore["openCursor"]>) {
      requests++
      return original.openCursor.apply(this, args)
    }
    proto.count = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore["count"]>) {
      requests++
      return original.count.apply(this, args)
    }
    try {
      return { result: await work(), requests, values }
    } finally {
      Object.assign(proto, original)
    }
  }

  it("reads a log of many small batches in a few requests", async () => {
    const store = await openNamed("counted")
    // One record per batch: an application that appends its events one at a time.
    for (let b = 0; b < 2000; b++) await run(store.append("c", [utf8(`event ${b}`)]))
    const { result: events, requests } = await countingRequests(() => run(store.events("c")))
    expect(events.length).toBe(2000)
    expect(new TextDecoder().decode(events[1999])).toBe("event 1999")
    // The count and the batch keys, then every batch at once (together far below READ_BYTES).
    expect(requests).toBe(3)
    await run(store.close())
  })

  it("stores a large append as several batches and reads them back in requests of about READ_BYTES", async () => {
    const store = await openNamed("large")
    // 1.2 MB in records of 1,000 bytes, appended at once (an import), then one large record.
    const records = Array.from({ length: 1200 }, (_, i) => new Uint8Array(1000).fill(i & 255))
    const huge = new Uint8Array(StorageIndexedDb.BATCH_BYTES * 2).fill(7)
    await run(store.append("c", records))
    await run(store.append("c", [huge]))
    await run(store.append("c", [utf8("after")]))
    const batches = await idbGet(["n", "c"], createStore("large", "affinity"))
    // Runs of at most BATCH_BYTES (each record takes 4 more bytes for its length), then the large record alone, then the small one.
    expect(batches).toBe(Math.ceil(1200 / Math.floor(StorageIndexedDb.BATCH_BYTES / 1004)) + 2)
    const { result: events, values } = await countingRequests(() => run(store.events("c")))
    expect(events.length).toBe(1202)
    expect(Buffer.concat(events.slice(0, 1200)).equals(Buffer.concat(records))).toBe(true)
    expect(Buffer.from(events[1200]!).equals(huge)).toBe(true)
    expect(new TextDecoder().decode(events[1201])).toBe("after")
    // Each request asks for about READ_BYTES: here the full batches one by one, the large
    // record alone, and the last small batch.
    expect(values.length).toBe(batches)
    expect(Math.max(...values)).toBe(1)
    await run(store.close())
  })

  it("reads batches stored without their size (by earlier versions), and appends after them", async () => {
    const raw = createStore("earlier", "affinity")
    const packed = (records: ReadonlyArray<string>): Uint8Array => {
      const bytes = records.map(utf8)
      const out = new Uint8Array(bytes.reduce((n, r) => n + 4 + r.length, 0))
      let at = 0
      for (const r of bytes) {
        new DataView(out.buffer).setUint32(at, r.length, true)
        out.set(r, at + 4)
        at += 4 + r.length
      }
      return out
    }
    await idbSet(["e", "c", 0], packed(["a", "b"]), raw)
    await idbSet(["e", "c", 1], packed(["c"]), raw)
    await idbSet(["n", "c"], 2, raw)
    await idbSet(["c", "c"], 1, raw)
    const store = await openNamed("earlier")
    await run(store.append("c", [utf8("d")]))
    expect((await run(store.events("c"))).map((r) => new TextDecoder().decode(r))).toEqual(["a", "b", "c", "d"])
    await run(store.close())
  })

  it("reopens a community from its checkpoint", async () => {
    const crypto = Crypto.makeNode() ?? Crypto.makeNoble()
    const layer = () => Layer.mergeAll(Layer.succeed(Crypto.Crypto, crypto), StorageIndexedDb.layer({ name: "community" }))
    const created = await Effect.runPromise(
      Effect.provide(
        Effect.gen(function* () {
          const author = yield* Keys.fromSecret(new Uint8Array(32).fill(9))
          const com = yield* Community.create({ name: "Club", author, checkpoint: { every: 16 } })
          for (let i = 0; i < 40; i++) yield* com.append(author, "core", "tick", {})
          return { id: com.id, hash: com.replica.stateHashHex() }
        }),
        layer()
      )
    )
    const opened = await Effect.runPromise(Effect.provide(Community.open(created.id), layer()))
    expect(opened.resumed).toEqual({ _tag: "FromCheckpoint", position: 32 })
    expect(opened.replica.stats.steps).toBe(1 + 9)
    expect(opened.replica.stateHashHex()).toBe(created.hash)
  })
})
