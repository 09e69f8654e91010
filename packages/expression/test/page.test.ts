import { describe, expect, it } from "vitest"
import { Bytes, Client, Storage } from "@affinity/core"
import { Expression, Page, type State } from "@affinity/expression"
import { Site } from "@affinity/expression/client"
import { council, decide } from "./support/council.ts"

const modules = [Expression.module, council]
const files: ReadonlyArray<Page.File> = [
  { path: "index.html", bytes: Bytes.utf8("<h1>Riverside Tool Library</h1><p>Tools lent among neighbours.</p>") },
  { path: "statements/2025-open-hours.md", bytes: Bytes.utf8("We open on Saturdays from ten.") },
  { path: "contact.txt", bytes: Bytes.utf8("Write to the library at the community centre.") }
]

describe("the public page", () => {
  it("a site published by decision verifies from its files alone; a changed file, an extra file or an undecided manifest does not", async () => {
    const client = await Client.make({ storage: Storage.layerMemory, modules })
    try {
      const ada = await client.generateKey()
      const community = await client.create({ name: "Riverside", author: ada, params: { timeWitnesses: 1 } })
      const built = Page.build(community.id, "Riverside Tool Library", files)
      const published = await community.append(ada, decide("prime/expression", Expression.publish(built.hash, "Riverside Tool Library", files.length)))
      expect(published.outcome._tag).toBe("Applied")
      const state = community.state<State>("expression")
      const site = [...files, { path: Page.MANIFEST, bytes: built.bytes }, Site.logFile(community.export())]

      const own = Page.verify(site, state)
      expect(own).toMatchObject({ ok: true, latest: true, page: { key: published.key, by: "prime/expression" } })
      expect(await Site.verify(site, modules)).toMatchObject({ ok: true, page: { key: published.key } })

      const changed = site.map((f) => (f.path === "contact.txt" ? { ...f, bytes: Bytes.utf8("Call 555 0199") } : f))
      expect(await Site.verify(changed, modules)).toEqual({ ok: false, problems: ["contact.txt is not the file the manifest names: it was changed"] })
      expect(Page.verify([...site, { path: "extra.js", bytes: Bytes.utf8("alert(1)") }], state)).toEqual({ ok: false, problems: ["extra.js is not in the manifest"] })
      expect(Page.verify(site.filter((f) => f.path !== "index.html"), state)).toEqual({ ok: false, problems: ["index.html is missing"] })

      // a manifest nobody decided: its own files check, but it does not verify
      const other = Page.build(community.id, "Riverside (unofficial)", files)
      const forged = [...files, { path: Page.MANIFEST, bytes: other.bytes }, Site.logFile(community.export())]
      expect(Page.check(forged).ok).toBe(true)
      expect(await Site.verify(forged, modules)).toEqual({ ok: false, problems: ["no decision of this community published this manifest"] })

      // a log whose events were changed does not prove anything
      const events = community.export().map((e) => e.slice())
      events[1]![events[1]!.length - 3]! ^= 1
      expect((await Site.verify([...files, { path: Page.MANIFEST, bytes: built.bytes }, Site.logFile(events)], modules)).ok).toBe(false)
      // without a log, Site.verify says where to look
      expect((await Site.verify(site.filter((f) => f.path !== Page.LOG), modules)).ok).toBe(false)
    } finally {
      await client.close()
    }
  })

  it("refuses paths that climb out of the site, repeats, and manifests not in their exact form", () => {
    for (const path of ["../etc/passwd", "/abs", "a/../b", "a//b", "dir/", Page.MANIFEST, "sp ace"])
      expect(() => Page.build("ab".repeat(32), "x", [{ path, bytes: new Uint8Array() }])).toThrow(RangeError)
    expect(() => Page.build("ab".repeat(32), "x", [{ path: "a", bytes: new Uint8Array() }, { path: "a", bytes: new Uint8Array() }])).toThrow(RangeError)
    const built = Page.build("ab".repeat(32), "x", [{ path: "a.txt", bytes: Bytes.utf8("a") }])
    const spaced = Bytes.utf8(JSON.stringify(built.manifest, null, 2))
    expect(Page.decode(spaced)).toBeUndefined()
    expect(Page.decode(built.bytes)).toEqual(built.manifest)
    expect(Page.check([{ path: Page.MANIFEST, bytes: Bytes.utf8("{") }])).toEqual({ ok: false, problems: [`${Page.MANIFEST} is not a manifest in its exact form`] })
  })
})
