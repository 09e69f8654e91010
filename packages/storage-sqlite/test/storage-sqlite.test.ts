import { Storage } from "@affinity/core"
import { Effect } from "effect"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { afterAll } from "vitest"
import { runStorageContract } from "@affinity/core/testing"
import * as StorageSqlite from "../src/index.ts"

const root = await mkdtemp(path.join(tmpdir(), "affinity-storage-sqlite-"))
afterAll(() => rm(root, { recursive: true, force: true }))

const files = new WeakMap<Storage.StorageShape, string>()
let count = 0

const openAt = async (file: string): Promise<Storage.StorageShape> => {
  const store = await Effect.runPromise(StorageSqlite.make({ file }))
  files.set(store, file)
  return store
}

runStorageContract("sqlite", () => openAt(path.join(root, `store-${count++}.db`)), {
  reopen: (previous) => {
    const file = files.get(previous)
    if (file === undefined) throw new Error("reopen of a store this test did not open")
    return openAt(file)
  }
})
