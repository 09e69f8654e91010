/**
 * The binder in a real browser: `Governance.Binder.html` opened in Chromium and printed to
 * PDF on A4 and on Letter, as a member does with the file `affinity binder` writes. Each
 * section starts a page, so a PDF of several pages comes out; nothing a member wrote runs
 * as markup.
 */
import { Client, type Membership, Storage } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { type Chromium, launchChromium, skipBrowserTests } from "@affinity/test-chromium"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const NAMES = ["Ada", "Bo", "Cy", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jo", `<script>document.title = "owned"</script>`, "Lu & Mo"]

/** A community of twelve founders that decided eight proposals, every member taking a stance with a reason. */
const community = async () => {
  const client = await Client.make({ storage: Storage.layerMemory, modules: [Governance.module] })
  const keys = await Promise.all(NAMES.map(() => client.generateKey()))
  const [ada, bo] = keys as [(typeof keys)[0], (typeof keys)[0]]
  const start = Date.now() - 2 * Governance.DAY
  const garden = await client.create({
    name: `Riverside <Tool> Library`,
    author: ada,
    founders: keys.slice(1).map((k) => k.publicKey),
    time: start
  })
  const stances = ["agree", "abstain", "object", "agree"] as const
  for (let n = 1; n <= 8; n++) {
    const { key } = await garden.append(
      ada,
      Governance.propose({
        title: `Proposal ${n}: lend the ${["drill", "saw", "ladder", "van"][n % 4]} on weekends`,
        text: "Members may borrow it from Friday evening to Monday morning.\nReturn it clean.",
        process: "consent",
        deadline: start + Governance.HOUR
      }),
      { time: start }
    )
    for (const [i, k] of keys.entries()) {
      const kind = stances[(i + n) % stances.length]!
      await garden.append(k, Governance.stance(key, kind, `Reason of member ${i + 1}: it is ${kind === "object" ? "too risky" : "fine"} </td><b>`), {
        time: start
      })
    }
  }
  await garden.append(ada, "core", "tick", {})
  await garden.append(bo, "core", "tick", {})
  for (const p of Governance.Records.open(garden.state<Governance.State>("governance"))) await garden.append(ada, Governance.close(p.id))
  const names = new Map(keys.map((k, i) => [k.id, NAMES[i]!]))
  const html = Governance.Binder.html(garden.state<Governance.State>("governance"), garden.state<Membership.State>("core"), {
    nameOf: (id) => names.get(id),
    timeOf: (key) => garden.event(key)?.communityTime,
    outcomeOf: garden.outcome,
    printed: Date.now()
  })
  await client.close()
  return html
}

/** Pages of a PDF: its page objects (`/Type /Page`, not the `/Pages` tree). */
const pageCount = (pdf: Uint8Array): number => (Buffer.from(pdf).toString("latin1").match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length

describe.skipIf(skipBrowserTests)("the binder printed from Chromium", () => {
  let chromium: Chromium
  let html: string
  beforeAll(async () => {
    ;[chromium, html] = await Promise.all([launchChromium(), community()])
  })
  afterAll(async () => {
    await chromium?.close()
  })

  it("opens with nothing run and nothing fetched, and prints to a PDF of several pages on A4 and Letter", async () => {
    const page = await chromium.newPage()
    const requests: Array<string> = []
    page.on("request", (r) => requests.push(r.url()))
    await page.setContent(html, { waitUntil: "load" })
    expect(await page.title()).toBe("Riverside <Tool> Library — binder")
    expect(await page.evaluate(() => document.querySelectorAll("script, img, link").length)).toBe(0)
    expect(await page.locator("h1").textContent()).toBe("Riverside <Tool> Library")
    expect(await page.locator("section.chapter").count()).toBe(5)
    expect(await page.locator("article.decision").count()).toBe(8)
    expect(requests.filter((u) => !u.startsWith("about:") && !u.startsWith("data:"))).toEqual([])
    for (const format of ["A4", "Letter"] as const) {
      const pdf = await page.pdf({ format })
      expect(Buffer.from(pdf.subarray(0, 5)).toString("latin1")).toBe("%PDF-")
      // The cover and contents, then five sections that each start a page.
      expect(pageCount(pdf)).toBeGreaterThan(6)
    }
    await page.close()
  })
})
