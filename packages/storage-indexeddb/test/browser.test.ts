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
  const pageErrors: Array<string> = []

  beforeAll(async () => {
    bundle = await bundlePage({ entry: join(import.meta.dirname, "browser", "page.ts"), title: "storage contract" })
    server = await serveDirectory(bundle.directory)
    chromium = await launchChromium()
    page = await chromium.newPage()
    page.on("pageerror", (error) => pageErrors.push(error.message))
    await page.goto(server.url)
    await page.waitForFunction(() => "affinityStorageContract" in globalThis, undefined, { timeout: 30_000 })
  })

  afterAll(async () => {
    await chromium?.close()
    await server?.close()
    await bundle?.remove()
  })

  const runInPage = async (key: string): Promise<void> => {
    if (page === undefined) throw new Error("the page did not load")
    const outcome: CaseOutcome = await page.evaluate(
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
    if (page === undefined) throw new Error("the page did not load")
    const seen = await page.evaluate(() => ({
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
