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
 *    (snapshots, metadata). `set` replaces the value atomically and durably: after a
 *    crash, `get` returns the old value or the new one, never a mix. `get` of a missing
 *    key is `undefined`.
 * 4. **Communities.** `communities()` lists, sorted, every community with at least one
 *    appended event or stored value.
 * 5. **Isolation.** Communities never see each other's events or values.
 * 6. **Closing.** `close()` releases files and handles; using a closed store fails with
 *    a `StorageError`.
 *
 * Community ids and keys are short strings of `[0-9a-z._-]`; adapters may rely on it.
 *
 * @module
 */
import { Context, Data, Effect } from "effect"

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
