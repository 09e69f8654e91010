/**
 * `@affinity/storage-indexeddb`: a `Storage` adapter for browsers, on IndexedDB through
 * `idb-keyval`.
 *
 * ## Layout
 *
 * One database (`options.name`, `"affinity"` by default) with one object store,
 * `"affinity"`, whose keys are arrays:
 *
 * | key                           | value                                                |
 * | ----------------------------- | ---------------------------------------------------- |
 * | `["c", community]`            | `1`: the community holds events or values            |
 * | `["n", community]`            | how many batches the community's log has             |
 * | `["e", community, n, size]`   | batch `n` (from 0): for each record, its length (4 bytes, little-endian) then its bytes; `size` is the batch's length in bytes |
 * | `["v", community, key]`       | a value, its bytes as they are                       |
 *
 * Batches written by earlier versions have the key `["e", community, n]`, without the size;
 * both forms sort by `n` and are read alike.
 *
 * An append reads `["n", community]`, writes its records as one batch or more (a batch
 * holds at most {@link BATCH_BYTES} bytes of records, or one record larger than that) under
 * the next numbers and the new count, all in one read-write transaction: the append lands
 * whole or not at all, and batches appended at the same time (from this page or another)
 * never interleave.
 *
 * Reading a log reads the count and the batch keys (no values), then the batches with
 * `getAll` over runs of consecutive keys that hold about {@link READ_BYTES} bytes together
 * (a batch of unknown size alone), two requests in flight. A page decodes each request's
 * values in one task: keeping them small keeps that task short on a slow phone (a 2.7 MB
 * value is a task of ~150 ms at a quarter of a laptop's speed), while a log of many small
 * batches still takes few requests.
 *
 * @module
 */
import { Storage } from "@affinity/core"
import { Effect, Layer } from "effect"
import { createStore, promisifyRequest, type UseStore } from "idb-keyval"

/** Options of {@link make} and {@link layer}. */
export interface IndexedDbStorageOptions {
  /** The IndexedDB database name; `"affinity"` when not given. */
  readonly name?: string
}

/** The object store every key lives in. */
const STORE_NAME = "affinity"

/** The most bytes of records one stored batch holds (a larger record is a batch of its own). */
export const BATCH_BYTES = 256 * 1024

/** About how many bytes one read request asks for. */
export const READ_BYTES = 256 * 1024

/** The most batches one read request asks for. */
const READ_BATCHES = 4096

/** A batch's key: `["e", community, n, size]`, or `["e", community, n]` as earlier versions wrote it. */
type BatchKey = Array<string | number>

/** Whether `key` is the key of batch `n` of `community` (with its size, or without one). */
const isBatchKey = (key: IDBValidKey, community: string, n: number): key is BatchKey =>
  Array.isArray(key) &&
  key[0] === "e" &&
  key[1] === community &&
  key[2] === n &&
  (key.length === 3 || (key.length === 4 && typeof key[3] === "number" && Number.isSafeInteger(key[3]) && key[3] >= 0))

/** Runs of consecutive batches `[from, to)` holding about {@link READ_BYTES} bytes together; a batch of unknown size alone. */
const readRuns = (keys: ReadonlyArray<BatchKey>): ReadonlyArray<readonly [number, number]> => {
  const out: Array<readonly [number, number]> = []
  let from = 0
  let bytes = 0
  for (let n = 0; n < keys.length; n++) {
    const size = (keys[n]![3] as number | undefined) ?? Number.POSITIVE_INFINITY
    if (n > from && (bytes + size > READ_BYTES || n - from >= READ_BATCHES || bytes === Number.POSITIVE_INFINITY)) {
      out.push([from, n])
      from = n
      bytes = 0
    }
    bytes += size
  }
  if (from < keys.length) out.push([from, keys.length])
  return out
}

/**
 * Opens (or creates) a store in the IndexedDB database `options.name`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import * as StorageIndexedDb from "@affinity/storage-indexeddb"
 *
 * const program = Effect.gen(function* () {
 *   const store = yield* StorageIndexedDb.make({ name: "my-app" })
 *   yield* store.append("club", [new TextEncoder().encode("hello")])
 *   return yield* store.events("club")
 * })
 * ```
 */
export const make = (options: IndexedDbStorageOptions = {}): Effect.Effect<Storage.StorageShape, Storage.StorageError> => {
  const name = options.name ?? "affinity"
  return Effect.tryPromise({
    try: () => open(name),
    catch: (cause) => toStorageError(`opening IndexedDB database ${JSON.stringify(name)}`, cause)
  })
}

/**
 * A `Storage` layer over {@link make}; the database connection is closed when the
 * layer's scope ends.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Storage } from "@affinity/core"
 * import * as StorageIndexedDb from "@affinity/storage-indexeddb"
 *
 * const program = Effect.gen(function* () {
 *   const store = yield* Storage.Storage
 *   return yield* store.communities()
 * })
 * Effect.runPromise(Effect.provide(program, StorageIndexedDb.layer({ name: "my-app" })))
 * ```
 */
export const layer = (options: IndexedDbStorageOptions = {}): Layer.Layer<Storage.Storage, Storage.StorageError> =>
  Layer.effect(
    Storage.Storage,
    Effect.acquireRelease(make(options), (store) => Effect.ignore(store.close()))
  )

// ---------------------------------------------------------------------------
// Batches

/** One batch as one byte array: each record's length (u32, little-endian) then its bytes. */
const pack = (records: ReadonlyArray<Uint8Array>): Uint8Array => {
  let length = 0
  for (const r of records) {
    if (r.length > 0xffff_ffff) throw new Storage.StorageError({ reason: `record of ${r.length} bytes is too large` })
    length += 4 + r.length
  }
  const out = new Uint8Array(length)
  const view = new DataView(out.buffer)
  let at = 0
  for (const r of records) {
    view.setUint32(at, r.length, true)
    out.set(r, at + 4)
    at += 4 + r.length
  }
  return out
}

/** Records split into runs of at most {@link BATCH_BYTES} bytes (a larger record alone), in order. */
const runs = (records: ReadonlyArray<Uint8Array>): ReadonlyArray<ReadonlyArray<Uint8Array>> => {
  const out: Array<Array<Uint8Array>> = []
  let current: Array<Uint8Array> = []
  let bytes = 0
  for (const r of records) {
    if (current.length > 0 && bytes + 4 + r.length > BATCH_BYTES) {
      out.push(current)
      current = []
      bytes = 0
    }
    current.push(r)
    bytes += 4 + r.length
  }
  if (current.length > 0) out.push(current)
  return out
}

/** Adds the records of a packed batch to `out`, as views into it; false when it is not one. */
const unpack = (batch: unknown, out: Array<Uint8Array>): boolean => {
  if (!(batch instanceof Uint8Array)) return false
  const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength)
  let at = 0
  while (at < batch.length) {
    if (batch.length - at < 4) return false
    const length = view.getUint32(at, true)
    at += 4
    if (batch.length - at < length) return false
    out.push(batch.subarray(at, at + length))
    at += length
  }
  return true
}

// ---------------------------------------------------------------------------
// The store

const toStorageError = Storage.toStorageError

/**
 * A plain copy with a buffer of its own, so that storing it does not store a larger
 * buffer it views (`slice` of a Node `Buffer` would share memory).
 */
const own = (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes)

const open = async (name: string): Promise<Storage.StorageShape> => {
  if (typeof indexedDB === "undefined") throw new Error("IndexedDB is not available here")
  const use: UseStore = createStore(name, STORE_NAME)
  // Open now, so that a database that cannot be used fails here rather than later.
  await use("readonly", (os) => promisifyRequest(os.get(["c", ""])))


  const append = async (community: string, records: ReadonlyArray<Uint8Array>): Promise<void> => {
    if (records.length === 0) return
    const batches = runs(records).map(pack)
    let damaged: string | undefined
    await use("readwrite", (os) => {
      const count = os.get(["n", community])
      count.onsuccess = () => {
        const n: unknown = count.result ?? 0
        if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
          damaged = `batch count of ${community} is damaged: ${String(n)}`
          os.transaction.abort()
          return
        }
        batches.forEach((batch, k) => os.put(batch, ["e", community, n + k, batch.length]))
        os.put(n + batches.length, ["n", community])
        os.put(1, ["c", community])
      }
      return promisifyRequest(os.transaction)
    }).catch((cause: unknown) => {
      throw damaged !== undefined ? new Error(damaged) : cause
    })
  }

  const events = async (community: string): Promise<ReadonlyArray<Uint8Array>> => {
    const [counted, stored] = await use("readonly", (os) =>
      Promise.all([promisifyRequest(os.get(["n", community])), promisifyRequest(os.getAllKeys(IDBKeyRange.bound(["e", community, 0], ["e", community, Infinity])))])
    )
    const count: unknown = counted ?? 0
    if (count !== stored.length) throw new Error(`log of ${community} is damaged: ${stored.length} batches stored, ${String(count)} counted`)
    const keys: Array<BatchKey> = []
    for (const key of stored) {
      if (!isBatchKey(key, community, keys.length)) throw new Error(`log of ${community} is damaged: batch ${keys.length} has the key ${JSON.stringify(key)}`)
      keys.push(key)
    }
    const out: Array<Uint8Array> = []
    const runs = readRuns(keys)
    const read = (from: number, to: number) =>
      use("readonly", (os) => promisifyRequest(os.getAll(IDBKeyRange.bound(keys[from] as IDBValidKey, keys[to - 1] as IDBValidKey)))).then((batches) => ({ from, to, batches }))
    const inFlight: Array<ReturnType<typeof read>> = []
    let next = 0
    const ask = () => {
      for (; inFlight.length < 2 && next < runs.length; next++) inFlight.push(read(...runs[next]!))
    }
    try {
      ask()
      while (inFlight.length > 0) {
        const { from, to, batches } = await inFlight.shift()!
        ask()
        if (batches.length !== to - from) throw new Error(`log of ${community} is damaged: batches ${from} to ${to - 1} changed while read`)
        for (const [k, batch] of batches.entries()) {
          if (!unpack(batch, out)) throw new Error(`log of ${community} is damaged: batch ${from + k} is not a packed batch`)
        }
      }
    } catch (cause) {
      // The request still in flight fails or not; either way nobody waits for it.
      for (const request of inFlight) request.catch(() => undefined)
      throw cause
    }
    return out
  }

  const get = async (community: string, key: string): Promise<Uint8Array | undefined> => {
    const value: unknown = await use("readonly", (os) => promisifyRequest(os.get(["v", community, key])))
    if (value === undefined || value instanceof Uint8Array) return value
    throw new Error(`value ${community}/${key} is not bytes`)
  }

  const set = async (community: string, key: string, value: Uint8Array): Promise<void> => {
    const copy = own(value)
    await use("readwrite", (os) => {
      os.put(copy, ["v", community, key])
      os.put(1, ["c", community])
      return promisifyRequest(os.transaction)
    })
  }

  const communities = async (): Promise<ReadonlyArray<string>> => {
    const keys = await use("readonly", (os) => promisifyRequest(os.getAllKeys(IDBKeyRange.bound(["c", ""], ["c", []]))))
    const out: Array<string> = []
    for (const key of keys) {
      if (Array.isArray(key) && typeof key[1] === "string") out.push(key[1])
    }
    return out.sort()
  }

  const close = async (): Promise<void> => {
    const db = await use("readonly", (os) => os.transaction.db)
    db.close()
  }

  return Storage.fromPromises({ name: "indexeddb", place: `IndexedDB store ${JSON.stringify(name)}`, append, events, get, set, communities, close })
}
