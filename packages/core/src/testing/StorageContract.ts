/**
 * The shared test suite every `Storage` adapter runs against itself: it registers, in
 * vitest, one test per case of {@link storageContractCases}, each point of the contract
 * written in the `Storage` module.
 *
 * @module
 */
import { describe, it } from "vitest"
import type { StorageShape } from "../Storage.ts"
import { storageContractCases, type StorageContractCase, type StorageContractOptions } from "./StorageCases.ts"

/**
 * Registers a vitest suite that checks an adapter against the `Storage` contract: one
 * test per case of {@link storageContractCases}, the reopening cases in a nested suite.
 *
 * @param name - the adapter's name, shown in the suite title.
 * @param makeStore - opens a new, empty store in a place of its own each time it is called.
 * @param options - `reopen` when the adapter can open the same place again.
 *
 * @example
 * ```ts
 * import { Storage } from "@affinity/core"
 * import { runStorageContract } from "@affinity/core/testing"
 *
 * runStorageContract("memory", () => Storage.makeMemory())
 * ```
 */
export const runStorageContract = (
  name: string,
  makeStore: () => Promise<StorageShape> | StorageShape,
  options: StorageContractOptions = {}
): void => {
  describe(`Storage contract: ${name}`, () => {
    const groups = new Map<string | undefined, Array<StorageContractCase>>()
    for (const c of storageContractCases(makeStore, options)) {
      const list = groups.get(c.group) ?? []
      list.push(c)
      groups.set(c.group, list)
    }
    for (const [group, cases] of groups) {
      const register = (): void => {
        for (const c of cases) it(c.name, c.run)
      }
      if (group === undefined) register()
      else describe(group, register)
    }
  })
}
