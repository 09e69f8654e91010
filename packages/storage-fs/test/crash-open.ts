/** How the crash test (`crash.test.ts`) and its child process open a store: a directory. */
import type { Effect } from "effect"
import type { Storage } from "@affinity/core"
import * as StorageFs from "../src/index.ts"

/** The file-system store kept in `directory`. */
export const open = (directory: string): Effect.Effect<Storage.StorageShape, Storage.StorageError> => StorageFs.make({ directory })
