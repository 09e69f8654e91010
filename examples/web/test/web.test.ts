/**
 * The app in Chromium: two people, each in a browser profile of their own, and a relay on
 * loopback. One creates a community and invites the other; the newcomer is admitted by
 * decision; both take stances on a proposal, which passes; both show the same outcome and
 * state hash; a reload keeps everything; the relay is stopped and restarted mid-way and
 * nothing is lost.
 */
import { readFile } from "node:fs/promises"
import { Invitation } from "@affinity/core"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { label } from "../src/names.ts"
import { modules, QUIET_ZONE } from "../src/qr.ts"
import { serveApp } from "../src/serve.ts"
import { launchBrowser, skipBrowserTests } from "@affinity/test-chromium"
import { admit, createCommunity, invite, openProposal, overflow, type Rig, rig, stateHash, takeStance } from "./support/app.ts"

/** The dark modules a QR code on the page shows, as `x,y` from the top left of the code (inside its quiet zone). */
const qrShown = async (page: import("playwright-core").Page): Promise<ReadonlyArray<string>> => {
  const d = (await page.locator("[data-testid=invite-qr] svg path").getAttribute("d")) ?? ""
  return [...d.matchAll(/M(\d+) (\d+)h1v1h-1z/g)].map((m) => `${Number(m[1]) - QUIET_ZONE},${Number(m[2]) - QUIET_ZONE}`).sort()
}

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
    await expect.poll(() => b.getByTestId("invitation-community").getAttribute("data-community")).toBe(id)
    expect(await b.getByTestId("invitation-community").innerText()).toBe("Riverside Garden")
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
    // What the proposal did is told as it is now, not as it was while open.
    await expect.poll(() => a.getByTestId("action").innerText()).toMatch(/^It passed: .+ is now a full member\.$/)
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
    await expect.poll(() => phone.getByTestId("device-identity").innerText(), { timeout: 20_000 }).toBe(`${label(identity)} (you)`)
    // The phone acts for the same person: it can open a proposal as a full member.
    await openProposal(phone, "Buy a second ladder", "")
    await expect.poll(() => stateHash(laptop)).toBe(await stateHash(phone))
  })

  test("members say who they are: a name published on one device shows on the others, and goes when erased", async () => {
    const { page: a } = await r.person()
    const { page: b } = await r.person()
    await createCommunity(a, r.app.url, "Orchard", r.relayUrl)
    const link = await invite(a)
    const adaId = (await a.getByTestId("member").first().getAttribute("data-identity"))!

    // Bo says who he is as he asks to join: Ada sees his name, and the proposal to admit him uses it.
    await b.goto(link)
    await b.getByTestId("apply-name").fill("Bo")
    await b.getByTestId("apply-note").fill("From the house by the pond")
    await b.getByTestId("apply-submit").click()
    await b.locator("[data-testid=standing][data-status=applicant]").waitFor()
    await a.getByTestId("tab-members").click()
    const applicant = a.getByTestId("applicant")
    await expect.poll(() => applicant.getByTestId("member-shown").innerText(), { timeout: 20_000 }).toBe("Bo")
    const boId = (await applicant.getAttribute("data-identity"))!
    expect(await applicant.innerText()).toContain(label(boId))
    await applicant.getByTestId("propose-admission").click()
    expect(await a.getByTestId("proposal-title").inputValue()).toBe("Admit Bo")

    // Ada publishes her name and pronouns on the Device tab; a name that reads as a label is refused.
    await a.getByTestId("tab-device").click()
    expect(await a.getByTestId("profile-shown").innerText()).toContain(label(adaId))
    await a.getByTestId("profile-name").fill(label(boId))
    await a.getByTestId("profile-submit").click()
    await expect.poll(() => a.getByTestId("error-profile-name").innerText()).toContain("label")
    await a.getByTestId("profile-name").fill("Ada")
    await a.getByTestId("profile-pronouns").fill("she/her")
    await a.getByTestId("profile-submit").click()
    await expect.poll(() => a.getByTestId("profile-shown").innerText()).toContain("Members see you as Ada (she/her)")
    expect(await a.getByTestId("device-identity").innerText()).toBe("Ada (you)")

    // On Bo's device, Ada shows by the name she published.
    await b.getByTestId("tab-members").click()
    const adaOnB = b.locator(`[data-testid=member][data-identity="${adaId}"]`)
    await expect.poll(() => adaOnB.getByTestId("member-shown").innerText(), { timeout: 20_000 }).toBe("Ada")
    expect(await adaOnB.getByTestId("member-pronouns").innerText()).toContain("she/her")
    expect(await adaOnB.innerText()).toContain(label(adaId))
    // A name Bo gives her on his device comes first, and says what she calls herself.
    await adaOnB.getByTestId("name-start").click()
    await b.getByTestId("member-name").fill("Auntie Ada")
    await b.getByTestId("member-name-save").click()
    await expect.poll(() => adaOnB.getByTestId("member-shown").innerText()).toBe("Auntie Ada")
    expect(await adaOnB.innerText()).toContain("goes by “Ada”")

    // Bo erases his name: Ada's device shows his label again.
    await b.getByTestId("tab-device").click()
    await b.getByTestId("profile-erase").click()
    await expect.poll(() => b.getByTestId("profile-shown").innerText()).toContain(label(boId))
    await a.getByTestId("tab-members").click()
    await expect.poll(() => a.getByTestId("applicant").getByTestId("member-shown").innerText(), { timeout: 20_000 }).toBe(label(boId))
    await expect.poll(async () => (await stateHash(a)) === (await stateHash(b))).toBe(true)
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
    // Without a relay, what is done here stays here, and the page says so.
    expect(await first.getByTestId("unsynced").innerText()).toContain("This community has no relay, so they stay on this device")

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
    // The method in plain words, where the controls are.
    const page = (await p.getByTestId("terms").innerText()).toLowerCase()
    for (const jargon of ["onion", "hash", "layer", "reveal", "commit", "seed", "preimage"]) expect(page, jargon).not.toContain(jargon)
    expect(await p.getByTestId("why-lot").innerText()).toMatch(/drawn by lot, not elected.*never extended.*two terms in a row/s)
    expect(await p.getByTestId("may-decide").innerText()).toMatch(/only matters of its own area, and only when every seated member agrees/)
    expect(await p.getByTestId("short-of-members").innerText()).toMatch(/empty seat cannot decide anything: it needs all 3 members/)
    expect(await p.getByTestId("too-few").innerText()).toContain("The community has 1 full member; a group needs 3.")
    expect(await p.getByTestId("lot-explained").innerText()).toContain("nobody can steer who is drawn")
    await p.getByTestId("lot-commit").click()
    await expect.poll(() => p.getByTestId("lot-status").innerText()).toContain("Shares added so far: 0.")
    await p.getByTestId("term-draw").click()
    await p.getByTestId("lot-reveal").click()
    await expect.poll(() => p.getByTestId("lot-status").innerText()).toContain("Shares added so far: 1.")
    expect(await p.getByTestId("seats").count()).toBe(0)

    // Term 1 starts 14 days after the genesis; the lone founder's clock attests it.
    await fay.context.clock.fastForward(14 * 24 * 60 * 60 * 1000 + 60_000)
    await p.getByTestId("term-draw").click()
    await expect.poll(() => p.getByTestId("seats").innerText()).toContain("(you)")
    expect(await p.locator("[data-testid=seats] tr").count()).toBe(7)
    // One member cannot fill three seats: every group is short and says it cannot decide.
    expect(await p.locator("[data-testid=group-status][data-can-decide=no]").count()).toBe(6)
    expect(await p.locator("[data-testid=group][data-group=economy] [data-testid=group-status]").innerText()).toBe("no: 1 of 3 seats filled")
    expect((await p.getByTestId("terms").innerText()).toLowerCase()).not.toMatch(/onion|hash|layer|reveal/)
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

  test("messages follow the state they describe and go when the person leaves the page", async () => {
    const ada = await r.person()
    const bo = await r.person()
    const a = ada.page
    const b = bo.page
    await createCommunity(a, r.app.url, "Allotments", r.relayUrl)
    await ada.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(r.app.url).origin })

    // "Copied." belongs to the page it was said on.
    const link = await invite(a)
    await a.getByTestId("invite-copy").click()
    await expect.poll(() => a.getByTestId("notice-ok").innerText()).toBe("Copied.")
    await a.getByTestId("tab-proposals").click()
    await a.getByTestId("open-proposals").or(a.getByText("Nothing open.")).waitFor()
    expect(await a.locator("[data-testid^=notice]").count()).toBe(0)
    await a.getByTestId("tab-members").click()
    await a.getByTestId("members").waitFor()
    expect(await a.locator("[data-testid^=notice]").count()).toBe(0)

    // Bo asks to join: the page says so while it is true, and stops saying it once he is admitted,
    // though he does nothing on his page meanwhile.
    await b.goto(link)
    await b.getByTestId("apply-note").fill("Bo, plot 7")
    await b.getByTestId("apply-submit").click()
    await b.locator("[data-testid=standing][data-status=applicant]").waitFor()
    expect(await b.locator("main").innerText()).toContain("You asked to join")

    await a.getByTestId("tab-members").click()
    const bosRow = a.locator("[data-testid=applicant]", { hasText: "Bo, plot 7" })
    const boName = label((await bosRow.getAttribute("data-identity"))!)
    expect(await bosRow.getByTestId("member-shown").innerText()).toBe(boName)
    await bosRow.getByTestId("propose-admission").click()
    await a.getByTestId("proposal-window").selectOption("1")
    await a.getByTestId("proposal-submit").click()
    await a.getByTestId("proposal").waitFor()
    expect(await a.getByTestId("action").innerText()).toBe(`If it passes, ${boName} becomes a full member.`)
    await takeStance(a, "agree")
    for (const p of [ada, bo]) await p.context.clock.fastForward("02:00:00")
    await a.getByTestId("close-proposal").click()
    await a.locator("[data-testid=outcome][data-outcome=passed]").waitFor()
    // "If it passes" is gone once it passed: the page tells what happened.
    await expect.poll(() => a.getByTestId("action").innerText()).toBe(`It passed: ${boName} is now a full member.`)
    expect(await a.locator("main").innerText()).not.toContain("If it passes")
    expect(await a.getByTestId("outcome-reason").innerText()).toMatch(/^consensus reached/)

    await b.locator("[data-testid=standing]").waitFor({ state: "detached" })
    expect(await b.locator("body").innerText()).not.toContain("You asked to join")
    expect(await b.getByTestId("notice-ok").innerText()).toContain("You are now a full member")
    await b.getByTestId("tab-record").click()
    await b.getByTestId("record").waitFor()
    expect(await b.locator("[data-testid^=notice]").count()).toBe(0)

    // Ada gives Bo a name on her device: it replaces his label there, and stays after a reload.
    await a.getByTestId("tab-members").click()
    const bosMember = a.locator("[data-testid=member]", { hasNotText: "(you)" })
    await bosMember.getByTestId("name-start").click()
    await a.getByTestId("member-name").fill("zokik-gavom")
    await a.getByTestId("member-name-save").click()
    await expect.poll(() => a.getByTestId("error-member-name").innerText()).toContain("label")
    await a.getByTestId("member-name").fill("Bo")
    await a.getByTestId("member-name-save").click()
    await expect.poll(() => bosMember.getByTestId("member-shown").innerText()).toBe("Bo")
    await a.reload()
    await expect.poll(() => a.locator("[data-testid=member]", { hasNotText: "(you)" }).getByTestId("member-shown").innerText()).toBe("Bo")
    await a.getByTestId("tab-record").click()
    await a.locator("[data-testid=record-item] a").click()
    expect(await a.getByTestId("action").innerText()).toBe("It passed: Bo is now a full member.")
  })

  test("a proposer changes the text of an open proposal, and withdraws it", async () => {
    const ada = await r.person()
    const bo = await r.person()
    const a = ada.page
    const b = bo.page
    await createCommunity(a, r.app.url, "Shed", r.relayUrl)
    const adaName = label((await a.getByTestId("member").first().getAttribute("data-identity"))!)
    await admit(a, b, await invite(a), "Bo from the end house", [ada, bo])

    await openProposal(a, "Paint the shed", "Green, in May.")
    await takeStance(a, "agree", "Green is nice.")
    await b.getByTestId("tab-proposals").click()
    await b.locator("[data-testid=open-proposals] a", { hasText: "Paint the shed" }).click()
    await takeStance(b, "object", "Green fades; blue lasts longer.")
    expect(await b.getByTestId("notice-ok").innerText()).toBe("Your stance is recorded.")
    // Only the proposer can change or withdraw it.
    expect(await b.getByTestId("amend-start").count()).toBe(0)
    expect(await b.getByTestId("withdraw-start").count()).toBe(0)
    await expect.poll(() => a.getByTestId("stance").count()).toBe(2)

    // Unchanged, it is refused without signing anything.
    const events = await a.getByTestId("event-count").innerText()
    await a.getByTestId("amend-start").click()
    await a.getByTestId("amend-submit").click()
    await expect.poll(() => a.getByTestId("error-amend-text").innerText()).toContain("change the text or the deadline")
    expect(await a.getByTestId("event-count").innerText()).toBe(events)

    // A new version to meet the objection: every stance is cleared, the earlier text stays visible.
    await a.getByTestId("amend-text").fill("Blue, in May.")
    await a.getByTestId("amend-window").selectOption("24")
    await a.getByTestId("amend-submit").click()
    await a.getByTestId("notice-ok").waitFor()
    expect(await a.getByTestId("proposal-text-shown").innerText()).toBe("Blue, in May.")
    expect(await a.getByTestId("amended").innerText()).toContain("version 2")
    expect(await a.getByTestId("earlier-versions").innerText()).toContain("Green, in May.")
    expect(await a.getByTestId("stance").count()).toBe(0)
    await b.getByTestId("proposal-text-shown").filter({ hasText: "Blue, in May." }).waitFor()
    await b.getByTestId("no-stances").waitFor()
    // Bo's stance answered the old text: the message that it is recorded goes with it.
    expect(await b.getByTestId("notice-ok").count()).toBe(0)
    await takeStance(b, "agree")
    await expect.poll(() => a.getByTestId("stance").count()).toBe(1)
    // Bo's new stance answers the new text; the notice about Ada's old stance is long gone.
    expect(await a.locator("[data-testid=notice-ok]").innerText()).toContain("new version is published")

    // Withdrawn, with a reason: it ends for good and stays in the record.
    await a.getByTestId("withdraw-start").click()
    await a.getByTestId("withdraw-reason").fill("The landlord will paint it.")
    await a.getByTestId("withdraw-submit").click()
    await a.locator("[data-testid=outcome][data-outcome=withdrawn]").waitFor()
    expect(await a.getByTestId("outcome-reason").innerText()).toBe(`withdrawn by ${adaName} (you): “The landlord will paint it.”`)
    expect(await a.getByTestId("amend-start").count()).toBe(0)
    expect(await a.getByTestId("stance-submit").count()).toBe(0)
    await b.locator("[data-testid=outcome][data-outcome=withdrawn]").waitFor()
    await b.getByTestId("tab-proposals").click()
    await b.locator("[data-testid=decided-proposals] [data-status=withdrawn]", { hasText: "Paint the shed" }).waitFor()
    await expect.poll(async () => (await stateHash(a)) === (await stateHash(b))).toBe(true)
  })

  test("relay addresses: checked in plain words, set per community, carried by invitations", async () => {
    const { page: p } = await r.person()
    await p.goto(r.app.url)
    const bad: ReadonlyArray<readonly [string, RegExp]> = [
      ["ws://127.0.0.1:8787/; DROP TABLE", /space/],
      ["ws://127.0.0.1:8787/;DROP", /path has “;”/],
      ["ws://127.0.0.1:8787/?x=1", /“\?”/],
      ["ws://user@127.0.0.1:8787/", /user name/],
      ["ws://127.0.0.1:99999/", /port/],
      ["http://127.0.0.1:8787/", /starts with http/]
    ]
    for (const [address, why] of bad) {
      await p.getByTestId("create-name").fill("Somewhere")
      await p.getByTestId("create-relay").fill(address)
      await p.getByTestId("create-submit").click()
      await expect.poll(() => p.getByTestId("error-relay").innerText()).toMatch(why)
      expect(await p.getByTestId("error-relay").innerText()).toContain("A relay address looks like ws://192.168.1.20:8787/")
    }
    expect(await p.getByTestId("community-link").count()).toBe(0)

    // A community made without a relay gets one later, on the Device tab; invitations carry it.
    const id = await createCommunity(p, r.app.url, "Workshop", "")
    await p.getByTestId("sync-status").and(p.locator("[data-status='no relay']")).waitFor()
    await p.getByTestId("tab-members").click()
    expect(await p.getByTestId("invite-relays").innerText()).toContain("no relay")
    await p.getByTestId("tab-device").click()
    await p.getByTestId("relay-add").fill("ws://127.0.0.1:8787/; DROP TABLE")
    await p.getByTestId("relay-add-submit").click()
    await p.getByTestId("error-relay").waitFor()
    expect(await p.getByTestId("relay").count()).toBe(0)
    // Written without its final slash: kept in its normal form.
    await p.getByTestId("relay-add").fill(r.relayUrl.replace(/\/$/, ""))
    await p.getByTestId("relay-add-submit").click()
    await p.locator(`[data-testid=relay][data-relay="${r.relayUrl}"]`).waitFor()
    await p.locator("[data-testid=sync-status][data-status=online]").waitFor()
    await expect.poll(() => r.relay.standing(id)).toBe("introduced")

    // The link opens the app where others reach it: here, an address on the network.
    await p.getByTestId("tab-members").click()
    await p.getByTestId("invite-app-local").waitFor()
    await p.getByTestId("invite-app").fill("http://192.168.1.20:5173/")
    await p.getByTestId("invite-make").click()
    const link = await p.getByTestId("invite-link").inputValue()
    expect(link.startsWith("http://192.168.1.20:5173/#join=")).toBe(true)
    const opened = await Invitation.decode(link)
    expect(opened.ok && opened.invitation.relays).toEqual([r.relayUrl])

    // Removed again: the device stops using it, and new invitations no longer name it.
    await p.getByTestId("tab-device").click()
    await p.getByTestId("relay-remove").click()
    await p.getByTestId("sync-status").and(p.locator("[data-status='no relay']")).waitFor()
    await p.reload()
    await p.getByTestId("tab-device").click()
    await p.getByTestId("relays").waitFor()
    expect(await p.getByTestId("relay").count()).toBe(0)
  })

  test("on a 390-pixel phone screen everything fits: tabs, the ways of deciding, the invitation", async () => {
    const ada = await r.person()
    const p = ada.page
    expect(p.viewportSize()?.width).toBe(390)
    await p.goto(r.app.url)
    expect(await overflow(p)).toEqual([])
    await createCommunity(p, r.app.url, "A community with a rather long name for a small screen", r.relayUrl)
    for (const tab of ["proposals", "members", "terms", "record", "device", "more"]) {
      await p.getByTestId(`tab-${tab}`).click()
      await p.locator(`[data-testid=tab-${tab}].active`).waitFor()
      expect(await overflow(p), tab).toEqual([])
    }
    // The six tabs are all on screen, side by side, without scrolling.
    const tabs = await p.locator("[data-testid^=tab-]").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect))
    expect(tabs).toHaveLength(6)
    for (const t of tabs) expect(t.left >= 0 && t.right <= 390).toBe(true)
    expect(new Set(tabs.map((t) => Math.round(t.top))).size).toBe(1)
    expect(await p.getByTestId("tabs").evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true)

    // The ways of deciding are shown in full, each with what it means.
    await p.getByTestId("tab-proposals").click()
    await p.getByTestId("new-proposal").click()
    for (const k of ["consensus", "consent", "poll"]) {
      const choice = p.locator("label.choice", { has: p.getByTestId(`process-${k}`) })
      await choice.waitFor({ state: "visible" })
      const box = (await choice.boundingBox())!
      expect(box.x >= 0 && box.x + box.width <= 390, k).toBe(true)
      expect(await choice.evaluate((e) => e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight), k).toBe(true)
      expect(await choice.innerText()).toMatch(/Passes|Nothing is decided/)
    }
    expect(await overflow(p)).toEqual([])
    await p.getByTestId("process-consent").check()
    await p.getByTestId("proposal-title").fill("Open the gate at 8")
    await p.getByTestId("proposal-submit").click()
    await p.getByTestId("proposal").waitFor()
    expect(await overflow(p)).toEqual([])
    // Next to the stances: what each means between people, under this way of deciding.
    expect(await p.getByTestId("process-rule").innerText()).toMatch(/^Consent: Passes unless someone objects or blocks/)
    expect(await p.getByTestId("meaning-abstain").innerText()).toContain("you let the others go ahead")
    expect(await p.getByTestId("meaning-object").innerText()).toContain("One objection stops it")
    await openProposal(p, "Repaint the gate", "")
    expect(await p.getByTestId("meaning-object").innerText()).toContain("an objection alone does not stop it")
    expect(await p.getByTestId("meaning-block").innerText()).toContain("One block stops it")

    // The invitation with its QR code.
    const link = await invite(p)
    expect(await overflow(p)).toEqual([])
    const qr = (await p.getByTestId("invite-qr").boundingBox())!
    expect(qr.x >= 0 && qr.x + qr.width <= 390 && qr.width >= 200).toBe(true)
    expect(await qrShown(p)).toEqual(modules(link).dark.map(([x, y]) => `${x},${y}`).sort())
  })

  test("the app says plainly when it is offline and how many changes have not reached a relay", async () => {
    const gil = await r.person()
    const p = gil.page
    const id = await createCommunity(p, r.app.url, "Repair Café", r.relayUrl)
    await p.locator("[data-testid=sync-status][data-status=online]").waitFor()
    // Once the relay holds the community's first event, nothing is waiting, and the page says nothing.
    await expect.poll(() => r.relay.counts().get(id)).toBe(1)
    await p.locator("[data-testid=event-count][data-unshared='0']").waitFor()
    expect(await p.getByTestId("unsynced").count()).toBe(0)

    await r.stopRelay()
    try {
      await p.locator("[data-testid=sync-status]:not([data-status=online])").waitFor()
      await openProposal(p, "Buy a soldering iron", "")
      await expect.poll(() => p.getByTestId("unsynced").innerText()).toMatch(/^1 change made on this device is not shared yet\. No relay has confirmed receiving it/)
      await openProposal(p, "Meet on Thursdays", "")
      await expect.poll(() => p.getByTestId("unsynced").getAttribute("data-count")).toBe("2")
      expect(await p.getByTestId("unsynced").innerText()).toContain("2 changes made on this device are not shared yet")
      // A reload remembers what no relay has yet.
      await p.reload()
      await expect.poll(() => p.getByTestId("unsynced").getAttribute("data-count")).toBe("2")
    } finally {
      await r.startRelay()
    }
    await p.getByTestId("unsynced").waitFor({ state: "detached", timeout: 30_000 })
    await p.locator("[data-testid=event-count][data-unshared='0']").waitFor()
    expect(r.relay.counts().get(id)).toBe(3)

    await gil.context.setOffline(true)
    await expect.poll(() => p.getByTestId("offline").innerText()).toContain("You are offline")
    await gil.context.setOffline(false)
    await p.getByTestId("offline").waitFor({ state: "detached" })
  })

  test("on a network address (plain http, no Web Locks): a relay there, invitations by QR code, one writing tab", async () => {
    // Chromium resolves garden.lan to this machine: the page is not a secure context, as when
    // a phone opens the app from a laptop on the same network.
    const browser = await launchBrowser({ extraFlags: ["--host-resolver-rules=MAP garden.lan 127.0.0.1"] })
    try {
      const app = `http://garden.lan:${r.app.port}/`
      const relay = `ws://garden.lan:${r.relay.port}/`
      const laptop = await browser.newContext({ viewport: { width: 390, height: 844 } })
      const phone = await browser.newContext({ viewport: { width: 390, height: 844 } })
      const a = await laptop.newPage()
      const b = await phone.newPage()
      for (const page of [a, b]) page.setDefaultTimeout(20_000)
      await a.goto(app)
      expect(await a.evaluate(() => isSecureContext || "locks" in navigator)).toBe(false)
      // The relay proposed is the one on the computer the page came from.
      expect(await a.getByTestId("create-relay").inputValue()).toBe("ws://garden.lan:8787/")
      await createCommunity(a, app, "Garden Street", relay)
      await a.locator("[data-testid=sync-status][data-status=online]").waitFor()

      const link = await invite(a)
      expect(link.startsWith(`${app}#join=`)).toBe(true)
      expect(await a.getByTestId("invite-app-local").count()).toBe(0)
      expect(await qrShown(a)).toEqual(modules(link).dark.map(([x, y]) => `${x},${y}`).sort())
      const opened = await Invitation.decode(link)
      expect(opened.ok && opened.invitation.relays).toEqual([relay])

      await b.goto(link)
      expect(await b.getByTestId("invitation-relays").innerText()).toBe(relay)
      await b.getByTestId("apply-note").fill("From the phone")
      await b.getByTestId("apply-submit").click()
      await b.locator("[data-testid=standing][data-status=applicant]").waitFor()
      await a.getByTestId("tab-members").click()
      await a.locator("[data-testid=applicant]", { hasText: "From the phone" }).waitFor()

      // Without Web Locks the tabs still agree on one writer.
      const second = await laptop.newPage()
      await second.goto(link.slice(0, link.indexOf("#")))
      await second.getByTestId("follower").waitFor()
      expect(await a.getByTestId("follower").count()).toBe(0)
    } finally {
      await browser.close()
    }
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
