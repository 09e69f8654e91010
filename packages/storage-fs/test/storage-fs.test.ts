import { Storage } from "@affinity/core"
import { Effect } from "effect"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { afterAll } from "vitest"
import { runStorageContract } from "@affinity/core/testing"
import * as StorageFs from "../src/index.ts"

const root = await mkdtemp(path.join(tmpdir(), "affinity-storage-fs-"))
afterAll(() => rm(root, { recursive: true, force: true }))

const places = new WeakMap<Storage.StorageShape, string>()
let count = 0

const openAt = async (directory: string): Promise<Storage.StorageShape> => {
  const store = await Effect.runPromise(StorageFs.make({ directory }))
  places.set(store, directory)
  return store
}

runStorageContract("fs", () => openAt(path.join(root, `store-${count++}`)), {
  reopen: (previous) => {
    const directory = places.get(previous)
    if (directory === undefined) throw new Error("reopen of a store this test did not open")
    return openAt(directory)
  }
})
