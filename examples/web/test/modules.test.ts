/**
 * The modules' screens in Chromium: two members of one community (Ada, who founds it, and Bo,
 * admitted by decision) use each module's page through the app's controls: a currency created
 * by decision and a payment between them; a grievance filed and who can read it; a channel, a
 * message and a reply, and an alert confirmed; a qualification defined and granted, showing in
 * "my qualifications", and a tool lent; a relay restricted by decision on the threats page,
 * and the same safety number on both phones. Every new page fits a 390-pixel screen.
 */
import type { BrowserContext, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { skipBrowserTests } from "@affinity/test-chromium"
import { createCommunity, invite, overflow, type Rig, rig, stateHash, takeStance } from "./support/app.ts"

describe.skipIf(skipBrowserTests)("the modules' screens in Chromium", () => {
  let r: Rig
  let ada: { readonly context: BrowserContext; readonly page: Page }
  let bo: { readonly context: BrowserContext; readonly page: Page }
  let a: Page
  let b: Page
  let id: string

  /** Open a module's page from the "More" tab. */
  const open = async (p: Page, module: string) => {
    await p.getByTestId("tab-more").click()
    await p.getByTestId(`open-${module}`).click()
    await p.getByTestId(`screen-${module}`).locator("h2").waitFor()
  }

  /** On the proposal page a screen opened: agree, let two hours pass on both clocks, close; it passes. */
  const decide = async (p: Page) => {
    await p.getByTestId("proposal").waitFor()
    await takeStance(p, "agree")
    for (const x of [ada, bo]) await x.context.clock.fastForward("02:00:00")
    await p.getByTestId("close-proposal").click()
    await p.locator("[data-testid=outcome][data-outcome=passed]").waitFor()
  }

  /** Both devices hold the same state. */
  const converged = () => expect.poll(async () => (await stateHash(a)) === (await stateHash(b)), { timeout: 20_000 }).toBe(true)

  beforeAll(async () => {
    r = await rig()
    ada = await r.person()
    bo = await r.person()
    a = ada.page
    b = bo.page
    id = await createCommunity(a, r.app.url, "Riverside Garden", r.relayUrl)
    await a.locator("[data-testid=sync-status][data-status=online]").waitFor()
    // Names make the pages readable: Ada publishes hers, Bo gives his as he asks to join.
    await a.getByTestId("tab-device").click()
    await a.getByTestId("profile-name").fill("Ada")
    await a.getByTestId("profile-submit").click()
    await a.getByTestId("notice-ok").waitFor()
    const link = await invite(a)
    await b.goto(link)
    await b.getByTestId("apply-name").fill("Bo")
    await b.getByTestId("apply-note").fill("Bo from number 12")
    await b.getByTestId("apply-submit").click()
    await b.locator("[data-testid=standing][data-status=applicant]").waitFor()
    await a.getByTestId("tab-members").click()
    await a.locator("[data-testid=applicant]", { hasText: "Bo from number 12" }).getByTestId("propose-admission").click()
    await a.getByTestId("proposal-window").selectOption("1")
    await a.getByTestId("proposal-submit").click()
    await decide(a)
    await b.locator("[data-testid=standing]").waitFor({ state: "detached" })
  }, 120_000)

  afterAll(async () => {
    await r?.close()
  })

  test("the More tab lists the modules' pages, each loaded when opened", async () => {
    // A fresh load of the community fetches no screen.
    const fresh = await ada.context.newPage()
    const scripts: Array<string> = []
    fresh.on("request", (q) => {
      if (q.url().endsWith(".js")) scripts.push(q.url())
    })
    await fresh.goto(`${r.app.url}#/c/${id}`)
    await fresh.getByTestId("community").waitFor()
    await fresh.close()
    expect(scripts.length).toBeGreaterThan(0)
    for (const m of ["administration", "justice", "economy", "expression", "defense"]) expect(scripts.some((u) => u.includes(`/${m}-`)), m).toBe(false)
    await a.getByTestId("tab-more").click()
    for (const m of ["administration", "justice", "economy", "expression", "defense"]) expect(await a.getByTestId(`open-${m}`).count()).toBe(1)
    // The screens are chunks of their own, fetched when a page opens.
    const fetched: Array<string> = []
    a.on("request", (q) => {
      if (q.url().endsWith(".js")) fetched.push(q.url())
    })
    await open(a, "economy")
    expect(fetched.some((u) => /\/economy-[^/]+\.js$/.test(u))).toBe(true)
  })

  test("economy: a currency created by decision, a payment from Ada to Bo", async () => {
    await open(a, "economy")
    await a.getByTestId("no-currency").waitFor()
    await a.getByTestId("currency-name").fill("Hours")
    await a.getByTestId("currency-symbol").fill("h")
    await a.getByTestId("currency-credit").fill("20")
    await a.getByTestId("currency-hours").selectOption("1")
    await a.getByTestId("currency-propose").click()
    await decide(a)

    await open(a, "economy")
    await a.getByTestId("wallet").waitFor()
    expect(await a.getByTestId("balance").innerText()).toBe("0.00 h")
    expect(await a.getByTestId("limit").innerText()).toBe("down to -20.00 h")
    // Paying more than the limit allows is refused before anything is signed, in words.
    await a.getByTestId("pay-to").selectOption({ label: "Bo" })
    await a.getByTestId("pay-amount").fill("25")
    await a.getByTestId("pay-submit").click()
    expect(await a.getByTestId("error-amount").innerText()).toContain("you can pay at most 20.00 h")
    await a.getByTestId("pay-amount").fill("7.5")
    await a.getByTestId("pay-note").fill("seedlings")
    await a.getByTestId("pay-submit").click()
    await expect.poll(() => a.getByTestId("notice-ok").innerText()).toBe("Paid 7.50 h to Bo.")
    expect(await a.getByTestId("balance").innerText()).toBe("-7.50 h")

    await open(b, "economy")
    await expect.poll(() => b.getByTestId("balance").innerText(), { timeout: 20_000 }).toBe("7.50 h")
    expect(await b.getByTestId("history-line").first().innerText()).toMatch(/\+7\.50 h from Ada \(“seedlings”\)$/)
    // Bo asks Ada for 2; Ada pays the request with one tap.
    await b.getByTestId("request-from").selectOption({ label: "Ada" })
    await b.getByTestId("request-amount").fill("2")
    await b.getByTestId("request-submit").click()
    await b.getByTestId("notice-ok").waitFor()
    await expect.poll(() => a.getByTestId("request-to-pay").count(), { timeout: 20_000 }).toBe(1)
    expect(await a.getByTestId("request-to-pay").innerText()).toContain("Bo asks you for 2.00 h")
    await a.getByTestId("request-accept").click()
    await expect.poll(() => a.getByTestId("balance").innerText()).toBe("-9.50 h")
    await expect.poll(() => b.getByTestId("balance").innerText(), { timeout: 20_000 }).toBe("9.50 h")
    await converged()
  })

  test("justice: a grievance filed, its words sealed to the two people who can read it", async () => {
    // Bo opens the page first: his device publishes the key words are sealed to.
    await open(b, "justice")
    await open(a, "justice")
    await a.getByTestId("file-about").selectOption({ label: "Bo" })
    expect(await a.getByTestId("file-readers").innerText()).toContain("the justice group has no seats yet")
    await a.getByTestId("file-words").fill("The hose was left running all night twice this week.")
    // Wait until Ada's device knows Bo's sealing key.
    await expect
      .poll(async () => {
        await a.getByTestId("file-submit").click()
        await a.locator("[data-testid^=notice-]").waitFor()
        return a.getByTestId("notice-ok").count()
      }, { timeout: 20_000 })
      .toBe(1)
    expect(await a.getByTestId("notice-ok").innerText()).toBe("Your grievance is filed. Its words are sealed to Ada (you) and Bo.")
    const mine = a.getByTestId("case")
    await mine.waitFor()
    expect(await mine.getByTestId("case-readers").innerText()).toBe("Who can read this: Ada (you) and Bo.")
    expect(await mine.getByTestId("case-words").innerText()).toBe("The hose was left running all night twice this week.")

    await expect.poll(() => b.getByTestId("case").count(), { timeout: 20_000 }).toBe(1)
    expect(await b.getByTestId("case").innerText()).toContain("Ada's grievance about Bo (you)")
    expect(await b.getByTestId("case-readers").innerText()).toBe("Who can read this: Bo (you) and Ada.")
    await expect.poll(() => b.getByTestId("case-words").innerText(), { timeout: 20_000 }).toBe("The hose was left running all night twice this week.")
    expect(await b.getByTestId("restrictions").innerText()).toContain("None.")
  })

  test("expression: a channel, a message and a reply; an alert raised and confirmed", async () => {
    await open(a, "expression")
    await a.getByTestId("channel-title").fill("Garden news")
    await a.getByTestId("channel-open").click()
    await a.getByTestId("channel-page").waitFor()
    await a.getByTestId("post-text").fill("The beans are up!")
    await a.getByTestId("post-submit").click()
    await expect.poll(() => a.getByTestId("message-text").allInnerTexts()).toEqual(["The beans are up!"])

    await open(b, "expression")
    await b.locator("[data-testid=channel-link]", { hasText: "#garden-news" }).click()
    await expect.poll(() => b.getByTestId("message-text").allInnerTexts(), { timeout: 20_000 }).toEqual(["The beans are up!"])
    await b.getByTestId("message-reply").click()
    expect(await b.getByTestId("replying").innerText()).toBe("Replying to Ada")
    await b.getByTestId("post-text").fill("Mine too.")
    await b.getByTestId("post-submit").click()
    await expect.poll(() => a.getByTestId("message").count(), { timeout: 20_000 }).toBe(2)
    expect(await a.getByTestId("message").nth(1).innerText()).toContain("↳ to Ada (you): The beans are up!")
    expect(await a.getByTestId("message").nth(1).innerText()).toContain("Mine too.")

    // The alert button.
    await open(b, "expression")
    await b.getByTestId("alert-what").fill("Smoke at the north shed")
    await b.getByTestId("alert-raise").click()
    await b.getByTestId("notice-ok").waitFor()
    await open(a, "expression")
    await expect.poll(() => a.getByTestId("alert").count(), { timeout: 20_000 }).toBe(1)
    expect(await a.getByTestId("alert").innerText()).toContain("I need help: Smoke at the north shed — Bo")
    await a.getByTestId("alert-confirm").click()
    await expect.poll(() => a.getByTestId("alert").innerText()).toContain("1 of")
    await converged()
  })

  test("administration: a qualification defined and granted shows in my qualifications; a tool lent", async () => {
    await open(a, "administration")
    await a.getByTestId("define-name").fill("First aid")
    await a.getByTestId("define-criteria").fill("A first-aid course in the last two years.")
    await a.getByTestId("define-days").fill("365")
    await a.getByTestId("define-hours").selectOption("1")
    await a.getByTestId("define-propose").click()
    await decide(a)

    await open(a, "administration")
    await a.getByTestId("grant-qualification").selectOption({ label: "First aid" })
    await a.getByTestId("grant-member").selectOption({ label: "Bo" })
    await a.getByTestId("grant-evidence").fill("Red Cross certificate, seen by Ada")
    await a.getByTestId("grant-hours").selectOption("1")
    await a.getByTestId("grant-propose").click()
    await decide(a)

    await open(b, "administration")
    const held = b.locator("[data-testid=held][data-qualification=first-aid]")
    await held.waitFor({ timeout: 20_000 })
    expect(await held.innerText()).toMatch(/^First aid — since .+, expires .+ \(36\d days left\); given by the community$/)
    expect(await b.locator("[data-testid=qualification][data-qualification=first-aid] [data-testid=holders]").innerText()).toBe(": Bo (you)")

    // Ada puts her ladder on the shelf and lends it to Bo for a week.
    await open(a, "administration")
    await a.getByTestId("personal-name").fill("Ladder")
    await a.getByTestId("personal-kind").fill("tool")
    await a.getByTestId("personal-submit").click()
    await a.getByTestId("notice-ok").waitFor()
    await a.getByTestId("lend-to").selectOption({ label: "Bo" })
    await a.getByTestId("lend-submit").click()
    await expect.poll(() => a.getByTestId("tool-loan").innerText()).toMatch(/^; lent to Bo until /)
    await expect.poll(() => b.getByTestId("tool").innerText(), { timeout: 20_000 }).toContain("Ladder (tool) — held by Ada, personal; lent to Bo (you) until")
    await converged()
  })

  test("defense: a relay restricted by decision on the threats page; the same safety number on both phones", async () => {
    await open(a, "defense")
    await a.getByTestId("restrict-id").fill("wss://spam.example/")
    await a.getByTestId("restrict-scope").selectOption("sync")
    await a.getByTestId("restrict-reason").fill("floods members with spam")
    await a.getByTestId("restrict-days").fill("30")
    await a.getByTestId("restrict-hours").selectOption("1")
    await a.getByTestId("restrict-propose").click()
    await decide(a)

    await open(b, "defense")
    await expect.poll(() => b.getByTestId("threat").count(), { timeout: 20_000 }).toBe(1)
    expect(await b.getByTestId("threat").innerText()).toMatch(/^relay wss:\/\/spam\.example\/ — no syncing with members until .+, decided by .+: “floods members with spam”$/)

    // Safety numbers: the same sixty digits on both phones.
    await open(a, "defense")
    await a.getByTestId("open-safety").click()
    await a.getByTestId("safety-member").selectOption({ label: "Bo" })
    await a.getByTestId("safety-show").click()
    const digits = await a.getByTestId("safety-digits").innerText()
    expect(digits).toMatch(/^(\d{5} ){11}\d{5}$/)
    await b.getByTestId("open-safety").click()
    await b.getByTestId("safety-member").selectOption({ label: "Ada" })
    await b.getByTestId("safety-show").click()
    expect(await b.getByTestId("safety-digits").innerText()).toBe(digits)
    await b.getByTestId("safety-compare").fill(digits)
    await b.getByTestId("safety-compare-submit").click()
    expect(await b.getByTestId("notice-ok").innerText()).toBe("The numbers match: these keys are theirs.")
    await b.getByTestId("safety-compare").fill(digits.replace(/^\d/, (d) => String((Number(d) + 1) % 10)))
    await b.getByTestId("safety-compare-submit").click()
    expect(await b.locator("[data-testid^=error-compare-]").innerText()).toContain("The numbers differ")

    // The lost-phone page: with one device, what to do when it is lost.
    await b.goto(`${r.app.url}#/c/${id}/m/defense/lost`)
    await b.getByTestId("lost-phone").waitFor()
    expect(await b.getByTestId("device").count()).toBe(1)
    expect(await b.getByTestId("lost-steps").innerText()).toContain("Set up a new device")
  })

  test("on a 390-pixel screen every module page fits", async () => {
    const pages = ["more", "m/administration", "m/justice", "m/economy", "m/expression", "m/expression/tree", "m/defense", "m/defense/lost", "m/defense/safety"]
    for (const path of pages) {
      await a.goto(`${r.app.url}#/c/${id}/${path}`)
      await a.locator(path === "more" ? "[data-testid=more]" : "[data-testid^=screen-] h2").waitFor()
      expect(await overflow(a), path).toEqual([])
    }
    await open(a, "expression")
    const channel = await a.locator("[data-testid=channel]").first().getAttribute("data-channel")
    await a.goto(`${r.app.url}#/c/${id}/m/expression/${channel}`)
    await a.getByTestId("channel-page").waitFor()
    expect(await overflow(a), "channel").toEqual([])
    // The six tabs stay on one row.
    const tabs = await a.locator("[data-testid^=tab-]").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect))
    expect(tabs).toHaveLength(6)
    expect(new Set(tabs.map((t) => Math.round(t.top))).size).toBe(1)
  })
})
