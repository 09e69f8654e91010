/**
 * The page the browser test loads: the `Storage` contract cases over the IndexedDB
 * adapter, in the browser's own IndexedDB. It puts {@link StorageContractPage} on
 * `globalThis.affinityStorageContract`; the test in Node calls it case by case.
 *
 * `@affinity/core/testing` also holds the vitest wrappers; the bundle leaves them out
 * because nothing here uses them and core declares no side effects, so no vitest code
 * reaches the page.
 */
import type { Storage } from "@affinity/core"
import { Effect } from "effect"
import { storageContractCases } from "@affinity/core/testing/cases"
import * as StorageIndexedDb from "../../src/index.ts"
import { caseKey } from "./key.ts"

/** The outcome of one case, as it crosses from the page to Node. */
export type CaseOutcome = { readonly ok: true } | { readonly ok: false; readonly message: string; readonly stack: string }

/** What the page exposes. */
export interface StorageContractPage {
  /** Every case's key (`caseKey`), in order. */
  readonly keys: () => ReadonlyArray<string>
  /** Runs the case with this key. */
  readonly run: (key: string) => Promise<CaseOutcome>
}

const places = new WeakMap<Storage.StorageShape, string>()
let count = 0

const openNamed = async (name: string): Promise<Storage.StorageShape> => {
  const store = await Effect.runPromise(StorageIndexedDb.make({ name }))
  places.set(store, name)
  return store
}

const cases = storageContractCases(() => openNamed(`contract-${count++}`), {
  reopen: (previous) => {
    const name = places.get(previous)
    if (name === undefined) throw new Error("reopen of a store this page did not open")
    return openNamed(name)
  }
})

const page: StorageContractPage = {
  keys: () => cases.map(caseKey),
  run: async (key) => {
    const c = cases.find((c) => caseKey(c) === key)
    if (c === undefined) return { ok: false, message: `no case ${JSON.stringify(key)} in the page`, stack: "" }
    try {
      await c.run()
      return { ok: true }
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error))
      return { ok: false, message: e.message, stack: e.stack ?? "" }
    }
  }
}

;(globalThis as { affinityStorageContract?: StorageContractPage }).affinityStorageContract = page
