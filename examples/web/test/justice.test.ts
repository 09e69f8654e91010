/**
 * The justice page in Chromium: three members of one community (Ada, who founds it, Bo and Cy,
 * admitted by decision). Ada's grievance about Bo goes to repair: both consent with Cy
 * facilitating, Cy meets each of them and records the circle's agreed action (Bo's, with a due
 * date), both accept it, Cy checks it done and the case ends repaired. A second grievance goes to
 * the community: Ada, the person harmed, votes first; Cy votes after her; each page shows where
 * the case stands and the votes in plain words. The page fits a 390-pixel screen.
 */
import type { BrowserContext, Locator, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { skipBrowserTests } from "@affinity/test-chromium"
import { createCommunity, invite, overflow, type Rig, rig, stateHash, takeStance } from "./support/app.ts"

describe.skipIf(skipBrowserTests)("the justice page in Chromium: repair and votes", () => {
  let r: Rig
  let people: Array<{ readonly context: BrowserContext; readonly page: Page }>
  let a: Page
  let b: Page
  let c: Page
  let id: string

  /** Open the justice page from the "More" tab. */
  const justice = async (p: Page) => {
    await p.getByTestId("tab-more").click()
    await p.getByTestId("open-justice").click()
    await p.getByTestId("screen-justice").locator("h2").waitFor()
  }

  /** `who` asks to join with their name; Ada agrees and the admission passes. */
  const admit = async (who: Page, name: string) => {
    await who.goto(await invite(a))
    await who.getByTestId("apply-name").fill(name)
    await who.getByTestId("apply-note").fill(`${name} from the lane`)
    await who.getByTestId("apply-submit").click()
    await who.locator("[data-testid=standing][data-status=applicant]").waitFor()
    await a.getByTestId("tab-members").click()
    await a.locator("[data-testid=applicant]", { hasText: `${name} from the lane` }).getByTestId("propose-admission").click()
    await a.getByTestId("proposal-window").selectOption("1")
    await a.getByTestId("proposal-submit").click()
    await a.getByTestId("proposal").waitFor()
    await takeStance(a, "agree")
    for (const x of people) await x.context.clock.fastForward("02:00:00")
    await a.getByTestId("close-proposal").click()
    await a.locator("[data-testid=outcome][data-outcome=passed]").waitFor()
    await who.locator("[data-testid=standing]").waitFor({ state: "detached" })
  }

  /** Every device holds the same state. */
  const converged = () => expect.poll(async () => new Set(await Promise.all([a, b, c].map(stateHash))).size, { timeout: 20_000 }).toBe(1)

  /** Ada files a grievance about Bo with `words`, handled by `weight`; resolves to the case's id. */
  const file = async (weight: "prime" | "community", text: string): Promise<string> => {
    await justice(a)
    const ids = () => a.getByTestId("case").evaluateAll((els) => els.map((e) => e.getAttribute("data-case") ?? ""))
    const before = await ids()
    await a.getByTestId("file-about").selectOption({ label: "Bo" })
    await a.getByTestId("file-weight").selectOption(weight)
    await a.getByTestId("file-words").fill(text)
    // Wait until Ada's device knows Bo's sealing key.
    await expect
      .poll(
        async () => {
          await a.getByTestId("file-submit").click()
          await a.locator("[data-testid^=notice-]").waitFor()
          return a.getByTestId("notice-ok").count()
        },
        { timeout: 20_000 }
      )
      .toBe(1)
    await expect.poll(async () => (await ids()).length).toBe(before.length + 1)
    return (await ids()).find((x) => !before.includes(x))!
  }

  const theCase = (p: Page, caseId: string): Locator => p.locator(`[data-testid=case][data-case="${caseId}"]`)
  const stage = (p: Page, caseId: string) => theCase(p, caseId).getAttribute("data-stage")

  beforeAll(async () => {
    r = await rig()
    people = [await r.person(), await r.person(), await r.person()]
    ;[a, b, c] = people.map((x) => x.page) as [Page, Page, Page]
    id = await createCommunity(a, r.app.url, "Riverside Garden", r.relayUrl)
    await a.locator("[data-testid=sync-status][data-status=online]").waitFor()
    await a.getByTestId("tab-device").click()
    await a.getByTestId("profile-name").fill("Ada")
    await a.getByTestId("profile-submit").click()
    await a.getByTestId("notice-ok").waitFor()
    await admit(b, "Bo")
    await admit(c, "Cy")
    // Each opens the page once: their device publishes the key words are sealed to.
    for (const p of [b, c, a]) await justice(p)
  }, 180_000)

  afterAll(async () => {
    await r?.close()
  })

  test("repair: both parties consent with Cy facilitating; the circle's agreed action is accepted, then checked done", async () => {
    const caseId = await file("prime", "The hose was left running all night twice this week.")
    const mine = theCase(a, caseId)
    expect(await mine.getByTestId("case-stands").innerText()).toBe("Open: the justice group reviews it.")
    // Ada consents, naming Cy to facilitate.
    await mine.getByTestId("repair-facilitator").selectOption({ label: "Cy" })
    await mine.getByTestId("repair-consent-submit").click()
    expect(await a.getByTestId("notice-ok").innerText()).toBe("You consent to repair, with Cy facilitating. It starts when everyone in the case names the same.")
    await expect.poll(() => mine.getByTestId("case-stands").innerText()).toBe("Waiting for every party to consent to repair.")
    expect(await mine.getByTestId("repair-consented").innerText()).toBe("Consented so far: Ada (you). You named Cy to facilitate.")

    // Bo, the other party, consents with the same facilitator: repair starts.
    await justice(b)
    await expect.poll(() => theCase(b, caseId).getByTestId("repair-consented").count(), { timeout: 20_000 }).toBe(1)
    await theCase(b, caseId).getByTestId("repair-facilitator").selectOption({ label: "Cy" })
    await theCase(b, caseId).getByTestId("repair-consent-submit").click()
    await expect.poll(() => stage(b, caseId)).toBe("pre-circle")

    // Cy, now facilitating, sees the case (not its words) and meets each party.
    await justice(c)
    await expect.poll(() => stage(c, caseId), { timeout: 20_000 }).toBe("pre-circle")
    const hers = theCase(c, caseId)
    expect(await hers.getByTestId("case-stands").innerText()).toBe("Repair: the facilitator meets each party before the circle.")
    expect(await hers.getByTestId("case-readers").innerText()).toBe("Who can read this: Cy (you), Ada and Bo.")
    for (const party of ["Ada", "Bo"]) {
      await hers.getByRole("button", { name: `Met ${party}` }).click()
      await expect.poll(() => c.getByTestId("notice-ok").innerText()).toBe(`Your meeting with ${party} is recorded.`)
    }
    await expect.poll(() => stage(c, caseId)).toBe("circle")

    // The circle agrees: Bo fixes the timer, by the date the form offers (a week on). The form fits a phone.
    expect(await overflow(c)).toEqual([])
    await hers.getByTestId("repair-owner").first().selectOption({ label: "Bo" })
    const due = await hers.getByTestId("repair-due").first().inputValue()
    expect(due).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    await hers.getByTestId("repair-what").first().fill("Fit a timer to the hose")
    await hers.getByTestId("repair-agree-submit").click()
    expect(await c.getByTestId("notice-ok").innerText()).toBe("The circle's agreement is recorded: 1 action. Each party now accepts it.")
    await expect.poll(() => hers.getByTestId("repair-action").innerText()).toMatch(/^Bo, by \w{3} \d{1,2}, \d{4}: “Fit a timer to the hose”$/)

    // Each party accepts it; Bo reads the action's words on his own device.
    for (const p of [a, b]) {
      await expect.poll(() => theCase(p, caseId).getByTestId("repair-accept").count(), { timeout: 20_000 }).toBe(1)
      await theCase(p, caseId).getByTestId("repair-accept").click()
      await expect.poll(() => p.getByTestId("notice-ok").innerText()).toBe("You accepted the circle's agreement.")
    }
    await expect.poll(() => theCase(b, caseId).getByTestId("repair-action").innerText(), { timeout: 20_000 }).toMatch(/^Bo \(you\), by .+: “Fit a timer to the hose”$/)

    // Cy checks it done: the case is repaired, on every device.
    await expect.poll(() => stage(c, caseId), { timeout: 20_000 }).toBe("post-circle")
    expect(await hers.getByTestId("case-stands").innerText()).toBe("Repair: the agreed actions are under way.")
    await hers.getByTestId("repair-done").click()
    await expect.poll(() => theCase(c, caseId).getAttribute("data-status")).toBe("repaired")
    await expect.poll(() => theCase(a, caseId).getAttribute("data-status"), { timeout: 20_000 }).toBe("repaired")
    expect(await theCase(a, caseId).getByTestId("case-stands").innerText()).toBe("Repaired: every agreed action was done.")
    expect(await theCase(a, caseId).getByTestId("repair-action").innerText()).toMatch(/^Bo, by .+: “Fit a timer to the hose” — done$/)
    await converged()
  })

  test("votes: the community reviews a grievance; the person harmed votes first, then the others", async () => {
    const caseId = await file("community", "Bo took the shared wheelbarrow home again.")
    // Cy, in the electorate but not in the case, sees the review, not the case's words.
    await justice(c)
    const review = c.locator(`[data-testid=review][data-case="${caseId}"]`)
    await review.waitFor({ timeout: 20_000 })
    expect(await theCase(c, caseId).count()).toBe(0)
    expect(await review.getByTestId("review-stands").innerText()).toBe("Open: the community reviews it.")
    expect(await review.getByTestId("review-votes").innerText()).toBe("No votes yet.")
    expect(await review.getByTestId("review-wait").innerText()).toMatch(/^Ada votes first; you may vote from .+ on\.$/)
    expect(await review.getByTestId("review-vote").count()).toBe(0)

    // Ada votes, in plain words.
    const hers = a.locator(`[data-testid=review][data-case="${caseId}"]`)
    expect(await hers.getByTestId("review-option").locator("option").allInnerTexts()).toEqual([
      "Choose…",
      "talk it over further",
      "no change",
      "a correction",
      "a warning",
      "a temporary restriction",
      "removal from the community"
    ])
    await hers.getByTestId("review-submit").click()
    expect(await hers.getByTestId(`error-option-${caseId}`).innerText()).toBe("choose what you think should happen")
    await hers.getByTestId("review-option").selectOption({ label: "a correction" })
    await hers.getByTestId("review-submit").click()
    expect(await a.getByTestId("notice-ok").innerText()).toBe("Your vote for a correction is recorded.")
    await expect.poll(() => hers.getByTestId("review-mine").innerText()).toBe("You voted for a correction; you may change your vote.")

    // Then Cy may vote.
    await expect.poll(() => review.getByTestId("review-vote").count(), { timeout: 20_000 }).toBe(1)
    await review.getByTestId("review-option").selectOption({ label: "a correction" })
    await review.getByTestId("review-submit").click()
    await expect.poll(() => review.getByTestId("review-votes").innerText()).toBe("Votes: a correction 2 (Cy (you) and Ada).")
    await expect.poll(() => hers.getByTestId("review-votes").innerText(), { timeout: 20_000 }).toBe("Votes: a correction 2 (Ada (you) and Cy).")
    await converged()
  })

  test("on a 390-pixel screen the justice page fits", async () => {
    for (const p of [a, c]) {
      await p.goto(`${r.app.url}#/c/${id}/m/justice`)
      await p.locator("[data-testid^=screen-] h2").waitFor()
      expect(await overflow(p)).toEqual([])
    }
  })
})
