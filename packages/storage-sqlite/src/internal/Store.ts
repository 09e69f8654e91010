/**
 * The store over an open database: the `Storage` operations as Promises, with writes
 * grouped into transactions (group commit).
 *
 * Appends and sets are queued and written together at the next turn of the event loop, in
 * the order they were made, in one transaction: one commit (and one flush to disk) for
 * all of them, and each succeeds only once that commit has. When the group's transaction
 * fails, each write is tried again in a transaction of its own, so one bad write fails
 * alone. Reads go to the database at once and see every write that has succeeded.
 *
 * @internal
 * @module
 */
import { Storage } from "@affinity/core"
import type { DatabaseSync, StatementSync } from "node:sqlite"
import * as Batch from "./Batch.ts"

/** A write waiting for the next group commit. */
interface Pending {
  readonly write: () => void
  readonly resolve: () => void
  readonly reject: (cause: unknown) => void
}

/** Names an error by the store's file, so a message says which database failed. */
const inFile = (file: string, cause: unknown): Error =>
  cause instanceof Storage.StorageError
    ? cause
    : new Error(`${file}: ${cause instanceof Error ? cause.message : String(cause)}`)

/** The `Storage` shape over an open database in `file`; closing the store closes the database. */
export const make = (db: DatabaseSync, file: string): Storage.StorageShape => {
  const statements = {
    community: db.prepare("INSERT INTO communities (name) VALUES (?) ON CONFLICT DO NOTHING"),
    append: db.prepare("INSERT INTO batches (community, count, body) VALUES (?, ?, ?)"),
    batches: db.prepare("SELECT seq, count, body FROM batches WHERE community = ? ORDER BY seq"),
    set: db.prepare(
      "INSERT INTO stored_values (community, key, value) VALUES (?, ?, ?) ON CONFLICT (community, key) DO UPDATE SET value = excluded.value"
    ),
    get: db.prepare("SELECT value FROM stored_values WHERE community = ? AND key = ?"),
    communities: db.prepare("SELECT name FROM communities")
  } satisfies Record<string, StatementSync>

  let queue: Array<Pending> = []
  let scheduled = false

  const transaction = (writes: ReadonlyArray<Pending>): void => {
    db.exec("BEGIN IMMEDIATE")
    try {
      for (const p of writes) p.write()
      db.exec("COMMIT")
    } catch (cause) {
      // Most failures leave the transaction open; some (a full disk) have rolled it back already.
      try {
        db.exec("ROLLBACK")
      } catch {
        // no transaction was left to roll back
      }
      throw cause
    }
  }

  const flush = (): void => {
    scheduled = false
    const group = queue
    queue = []
    try {
      transaction(group)
      for (const p of group) p.resolve()
    } catch (cause) {
      if (group.length === 1) {
        group[0]!.reject(inFile(file, cause))
        return
      }
      for (const p of group) {
        try {
          transaction([p])
          p.resolve()
        } catch (alone) {
          p.reject(inFile(file, alone))
        }
      }
    }
  }

  const enqueue = (write: () => void): Promise<void> =>
    new Promise((resolve, reject) => {
      queue.push({ write, resolve, reject })
      if (!scheduled) {
        scheduled = true
        setImmediate(flush)
      }
    })

  const read = <A>(run: () => A): Promise<A> => {
    try {
      return Promise.resolve(run())
    } catch (cause) {
      return Promise.reject(inFile(file, cause))
    }
  }

  return Storage.fromPromises({
    name: "sqlite",
    place: `store ${file}`,
    append: (community, records) => {
      if (records.length === 0) return Promise.resolve()
      // Encoded now: the caller may change its arrays once this returns.
      const body = Batch.encode(records)
      const count = records.length
      return enqueue(() => {
        statements.community.run(community)
        statements.append.run(community, count, body)
      })
    },
    events: (community) =>
      read(() => {
        const out: Array<Uint8Array> = []
        for (const row of statements.batches.all(community)) {
          const { seq, count, body } = row
          if (typeof count !== "number" || !(body instanceof Uint8Array) || !Batch.split(body, count, out))
            throw new Storage.StorageError({
              reason: `${file}: batch ${String(seq)} of community ${community} is damaged (its records do not add up)`
            })
        }
        return out
      }),
    get: (community, key) =>
      read(() => {
        const value = statements.get.get(community, key)?.["value"]
        if (value === undefined) return undefined
        if (!(value instanceof Uint8Array))
          throw new Storage.StorageError({ reason: `${file}: value ${key} of community ${community} is not a byte string` })
        return value
      }),
    set: (community, key, value) => {
      const copy = new Uint8Array(value)
      return enqueue(() => {
        statements.community.run(community)
        statements.set.run(community, key, copy)
      })
    },
    communities: () =>
      read(() =>
        statements.communities
          .all()
          .map((row) => row["name"])
          .filter((name): name is string => typeof name === "string")
          .sort()
      ),
    close: () =>
      read(() => {
        db.close()
      })
  })
}
