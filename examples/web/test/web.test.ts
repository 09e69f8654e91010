/**
 * The app in Chromium: two people, each in a browser profile of their own, and a relay on
 * loopback. One creates a community and invites the other; the newcomer is admitted by
 * decision; both take stances on a proposal, which passes; both show the same outcome and
 * state hash; a reload keeps everything; the relay is stopped and restarted mid-way and
 * nothing is lost.
 */
import { readFile } from "node:fs/promises"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { serveApp } from "../src/serve.ts"
import { skipBrowserTests } from "@affinity/test-chromium"
import { createCommunity, invite, openProposal, type Rig, rig, stateHash, takeStance } from "./support/app.ts"

describe.skipIf(skipBrowserTests)("examples/web in Chromium", () => {
  let r: Rig
  beforeAll(async () => {
    r = await rig()
  })
  afterAll(async () => {
    await r?.close()
  })

  test("create, invite, admit, decide; reload and a relay restart lose nothing", async () => {
    const ada = await r.person()
    const bo = await r.person()
    const a = ada.page
    const b = bo.page

    // Ada creates a community and invites Bo.
    const id = await createCommunity(a, r.app.url, "Riverside Garden", r.relayUrl)
    await a.locator('[data-testid=sync-status][data-status=online]').waitFor()
    const link = await invite(a)
    expect(link).toContain("#join=")

    // Bo opens the invitation and asks to join.
    await b.goto(link)
    await expect.poll(() => b.getByTestId("invitation-community").innerText()).toBe(id.slice(0, 8))
    await b.getByTestId("apply-note").fill("Bo, from number 12")
    await b.getByTestId("apply-submit").click()
    await b.locator('[data-testid=standing][data-status=applicant]').waitFor()

    // Ada sees the application and proposes to admit Bo; she agrees.
    await a.getByTestId("tab-members").click()
    await expect.poll(() => a.getByTestId("applicant").innerText()).toContain("Bo, from number 12")
    await a.getByTestId("propose-admission").click()
    await a.getByTestId("proposal-window").selectOption("1")
    await a.getByTestId("proposal-submit").click()
    await a.getByTestId("proposal").waitFor()
    await takeStance(a, "agree")

    // Two hours pass. Ada's device attests the time (with one or two full members, one
    // member's clock moves community time) and the outcome can be recorded.
    await ada.context.clock.fastForward("02:00:00")
    await bo.context.clock.fastForward("02:00:00")
    await a.getByTestId("close-proposal").click()
    await a.locator("[data-testid=outcome][data-outcome=passed]").waitFor()
    await expect.poll(() => a.getByTestId("action-applied").innerText()).toContain("applied")
    // Bo is a full member now, on his device too.
    await b.getByTestId("tab-proposals").click()
    await b.getByTestId("new-proposal").waitFor()
    expect(await b.getByTestId("standing").count()).toBe(0)

    // The relay goes away. Both keep working on their own devices.
    await r.stopRelay()
    await a.locator('[data-testid=sync-status]:not([data-status=online])').waitFor()
    await b.locator('[data-testid=sync-status]:not([data-status=online])').waitFor()
    await openProposal(a, "Plant beans in row 3", "This spring, before the rain.")
    await takeStance(a, "agree")
    const offline = await a.getByTestId("event-count").innerText()
    await b.getByTestId("tab-proposals").click()
    expect(await b.getByTestId("proposal-item").filter({ hasText: "Plant beans" }).count()).toBe(0)

    // The relay comes back; both catch up without anyone doing anything.
    await r.startRelay()
    await a.locator("[data-testid=sync-status][data-status=online]").waitFor({ timeout: 30_000 })
    await b.locator("[data-testid=sync-status][data-status=online]").waitFor({ timeout: 30_000 })
    await b.getByTestId("tab-proposals").click()
    await b.locator("[data-testid=open-proposals] a", { hasText: "Plant beans in row 3" }).click()
    await takeStance(b, "object", "Row 3 floods; row 4 would be safer.")
    await expect.poll(() => a.getByTestId("stance").count()).toBe(2)
    expect(Number.parseInt(await a.getByTestId("event-count").innerText())).toBeGreaterThan(Number.parseInt(offline))

    // The deadline passes; Bo records the outcome once a clock has attested it.
    await ada.context.clock.fastForward("02:00:00")
    await bo.context.clock.fastForward("02:00:00")
    await b.getByTestId("close-proposal").click()
    await b.locator("[data-testid=outcome][data-outcome=passed]").waitFor()
    await a.locator("[data-testid=outcome][data-outcome=passed]").waitFor()
    expect(await a.getByTestId("outcome-reason").innerText()).toBe(await b.getByTestId("outcome-reason").innerText())
    await expect.poll(async () => (await stateHash(a)) === (await stateHash(b))).toBe(true)
    const hash = await stateHash(a)
    expect(hash).toMatch(/^[0-9a-f]{64}$/)

    // The record lists both decisions, on both devices.
    for (const p of [a, b]) {
      await p.getByTestId("tab-record").click()
      await expect.poll(() => p.locator("[data-testid=record-item][data-outcome=passed]").count()).toBe(2)
    }

    // A reload keeps everything (IndexedDB).
    for (const p of [a, b]) {
      await p.reload()
      await p.getByTestId("record").waitFor()
      await expect.poll(() => stateHash(p)).toBe(hash)
      expect(await p.locator("[data-testid=record-item][data-outcome=passed]").count()).toBe(2)
    }
    // And the relay holds every event too: it kept the community Ada's device introduced.
    expect(r.relay.counts().get(id)).toBe(Number.parseInt(await a.getByTestId("event-count").innerText()))
    expect(r.relay.standing(id)).toBe("introduced")
  })

  test("bad invitations, links and forms get a clear message and change nothing", async () => {
    const { page: p } = await r.person()
    const kiln = await createCommunity(p, r.app.url, "Kiln", r.relayUrl)
    const link = await invite(p)
    const events = await p.getByTestId("event-count").innerText()
    const hash = await stateHash(p)

    const { page: q } = await r.person()
    await q.goto(r.app.url)
    const code = link.slice(link.indexOf("#join=") + "#join=".length)
    const middle = Math.floor(code.length / 2)
    const tampered = `${code.slice(0, middle)}${code[middle] === "A" ? "B" : "A"}${code.slice(middle + 1)}`
    for (const bad of [`${r.app.url}#join=garbage`, `${r.app.url}#join=${tampered}`, `${r.app.url}#join=${code.slice(0, 80)}`]) {
      await q.goto(bad)
      await expect.poll(() => q.getByTestId("notice-error").innerText()).toContain("This invitation cannot be used")
      expect(await q.getByTestId("community-link").count()).toBe(0)
    }
    expect(await q.getByTestId("notice-error").innerText()).toMatch(/cut short|damaged|changed|not a valid/)

    // The same through the form.
    await q.getByTestId("join-code").fill(tampered)
    await q.getByTestId("join-open").click()
    await expect.poll(() => q.getByTestId("error-code").innerText()).toMatch(/changed|damaged|not a valid/)
    await q.getByTestId("create-name").fill("   ")
    await q.getByTestId("create-submit").click()
    await q.getByTestId("error-name").waitFor()
    await q.getByTestId("create-name").fill("Somewhere")
    await q.getByTestId("create-relay").fill("http://not-a-relay")
    await q.getByTestId("create-submit").click()
    await q.getByTestId("error-relay").waitFor()
    expect(await q.getByTestId("community-link").count()).toBe(0)

    // Forms inside a community: nothing is signed when a form is wrong.
    await p.getByTestId("tab-proposals").click()
    await p.getByTestId("new-proposal").click()
    await p.getByTestId("proposal-submit").click()
    await p.getByTestId("error-title").waitFor()
    await openProposal(p, "Fire the kiln on Saturday", "")
    const opened = await p.getByTestId("event-count").innerText()
    await p.getByTestId("stance-block").check()
    await p.getByTestId("stance-submit").click()
    await expect.poll(() => p.getByTestId("error-reason").innerText()).toContain("say why")
    expect(await p.getByTestId("event-count").innerText()).toBe(opened)
    expect(Number.parseInt(opened)).toBe(Number.parseInt(events) + 1)
    expect(await stateHash(p)).not.toBe(hash)

    // A second community on the same relay, without leaving the page: the device
    // reconnects once to introduce it too, and the relay keeps both.
    await p.locator("a.brand").click()
    await p.getByTestId("create-name").fill("Glaze")
    await p.getByTestId("create-relay").fill(r.relayUrl)
    await p.getByTestId("create-submit").click()
    await expect.poll(() => p.getByTestId("community").getAttribute("data-community")).not.toBe(kiln)
    const glaze = (await p.getByTestId("community").getAttribute("data-community"))!
    await expect.poll(() => r.relay.standing(glaze)).toBe("introduced")
    expect(r.relay.standing(kiln)).toBe("introduced")
    await p.locator('[data-testid=sync-status][data-status=online]').waitFor()
  })

  test("a second device of the same person is added as a device key", async () => {
    const { page: laptop } = await r.person()
    const { page: phone } = await r.person()
    await createCommunity(laptop, r.app.url, "Tool Library", r.relayUrl)
    const link = await invite(laptop)
    const identity = (await laptop.getByTestId("member").first().getAttribute("data-identity"))!

    await phone.goto(link)
    await phone.getByTestId("device-request-make").click()
    const request = await phone.getByTestId("device-request").inputValue()

    // A request made for this device but changed on the way is refused.
    await laptop.getByTestId("tab-device").click()
    await laptop.getByTestId("add-device-code").fill(`${request.slice(0, 20)}${request[20] === "A" ? "B" : "A"}${request.slice(21)}`)
    await laptop.getByTestId("add-device-submit").click()
    await laptop.getByTestId("error-request").waitFor()

    await laptop.getByTestId("add-device-code").fill(request)
    await laptop.getByTestId("add-device-submit").click()
    await laptop.getByTestId("notice-ok").waitFor()

    await phone.getByTestId("open-joined").click()
    await phone.getByTestId("tab-device").click()
    await expect.poll(() => phone.getByTestId("device-identity").innerText(), { timeout: 20_000 }).toBe(`${identity.slice(0, 8)} (you)`)
    // The phone acts for the same person: it can open a proposal as a full member.
    await openProposal(phone, "Buy a second ladder", "")
    await expect.poll(() => stateHash(laptop)).toBe(await stateHash(phone))
  })

  test("tabs of one browser follow each other; export and import carry a community", async () => {
    const eli = await r.person()
    const first = eli.page
    // No relay: only the tabs sync.
    await first.goto(r.app.url)
    await first.getByTestId("create-name").fill("Choir")
    await first.getByTestId("create-relay").fill("")
    await first.getByTestId("create-submit").click()
    const id = (await first.getByTestId("community").getAttribute("data-community"))!

    const second = await eli.context.newPage()
    await second.goto(`${r.app.url}?community=${id}`)
    await second.getByTestId("follower").waitFor()
    await openProposal(first, "Sing on Sundays", "")
    await second.getByTestId("tab-proposals").click()
    await second.locator("[data-testid=open-proposals] a", { hasText: "Sing on Sundays" }).waitFor()
    await expect.poll(() => stateHash(second)).toBe(await stateHash(first))
    // What a person does in the following tab is signed by the writing one.
    await second.locator("[data-testid=open-proposals] a", { hasText: "Sing on Sundays" }).click()
    await takeStance(second, "abstain", "I sing on Saturdays.")
    await expect.poll(() => first.getByTestId("stance").count()).toBe(1)
    expect(await first.getByTestId("stance").innerText()).toContain("I sing on Saturdays.")
    await expect.poll(() => stateHash(second)).toBe(await stateHash(first))
    await second.close()

    await first.getByTestId("tab-device").click()
    const [download] = await Promise.all([first.waitForEvent("download"), first.getByTestId("export").click()])
    expect(download.suggestedFilename()).toBe("choir.affinity")
    const file = await readFile((await download.path())!)

    const { page: other } = await r.person()
    await other.goto(r.app.url)
    const upload = (buffer: Buffer) => other.getByTestId("import-file").setInputFiles({ name: "choir.affinity", mimeType: "application/octet-stream", buffer })

    // A file changed in its first event imports nothing.
    const broken = Buffer.from(file)
    broken[60] = broken[60]! ^ 1
    await upload(broken)
    await expect.poll(() => other.getByTestId("notice-error").innerText()).toContain("Nothing imported")
    expect(await other.getByTestId("community-link").count()).toBe(0)

    await upload(file)
    await other.getByTestId("community").waitFor()
    expect(await other.getByTestId("notice-ok").innerText()).toContain("Imported")
    await expect.poll(() => stateHash(other)).toBe(await stateHash(first))
  })

  test("the lot seats the prime working groups, term after term", async () => {
    const fay = await r.person()
    const p = fay.page
    await createCommunity(p, r.app.url, "Bakery Co-op", r.relayUrl)
    await p.getByTestId("tab-terms").click()
    await p.getByTestId("lot-commit").click()
    await expect.poll(() => p.getByTestId("lot-status").innerText()).toContain("Committed; 0 layers revealed")
    await p.getByTestId("term-draw").click()
    await p.getByTestId("lot-reveal").click()
    await expect.poll(() => p.getByTestId("lot-status").innerText()).toContain("1 layer revealed")
    expect(await p.getByTestId("seats").count()).toBe(0)

    // Term 1 starts 14 days after the genesis; the lone founder's clock attests it.
    await fay.context.clock.fastForward(14 * 24 * 60 * 60 * 1000 + 60_000)
    await p.getByTestId("term-draw").click()
    await expect.poll(() => p.getByTestId("seats").innerText()).toContain("(you)")
    expect(await p.locator("[data-testid=seats] tr").count()).toBe(7)
  })

  test("from three members on, one clock does not move community time; the members' devices attest it", async () => {
    const ada = await r.person()
    const bo = await r.person()
    const cy = await r.person()
    const a = ada.page
    const c = cy.page
    const pass = async (people: ReadonlyArray<typeof ada>, time: string) => {
      for (const p of people) await p.context.clock.fastForward(time)
    }
    await createCommunity(a, r.app.url, "Tool Library", r.relayUrl)
    await a.locator("[data-testid=sync-status][data-status=online]").waitFor()

    // Ada admits Bo, then Cy: while there are one or two full members, her clock is enough.
    const link = await invite(a)
    for (const [person, note] of [[bo, "Bo, next door"], [cy, "Cy, from the corner"]] as const) {
      await person.page.goto(link)
      await person.page.getByTestId("apply-note").fill(note)
      await person.page.getByTestId("apply-submit").click()
      await person.page.locator("[data-testid=standing][data-status=applicant]").waitFor()
      await a.getByTestId("tab-members").click()
      await expect.poll(() => a.getByTestId("applicant").innerText()).toContain(note)
      await a.getByTestId("propose-admission").click()
      await a.getByTestId("proposal-window").selectOption("1")
      await a.getByTestId("proposal-submit").click()
      await a.getByTestId("proposal").waitFor()
      await takeStance(a, "agree")
      await pass([ada, bo, cy], "02:00:00")
      await a.getByTestId("close-proposal").click()
      await a.locator("[data-testid=outcome][data-outcome=passed]").waitFor()
      await person.page.getByTestId("tab-proposals").click()
      await person.page.getByTestId("new-proposal").waitFor()
    }

    // Three full members: Cy's clock alone passing the deadline does not move community time.
    await openProposal(c, "Lend the ladder", "Weekends only.")
    await takeStance(c, "agree")
    const b = bo.page
    await b.getByTestId("tab-proposals").click()
    await b.locator("[data-testid=open-proposals] a", { hasText: "Lend the ladder" }).click()
    await takeStance(b, "agree")
    await pass([cy], "02:00:00")
    await c.getByTestId("waiting-time").waitFor()
    expect(await c.getByTestId("close-proposal").count()).toBe(0)
    // Ada's and Bo's clocks get there too; their devices attest it, and Cy can close.
    await pass([ada, bo], "02:00:00")
    await c.getByTestId("close-proposal").click()
    await c.locator("[data-testid=outcome][data-outcome=passed]").waitFor()
    await expect.poll(async () => (await stateHash(a)) === (await stateHash(c))).toBe(true)
  })

  test("once loaded, the app starts again without its web server", async () => {
    const server = await serveApp({ dir: r.dir })
    try {
      const { page: p } = await r.person()
      await p.goto(server.url)
      await p.evaluate(async () => {
        await navigator.serviceWorker.ready
      })
      await createCommunity(p, server.url, "Night Shelter", "")
      const hash = await stateHash(p)
      await server.close()
      await p.reload()
      await p.getByTestId("community").waitFor()
      expect(await stateHash(p)).toBe(hash)
    } finally {
      await server.close()
    }
  })
})
