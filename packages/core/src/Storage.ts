/**
 * The `Storage` service: where a replica keeps the events it has accepted and the
 * snapshots that make reopening fast.
 *
 * ## Contract
 *
 * Every adapter passes the shared suite in `@affinity/core/testing`
 * (`runStorageContract`). In words:
 *
 * 1. **Append-only event log per community.** `append(community, batch)` adds the batch
 *    at the end of that community's log. It is atomic (after a crash either the whole
 *    batch is there or none of it) and durable (once the Effect succeeds, the batch
 *    survives a crash of the process, `kill -9` included). Appending an empty batch is a
 *    no-op. The store does not deduplicate and does not interpret the bytes.
 * 2. **Reading back.** `events(community)` returns every appended record, in append
 *    order, byte for byte. Records are only ever stored after the replica verified them,
 *    so reading them back does not re-verify signatures.
 * 3. **Values.** `get(community, key)` / `set(community, key, value)` keep small values
 *    (snapshots, metadata; `Community` keeps its local checkpoint of the fold under the
 *    key `checkpoint`, and each event payload it holds under `payload.<event key>`, since
 *    records never carry payloads; an erased payload's value is overwritten with no bytes,
 *    `docs/protocol.md` §10). `set` replaces the value atomically and durably: after a crash,
 *    `get` returns the old value or the new one, never a mix. `get` of a missing key is
 *    `undefined`. A value may be megabytes (a checkpoint holds every module's state).
 * 4. **Communities.** `communities()` lists, sorted, every community with at least one
 *    appended event or stored value.
 * 5. **Isolation.** Communities never see each other's events or values.
 * 6. **Closing.** `close()` releases files and handles; using a closed store fails with
 *    a `StorageError`. Closing an already closed store succeeds and does nothing.
 * 7. **Concurrency.** Appends that run at the same time in one process each land whole
 *    and contiguous: batches never interleave.
 * 8. **Ownership.** The store copies what it is given and hands out arrays of its own:
 *    changing an array passed to `append` or `set`, or one returned by `events` or `get`,
 *    does not change what is stored.
 * 9. **Names.** Community ids and keys are short strings of `[0-9a-z._-]` (see
 *    {@link isSafeName}); adapters may rely on it (a file-system adapter can use them in
 *    file names). Any other name fails with a `StorageError` ({@link checkName}).
 *
 * @module
 */
import { Context, Data, Effect, Layer } from "effect"

/** A storage adapter failed; `reason` says what it was doing and why. */
export class StorageError extends Data.TaggedError("StorageError")<{
  readonly reason: string
}> {}

/** What every storage adapter implements. */
export interface StorageShape {
  /** Adapter name, for diagnostics: `"memory"`, `"fs"`, `"indexeddb"`. */
  readonly name: string
  /** Atomically and durably append records to a community's log. */
  readonly append: (
    community: string,
    records: ReadonlyArray<Uint8Array>
  ) => Effect.Effect<void, StorageError>
  /** Every record of a community's log, in append order. */
  readonly events: (community: string) => Effect.Effect<ReadonlyArray<Uint8Array>, StorageError>
  /** A stored value, or `undefined`. */
  readonly get: (community: string, key: string) => Effect.Effect<Uint8Array | undefined, StorageError>
  /** Atomically and durably replace a value. */
  readonly set: (community: string, key: string, value: Uint8Array) => Effect.Effect<void, StorageError>
  /** Every community this store holds anything for, sorted. */
  readonly communities: () => Effect.Effect<ReadonlyArray<string>, StorageError>
  /** Release resources; later calls fail. */
  readonly close: () => Effect.Effect<void, StorageError>
}

/** The Storage service key. */
export class Storage extends Context.Service<Storage, StorageShape>()("@affinity/core/Storage") {}

/** Whether a community id or key is in the alphabet adapters may rely on. */
export const isSafeName = (name: string): boolean => /^[0-9a-z._-]{1,128}$/.test(name)

/**
 * Fails with a `StorageError` when `name` is not a safe community id or key.
 *
 * @param what - what the name is (`"community"`, `"key"`), for the error message.
 */
export const checkName = (what: string, name: string): Effect.Effect<void, StorageError> =>
  isSafeName(name) ? Effect.void : Effect.fail(invalidName(what, name))

const invalidName = (what: string, name: string): StorageError =>
  new StorageError({ reason: `invalid ${what} ${JSON.stringify(name)}: expected 1 to 128 of [0-9a-z._-]` })

/** A plain copy (`slice` of a Node `Buffer` would share memory). */
const copy = (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes)

/**
 * A store that keeps everything in memory, for tests, examples and short-lived replicas.
 * It meets the whole contract except durability: nothing survives the process.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Storage } from "@affinity/core"
 *
 * const store = Storage.makeMemory()
 * await Effect.runPromise(store.append("club", [new Uint8Array([1, 2, 3])]))
 * const records = await Effect.runPromise(store.events("club")) // [Uint8Array [1, 2, 3]]
 * ```
 */
export const makeMemory = (): StorageShape => {
  const logs = new Map<string, Array<Uint8Array>>()
  const values = new Map<string, Map<string, Uint8Array>>()
  let closed = false

  const guard = <A>(run: () => A, ...names: ReadonlyArray<readonly [string, string]>): Effect.Effect<A, StorageError> =>
    Effect.suspend(() => {
      if (closed) return Effect.fail(new StorageError({ reason: "memory store is closed" }))
      for (const [what, name] of names) {
        if (!isSafeName(name)) return Effect.fail(invalidName(what, name))
      }
      return Effect.sync(run)
    })

  return {
    name: "memory",
    append: (community, records) =>
      guard(() => {
        if (records.length === 0) return
        // One buffer for the batch, each record a view into it: the caller's bytes are not kept.
        let total = 0
        for (const r of records) total += r.length
        const block = new Uint8Array(total)
        const copies: Array<Uint8Array> = []
        let at = 0
        for (const r of records) {
          block.set(r, at)
          copies.push(block.subarray(at, at + r.length))
          at += r.length
        }
        const log = logs.get(community)
        if (log === undefined) logs.set(community, copies)
        else for (const r of copies) log.push(r)
      }, ["community", community]),
    events: (community) => guard(() => (logs.get(community) ?? []).map(copy), ["community", community]),
    get: (community, key) =>
      guard(() => {
        const value = values.get(community)?.get(key)
        return value === undefined ? undefined : copy(value)
      }, ["community", community], ["key", key]),
    set: (community, key, value) =>
      guard(() => {
        let m = values.get(community)
        if (m === undefined) {
          m = new Map()
          values.set(community, m)
        }
        m.set(key, copy(value))
      }, ["community", community], ["key", key]),
    communities: () => guard(() => [...new Set([...logs.keys(), ...values.keys()])].sort()),
    close: () =>
      Effect.sync(() => {
        closed = true
        logs.clear()
        values.clear()
      })
  }
}

/** A `Storage` layer backed by a fresh {@link makeMemory} store each time it is built. */
export const layerMemory: Layer.Layer<Storage> = Layer.effect(
  Storage,
  Effect.acquireRelease(Effect.sync(makeMemory), (store) => Effect.ignore(store.close()))
)

/** What an adapter provides to {@link fromPromises}: the storage operations as Promises. */
export interface PromiseStore {
  /** Adapter name, for diagnostics. */
  readonly name: string
  /** Where the store lives, in words ("store at /data", "IndexedDB store \"app\""), for messages. */
  readonly place: string
  readonly append: (community: string, records: ReadonlyArray<Uint8Array>) => Promise<void>
  readonly events: (community: string) => Promise<ReadonlyArray<Uint8Array>>
  readonly get: (community: string, key: string) => Promise<Uint8Array | undefined>
  readonly set: (community: string, key: string, value: Uint8Array) => Promise<void>
  readonly communities: () => Promise<ReadonlyArray<string>>
  /** Release resources; called once, after every operation in flight has settled. */
  readonly close: () => Promise<void>
}

/** A `StorageError` for a failed operation (kept as is when it already is one). */
export const toStorageError = (what: string, cause: unknown): StorageError =>
  cause instanceof StorageError
    ? cause
    : new StorageError({
        reason: `${what}: ${
          cause instanceof Error || (typeof DOMException !== "undefined" && cause instanceof DOMException)
            ? cause.name === "Error"
              ? cause.message
              : `${cause.name}: ${cause.message}`
            : String(cause)
        }`
      })

/**
 * The `Storage` shape over Promise operations: refuses names outside the alphabet and any
 * call after `close` with a `StorageError`, turns every failure into a `StorageError` that
 * says what was being done, and lets `close` wait for operations in flight. Adapters write
 * only the operations themselves.
 */
export const fromPromises = (store: PromiseStore): StorageShape => {
  let closing: Promise<void> | undefined
  const inflight = new Set<Promise<unknown>>()
  const operation = <A>(
    what: string,
    names: ReadonlyArray<readonly [string, string]>,
    body: () => Promise<A>
  ): Effect.Effect<A, StorageError> =>
    Effect.tryPromise({
      try: () => {
        if (closing !== undefined) throw new StorageError({ reason: `${what}: ${store.place} is closed` })
        for (const [kind, value] of names)
          if (!isSafeName(value)) throw new StorageError({ reason: `${what}: invalid ${kind} ${JSON.stringify(value)}` })
        const running = body()
        const tracked = running.then(
          () => undefined,
          () => undefined
        )
        inflight.add(tracked)
        void tracked.then(() => inflight.delete(tracked))
        return running
      },
      catch: (cause) => toStorageError(what, cause)
    })
  return {
    name: store.name,
    append: (community, records) =>
      operation(`append to ${community}`, [["community", community]], () => store.append(community, records)),
    events: (community) => operation(`events of ${community}`, [["community", community]], () => store.events(community)),
    get: (community, key) =>
      operation(`get ${community}/${key}`, [["community", community], ["key", key]], () => store.get(community, key)),
    set: (community, key, value) =>
      operation(`set ${community}/${key}`, [["community", community], ["key", key]], () => store.set(community, key, value)),
    communities: () => operation("communities", [], store.communities),
    close: () =>
      Effect.tryPromise({
        try: () => {
          if (closing === undefined)
            closing = (async () => {
              while (inflight.size > 0) await Promise.all([...inflight])
              await store.close()
            })()
          return closing
        },
        catch: (cause) => toStorageError(`closing ${store.place}`, cause)
      })
  }
}
