/**
 * `@affinity/storage-indexeddb`: a `Storage` adapter for browsers, on IndexedDB through
 * `idb-keyval`.
 *
 * ## Layout
 *
 * One database (`options.name`, `"affinity"` by default) with one object store,
 * `"affinity"`, whose keys are arrays:
 *
 * | key                        | value                                                   |
 * | -------------------------- | ------------------------------------------------------- |
 * | `["c", community]`         | `1`: the community holds events or values               |
 * | `["n", community]`         | how many batches the community's log has                |
 * | `["e", community, n]`      | batch `n` (from 0): for each record, its length (4 bytes, little-endian) then its bytes |
 * | `["v", community, key]`    | a value, its bytes as they are                          |
 *
 * An append reads `["n", community]`, writes the batch under the next number and the new
 * count, all in one read-write transaction: the batch lands whole or not at all, and
 * batches appended at the same time (from this page or another) never interleave.
 * Reading a log is one `getAll` over the community's key range, one value per batch.
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
    const batch = pack(records)
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
        os.put(batch, ["e", community, n])
        os.put(n + 1, ["n", community])
        os.put(1, ["c", community])
      }
      return promisifyRequest(os.transaction)
    }).catch((cause: unknown) => {
      throw damaged !== undefined ? new Error(damaged) : cause
    })
  }

  const events = async (community: string): Promise<ReadonlyArray<Uint8Array>> => {
    const [batches, count] = await use("readonly", (os) =>
      Promise.all([
        promisifyRequest(os.getAll(IDBKeyRange.bound(["e", community, 0], ["e", community, Infinity]))),
        promisifyRequest(os.get(["n", community]))
      ])
    )
    const expected: unknown = count ?? 0
    if (expected !== batches.length) {
      throw new Error(`log of ${community} is damaged: ${batches.length} batches stored, ${String(expected)} counted`)
    }
    const out: Array<Uint8Array> = []
    for (const [n, batch] of batches.entries()) {
      if (!unpack(batch, out)) throw new Error(`log of ${community} is damaged: batch ${n} is not a packed batch`)
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
