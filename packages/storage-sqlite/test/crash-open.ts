/** How the crash test (`crash.test.ts`) and its child process open a store: a database file. */
import type { Effect } from "effect"
import type { Storage } from "@affinity/core"
import * as StorageSqlite from "../src/index.ts"

/** The SQLite store kept in `file`. */
export const open = (file: string): Effect.Effect<Storage.StorageShape, Storage.StorageError> => StorageSqlite.make({ file })
