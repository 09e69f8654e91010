/**
 * Private channels in Chromium: three members of one community (Ada, who founds it, Bo and Cy,
 * admitted by decision). Ada opens a private channel with Bo: both read and post, their words
 * encrypted on their devices; Cy sees that the channel exists and who writes in it, never the
 * words. The community removes Bo; Ada writes again under a new key, and Bo's page says plainly
 * that he no longer reads what follows, while what he read before stays. A phone Ada adds reads
 * once it publishes its key; once revoked, the channel's key rotates and it reads no more. Bo
 * and Cy talk directly. Every page fits a 390-pixel screen.
 */
import type { BrowserContext, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { skipBrowserTests } from "@affinity/test-chromium"
import { createCommunity, invite, overflow, type Rig, rig, stateHash, takeStance } from "./support/app.ts"

describe.skipIf(skipBrowserTests)("private channels in Chromium", () => {
  let r: Rig
  let people: Array<{ readonly context: BrowserContext; readonly page: Page }>
  let a: Page
  let b: Page
  let c: Page
  let id: string
  let channel: string

  /** Open the messages page from the "More" tab. */
  const messages = async (p: Page) => {
    await p.getByTestId("tab-more").click()
    await p.getByTestId("open-expression").click()
    await p.getByTestId("screen-expression").locator("h2").waitFor()
  }

  /** Let two hours pass on every clock and close the proposal `p` shows; it passes. */
  const close = async (p: Page) => {
    for (const x of people) await x.context.clock.fastForward("02:00:00")
    await p.getByTestId("close-proposal").click()
    await p.locator("[data-testid=outcome][data-outcome=passed]").waitFor()
  }

  /** `who` asks to join with their name; Ada (and `also`, on the same proposal) agree and it passes. */
  const admit = async (who: Page, name: string, also: ReadonlyArray<Page>) => {
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
    for (const p of also) {
      await p.goto(a.url())
      await p.getByTestId("proposal").waitFor()
      await takeStance(p, "agree")
    }
    await close(a)
    await who.locator("[data-testid=standing]").waitFor({ state: "detached" })
  }

  /** Every device holds the same state. */
  const converged = () =>
    expect.poll(async () => new Set(await Promise.all([a, b, c].map(stateHash))).size, { timeout: 20_000 }).toBe(1)

  const texts = (p: Page) => p.getByTestId("message-text").allInnerTexts()

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
    await admit(b, "Bo", [])
    await admit(c, "Cy", [])
    // Each opens the messages page once: their device publishes the key words are sealed to.
    for (const p of [b, c, a]) await messages(p)
  }, 180_000)

  afterAll(async () => {
    await r?.close()
  })

  test("two members open a private channel, both read and post; a third sees it exists, not its words", async () => {
    await converged()
    await a.getByTestId("private-title").fill("Planning the fair")
    await a.locator("label.choice", { hasText: "Bo" }).locator("input").check()
    await a.getByTestId("private-open").click()
    await a.locator("[data-testid=channel-page][data-private]").waitFor()
    channel = a.url().split("/").at(-1)!
    expect(await a.getByTestId("channel-readers").innerText()).toBe("Who can read this: Ada (you) and Bo.")
    // The key of the channel's first epoch reaches both devices before Ada writes.
    await expect.poll(() => a.getByTestId("channel-waiting").count(), { timeout: 20_000 }).toBe(0)
    await a.getByTestId("post-text").fill("The stall is booked for Saturday.")
    await a.getByTestId("post-submit").click()
    await expect.poll(() => texts(a)).toEqual(["The stall is booked for Saturday."])

    await messages(b)
    await b.locator("[data-testid=channel][data-kind=private] [data-testid=channel-link]").click()
    await b.locator("[data-testid=channel-page][data-private]").waitFor()
    await expect.poll(() => texts(b), { timeout: 20_000 }).toEqual(["The stall is booked for Saturday."])
    expect(await b.getByTestId("channel-readers").innerText()).toBe("Who can read this: Bo (you) and Ada.")
    await b.getByTestId("message-reply").click()
    await b.getByTestId("post-text").fill("I will bring the awning.")
    await b.getByTestId("post-submit").click()
    await expect.poll(() => texts(b)).toEqual(["The stall is booked for Saturday.", "I will bring the awning."])
    await expect.poll(() => texts(a), { timeout: 20_000 }).toEqual(["The stall is booked for Saturday.", "I will bring the awning."])
    expect(await a.getByTestId("message").nth(1).innerText()).toContain("↳ to Ada (you): The stall is booked for Saturday.")

    // Cy sees the channel in the list, who reads it and that two messages were written; not the words.
    await messages(c)
    const listed = c.locator("[data-testid=channel][data-kind=private]")
    await expect.poll(() => listed.innerText(), { timeout: 20_000 }).toContain("2 messages")
    expect(await listed.innerText()).toContain("read by Ada and Bo")
    await listed.getByTestId("channel-link").click()
    await c.locator("[data-testid=channel-page][data-private]").waitFor()
    expect(await c.getByTestId("channel-outside").getAttribute("data-standing")).toBe("outside")
    await expect.poll(() => c.getByTestId("message").count()).toBe(2)
    expect(await texts(c)).toEqual(["(sealed: this device cannot read it)", "(sealed: this device cannot read it)"])
    const seen = await c.locator("body").innerText()
    expect(seen).not.toContain("Saturday")
    expect(seen).not.toContain("awning")
    expect(await c.getByTestId("post-text").count()).toBe(0)
    expect(await overflow(c), "Cy's view of the channel").toEqual([])
    expect(await overflow(a), "Ada's channel page").toEqual([])
    await messages(a)
    expect(await overflow(a), "the messages page with its private forms").toEqual([])
  })

  test("after Bo is removed by decision, Ada writes under a new key and Bo cannot read it", async () => {
    await a.goto(`${r.app.url}#/c/${id}/m/expression/${channel}`)
    await a.locator("[data-testid=channel-page][data-private]").waitFor()
    await a.getByTestId("remove-member").selectOption({ label: "Bo" })
    await a.getByTestId("remove-reason").fill("Bo is moving away for the season.")
    await a.getByTestId("remove-hours").selectOption("1")
    await a.getByTestId("remove-propose").click()
    await a.getByTestId("proposal").waitFor()
    await takeStance(a, "agree")
    await c.goto(a.url())
    await c.getByTestId("proposal").waitFor()
    await takeStance(c, "agree")
    // Ada's device holds Cy's stance before she closes.
    await converged()
    await close(a)
    await converged()

    await a.goto(`${r.app.url}#/c/${id}/m/expression/${channel}`)
    await a.locator("[data-testid=channel-page][data-private]").waitFor()
    expect(await a.getByTestId("channel-readers").innerText()).toBe("Who can read this: Ada (you).")
    await a.getByTestId("post-text").fill("The new gate code is 4711.")
    await a.getByTestId("post-submit").click()
    await expect.poll(() => texts(a)).toEqual(["The stall is booked for Saturday.", "I will bring the awning.", "The new gate code is 4711."])

    await b.goto(`${r.app.url}#/c/${id}/m/expression/${channel}`)
    await b.locator("[data-testid=channel-page][data-private]").waitFor()
    await expect.poll(() => b.getByTestId("message").count(), { timeout: 20_000 }).toBe(3)
    const outside = b.getByTestId("channel-outside")
    expect(await outside.getAttribute("data-standing")).toBe("removed")
    expect(await outside.innerText()).toContain("You can no longer read what its members write from then on")
    expect(await b.getByTestId("channel-readers").innerText()).toBe("Who can read this: Ada.")
    await expect
      .poll(() => texts(b), { timeout: 20_000 })
      .toEqual(["The stall is booked for Saturday.", "I will bring the awning.", "(sealed: this device cannot read it)"])
    expect(await b.locator("body").innerText()).not.toContain("4711")
    expect(await b.getByTestId("post-text").count()).toBe(0)
    expect(await overflow(b), "Bo's page once removed").toEqual([])
  })

  test("a second device reads once it publishes its key; once revoked, the key rotates and it reads no more", async () => {
    // Ada adds a phone: it acts for her, and opening the channel publishes its sealing key.
    const phone = await r.person()
    // Three decisions moved the others' clocks six hours on: so does the phone's, or it holds their events as from the future.
    await phone.context.clock.fastForward("06:00:00")
    people.push(phone)
    const p = phone.page
    await p.goto(await invite(a))
    await p.getByTestId("device-request-make").click()
    const request = await p.getByTestId("device-request").inputValue()
    await a.getByTestId("tab-device").click()
    await a.getByTestId("add-device-code").fill(request)
    await a.getByTestId("add-device-submit").click()
    await a.getByTestId("notice-ok").waitFor()
    await p.getByTestId("open-joined").click()
    await p.getByTestId("community").waitFor()
    await p.goto(`${r.app.url}#/c/${id}/m/expression/${channel}`)
    await p.locator("[data-testid=channel-page][data-private]").waitFor()
    await expect.poll(() => p.getByTestId("post-text").count(), { timeout: 20_000 }).toBe(1)
    await expect.poll(async () => (await stateHash(a)) === (await stateHash(p)), { timeout: 20_000 }).toBe(true)

    // Ada's laptop sees a device no key of this epoch reaches, and supplies one that does.
    await a.goto(`${r.app.url}#/c/${id}/m/expression/${channel}`)
    await a.locator("[data-testid=channel-page][data-private]").waitFor()
    await a.getByTestId("post-text").fill("Seedlings arrive Tuesday.")
    await a.getByTestId("post-submit").click()
    await expect.poll(() => texts(p), { timeout: 20_000 }).toContain("Seedlings arrive Tuesday.")

    // The phone is lost: Ada revokes it from her laptop. Her next message is under a new key.
    await a.goto(`${r.app.url}#/c/${id}/m/defense/lost`)
    await a.getByTestId("device-revoke").click()
    await a.getByTestId("notice-ok").waitFor()
    await a.goto(`${r.app.url}#/c/${id}/m/expression/${channel}`)
    await a.locator("[data-testid=channel-page][data-private]").waitFor()
    await a.getByTestId("post-text").fill("The shed key moved to the blue box.")
    await a.getByTestId("post-submit").click()
    await expect.poll(() => texts(a)).toContain("The shed key moved to the blue box.")
    await expect.poll(() => p.getByTestId("message").count(), { timeout: 20_000 }).toBe(5)
    const read = await texts(p)
    expect(read).toContain("Seedlings arrive Tuesday.")
    expect(read.at(-1)).toBe("(sealed: this device cannot read it)")
    expect(await p.locator("body").innerText()).not.toContain("blue box")
  })

  test("a direct conversation: Cy and Bo read each other, Ada sees only that they talk", async () => {
    await messages(c)
    await c.getByTestId("direct-with").selectOption({ label: "Bo" })
    await c.getByTestId("direct-open").click()
    await c.locator("[data-testid=channel-page][data-private]").waitFor()
    expect(await c.locator("h2").innerText()).toBe("With Bo")
    expect(await c.getByTestId("channel-readers").innerText()).toBe("Who can read this: Cy (you) and Bo.")
    await c.getByTestId("post-text").fill("Can I borrow your ladder?")
    await c.getByTestId("post-submit").click()
    await expect.poll(() => texts(c)).toEqual(["Can I borrow your ladder?"])

    await messages(b)
    const direct = b.locator("[data-testid=channel][data-kind=direct]")
    await direct.waitFor({ timeout: 20_000 })
    await direct.getByTestId("channel-link").click()
    await b.locator("[data-testid=channel-page][data-private]").waitFor()
    expect(await b.locator("h2").innerText()).toBe("With Cy")
    await expect.poll(() => texts(b), { timeout: 20_000 }).toEqual(["Can I borrow your ladder?"])
    // Asking again opens the same conversation.
    await messages(b)
    await b.getByTestId("direct-with").selectOption({ label: "Cy" })
    await b.getByTestId("direct-open").click()
    await b.locator("[data-testid=channel-page][data-private]").waitFor()
    expect(await b.locator("h2").innerText()).toBe("With Cy")

    await messages(a)
    const seen = a.locator("[data-testid=channel][data-kind=direct]")
    await expect.poll(() => seen.innerText(), { timeout: 20_000 }).toContain("Bo and Cy")
    await seen.getByTestId("channel-link").click()
    await a.locator("[data-testid=channel-page][data-private]").waitFor()
    await expect.poll(() => texts(a), { timeout: 20_000 }).toEqual(["(sealed: this device cannot read it)"])
    expect(await a.locator("body").innerText()).not.toContain("ladder")
    expect(await overflow(a), "a direct conversation seen from outside").toEqual([])
  })
})
