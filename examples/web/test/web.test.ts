/**
 * The app in Chromium: two people, each in a browser profile of their own, and a relay on
 * loopback. One creates a community and invites the other; the newcomer is admitted by
 * decision; both take stances on a proposal, which passes; both show the same outcome and
 * state hash; a reload keeps everything; the relay is stopped and restarted mid-way and
 * nothing is lost.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { hasChromium } from "./support/chromium.ts"
import { createCommunity, invite, openProposal, type Rig, rig, stateHash, takeStance } from "./support/app.ts"

describe.skipIf(!hasChromium())("examples/web in Chromium", () => {
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

    // Two hours pass. Ada's device attests the time (she founded the community, so her
    // clock is its clock) and the outcome can be recorded.
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

    // The deadline passes; Bo records the outcome once Ada's clock has attested it.
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
    // And the relay holds every event too.
    expect(r.relay.counts().get(id)).toBe(Number.parseInt(await a.getByTestId("event-count").innerText()))
  })
})
