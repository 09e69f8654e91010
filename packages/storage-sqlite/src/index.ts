/**
 * `@affinity/storage-sqlite`: a crash-safe `Storage` adapter for Node on SQLite, through
 * Node's built-in `node:sqlite` (Node 22.13 or later): nothing to compile, nothing
 * downloaded at install. All communities live in one database file.
 *
 * ## Tables
 *
 * ```text
 * communities    (name TEXT PRIMARY KEY)                       every community holding events or values
 * batches        (seq INTEGER PRIMARY KEY, community TEXT,     one row per appended batch, in append order;
 *                 count INTEGER, body BLOB)                     body: for each record, its length (4 bytes,
 *                                                               unsigned little-endian) then its bytes
 * stored_values  (community TEXT, key TEXT, value BLOB,        one row per value
 *                 PRIMARY KEY (community, key))
 * ```
 *
 * The file is marked as a store by `PRAGMA application_id` (ASCII "AFNT") and its format
 * by `PRAGMA user_version` (1); another SQLite database, or another format version, is
 * refused with a `StorageError` rather than changed.
 *
 * ## Durability
 *
 * The database runs in write-ahead-log mode with `synchronous = FULL`: a commit is flushed
 * to disk before it returns, and a crash leaves at most a torn tail of the log, which
 * SQLite's frame checksums discard on the next open. Every append is written inside a
 * transaction, so a batch is there whole or not at all. Appends and sets made while a commit is being
 * prepared share it (group commit): they are written together at the next turn of the
 * event loop, in the order they were made, and each succeeds only once the commit is on
 * disk.
 *
 * Several processes may open the same file (SQLite locks it); a write waits up to five
 * seconds for another process's transaction before it fails.
 *
 * @module
 */
import { Storage } from "@affinity/core"
import { Effect, Layer } from "effect"
import * as path from "node:path"
import * as Database from "./internal/Database.ts"
import * as Store from "./internal/Store.ts"

/** Options of {@link make} and {@link layer}. */
export interface SqliteStorageOptions {
  /** The database file; created (with its parent directories) when missing. */
  readonly file: string
}

/**
 * Opens (or creates) a store in `options.file`. Fails with a `StorageError` when the file
 * cannot be opened or created, or is not a store this version can read.
 *
 * @example
 * ```ts
 * import { mkdtemp, rm } from "node:fs/promises"
 * import { tmpdir } from "node:os"
 * import { join } from "node:path"
 * import { Effect } from "effect"
 * import * as StorageSqlite from "@affinity/storage-sqlite"
 *
 * const directory = await mkdtemp(join(tmpdir(), "affinity-example-"))
 * const program = Effect.gen(function* () {
 *   const store = yield* StorageSqlite.make({ file: join(directory, "store.db") })
 *   yield* store.append("club", [new TextEncoder().encode("hello")])
 *   const records = yield* store.events("club")
 *   yield* store.close()
 *   return records.length
 * })
 * console.log((await Effect.runPromise(program)) === 1) // true
 * await rm(directory, { recursive: true, force: true })
 * ```
 */
export const make = (options: SqliteStorageOptions): Effect.Effect<Storage.StorageShape, Storage.StorageError> =>
  Effect.tryPromise({
    try: async () => {
      const file = path.resolve(options.file)
      return Store.make(await Database.open(file), file)
    },
    catch: (cause) => Storage.toStorageError(`opening ${options.file}`, cause)
  })

/**
 * A `Storage` layer over {@link make}; the store is closed when the layer's scope ends.
 * Build it once and reuse it: each build opens the file again.
 *
 * @example
 * ```ts
 * import { mkdtemp, rm } from "node:fs/promises"
 * import { tmpdir } from "node:os"
 * import { join } from "node:path"
 * import { Effect } from "effect"
 * import { Storage } from "@affinity/core"
 * import * as StorageSqlite from "@affinity/storage-sqlite"
 *
 * const directory = await mkdtemp(join(tmpdir(), "affinity-example-"))
 * const program = Effect.gen(function* () {
 *   const store = yield* Storage.Storage
 *   yield* store.set("club", "motto", new TextEncoder().encode("together"))
 *   return yield* store.communities()
 * })
 * const listed = await Effect.runPromise(Effect.provide(program, StorageSqlite.layer({ file: join(directory, "store.db") })))
 * console.log(listed.join() === "club") // true
 * await rm(directory, { recursive: true, force: true })
 * ```
 */
export const layer = (options: SqliteStorageOptions): Layer.Layer<Storage.Storage, Storage.StorageError> =>
  Layer.effect(
    Storage.Storage,
    Effect.acquireRelease(make(options), (store) => Effect.ignore(store.close()))
  )
