import { REOPENING_GROUP, storageContractCases } from "@affinity/core/testing"
import {
  bundlePage,
  launchChromium,
  serveDirectory,
  skipBrowserTests,
  type BundledPage,
  type Chromium,
  type Page,
  type StaticServer
} from "@affinity/test-chromium"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { caseKey } from "./browser/key.ts"
import type { CaseOutcome, StorageContractPage } from "./browser/page.ts"

// The cases the page must run, named here in Node (no store is opened to list them).
const unused = (): never => {
  throw new Error("not opened in Node")
}
const cases = storageContractCases(unused, { reopen: unused })

describe.skipIf(skipBrowserTests)("Storage contract in Chromium: indexeddb", () => {
  let bundle: BundledPage | undefined
  let server: StaticServer | undefined
  let chromium: Chromium | undefined
  let page: Page | undefined
  let setupError: unknown
  const pageErrors: Array<string> = []

  // A failed setup (no Chromium, a page that does not build or load) fails every test with
  // its message, rather than leaving them skipped.
  beforeAll(async () => {
    try {
      bundle = await bundlePage({ entry: join(import.meta.dirname, "browser", "page.ts"), title: "storage contract" })
      server = await serveDirectory(bundle.directory)
      chromium = await launchChromium()
      const tab = await chromium.newPage()
      tab.on("pageerror", (error) => pageErrors.push(error.message))
      await tab.goto(server.url)
      await tab.waitForFunction(() => "affinityStorageContract" in globalThis, undefined, { timeout: 30_000 })
      page = tab
    } catch (error) {
      setupError = error
    }
  })

  const loaded = (): Page => {
    if (setupError !== undefined) throw setupError
    if (page === undefined) throw new Error("the page did not load")
    return page
  }

  afterAll(async () => {
    await chromium?.close()
    await server?.close()
    await bundle?.remove()
  })

  const runInPage = async (key: string): Promise<void> => {
    const outcome: CaseOutcome = await loaded().evaluate(
      (k) => (globalThis as { affinityStorageContract?: StorageContractPage }).affinityStorageContract!.run(k),
      key
    )
    if (!outcome.ok) {
      const error = new Error(`case "${key}" failed in Chromium: ${outcome.message}`)
      error.stack = `${error.message}\n(in the page)\n${outcome.stack}`
      throw error
    }
    expect(pageErrors).toEqual([])
  }

  it("runs in Chromium's own IndexedDB, with the same cases as Node", async () => {
    const seen = await loaded().evaluate(() => ({
      agent: navigator.userAgent,
      factory: Object.prototype.toString.call(indexedDB),
      keys: (globalThis as { affinityStorageContract?: StorageContractPage }).affinityStorageContract!.keys()
    }))
    expect(seen.agent).toMatch(/HeadlessChrome\//)
    expect(seen.factory).toBe("[object IDBFactory]")
    expect(seen.keys).toEqual(cases.map(caseKey))
  })

  for (const c of cases.filter((c) => c.group === undefined)) it(c.name, () => runInPage(caseKey(c)))
  describe(REOPENING_GROUP, () => {
    for (const c of cases.filter((c) => c.group === REOPENING_GROUP)) it(c.name, () => runInPage(caseKey(c)))
  })
})
