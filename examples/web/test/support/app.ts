/**
 * What the browser tests share: the built app served on loopback, a relay that can be
 * stopped and started again on the same port and folder, and Chromium.
 *
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type Relay, startRelay } from "@affinity/example-relay"
import type { Browser, BrowserContext, Page } from "playwright-core"
import { type AppServer, buildApp, serveApp } from "../../src/serve.ts"
import { launchBrowser } from "@affinity/test-chromium"

/** How far ahead of the relay's clock the tests' browsers may date events (they skip weeks ahead). */
const RELAY_TOLERANCE = 60 * 24 * 60 * 60 * 1000

/** The app, a relay and a browser for one test file. */
export interface Rig {
  readonly app: AppServer
  /** The built app's folder. */
  readonly dir: string
  readonly browser: Browser
  relay: Relay
  readonly relayUrl: string
  /** Stop the relay (its data stays). */
  readonly stopRelay: () => Promise<void>
  /** Start it again on the same port with the same data. */
  readonly startRelay: () => Promise<void>
  /** A new browser profile (its own IndexedDB and device key) with a controllable clock, and a page in it. */
  readonly person: () => Promise<{ readonly context: BrowserContext; readonly page: Page }>
  readonly close: () => Promise<void>
}

/** Build the app, serve it, start a relay and Chromium. */
export const rig = async (): Promise<Rig> => {
  const scratch = await mkdtemp(join(tmpdir(), "affinity-web-test-"))
  const dir = await buildApp({ outDir: join(scratch, "dist") })
  const app = await serveApp({ dir })
  const data = join(scratch, "relay")
  // The browsers' clocks are moved weeks ahead in some tests; the relay's is the machine's.
  let relay = await startRelay({ port: 0, data, futureTolerance: RELAY_TOLERANCE })
  const port = relay.port
  const browser = await launchBrowser()
  const contexts: Array<BrowserContext> = []
  const self: Rig = {
    app,
    dir,
    browser,
    relay,
    relayUrl: relay.url,
    stopRelay: () => relay.stop(),
    startRelay: async () => {
      relay = await startRelay({ port, data, futureTolerance: RELAY_TOLERANCE })
      self.relay = relay
    },
    person: async () => {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 } })
      contexts.push(context)
      await context.clock.install()
      const page = await context.newPage()
      page.setDefaultTimeout(20_000)
      page.on("pageerror", (e) => console.error(`page error: ${e.message}`))
      return { context, page }
    },
    close: async () => {
      for (const c of contexts) await c.close().catch(() => {})
      await browser.close()
      await relay.stop()
      await app.close()
      await rm(scratch, { recursive: true, force: true })
    }
  }
  return self
}

/** The state hash of the page's community (hex, kept for machines in the footer's `data-hash`; people see it as words). */
export const stateHash = async (page: Page): Promise<string> => (await page.getByTestId("state-hash").getAttribute("data-hash")) ?? ""

/** Create a community from the home page; resolves to its id. */
export const createCommunity = async (page: Page, appUrl: string, name: string, relay: string): Promise<string> => {
  await page.goto(appUrl)
  await page.getByTestId("create-name").fill(name)
  await page.getByTestId("create-relay").fill(relay)
  await page.getByTestId("create-submit").click()
  const id = await page.getByTestId("community").getAttribute("data-community")
  return id!
}

/** Make an invitation link on the Members tab. */
export const invite = async (page: Page): Promise<string> => {
  await page.getByTestId("tab-members").click()
  await page.getByTestId("invite-make").click()
  return page.getByTestId("invite-link").inputValue()
}

/** Open a proposal from the home of a community, with a one-hour window. */
export const openProposal = async (page: Page, title: string, text: string): Promise<void> => {
  await page.getByTestId("tab-proposals").click()
  await page.getByTestId("new-proposal").click()
  await page.getByTestId("proposal-title").fill(title)
  await page.getByTestId("proposal-text").fill(text)
  await page.getByTestId("proposal-window").selectOption("1")
  await page.getByTestId("proposal-submit").click()
  await page.getByTestId("proposal").waitFor()
}

/** Take a stance on the proposal shown. */
export const takeStance = async (page: Page, stance: "agree" | "abstain" | "object" | "block", reason = ""): Promise<void> => {
  await page.getByTestId(`stance-${stance}`).check()
  await page.getByTestId("stance-reason").fill(reason)
  await page.getByTestId("stance-submit").click()
  await page.getByTestId("notice-ok").waitFor()
}

/**
 * `applicant` opens `link`, asks to join with `note`, and `admitter` (the only full member
 * who must agree) admits them by a one-hour consensus decision; `people` are every profile
 * whose clock moves two hours forward meanwhile.
 */
export const admit = async (
  admitter: Page,
  applicant: Page,
  link: string,
  note: string,
  people: ReadonlyArray<{ readonly context: BrowserContext }>
): Promise<void> => {
  await applicant.goto(link)
  await applicant.getByTestId("apply-note").fill(note)
  await applicant.getByTestId("apply-submit").click()
  await applicant.locator("[data-testid=standing][data-status=applicant]").waitFor()
  await admitter.getByTestId("tab-members").click()
  await admitter.locator("[data-testid=applicant]", { hasText: note }).getByTestId("propose-admission").click()
  await admitter.getByTestId("proposal-window").selectOption("1")
  await admitter.getByTestId("proposal-submit").click()
  await admitter.getByTestId("proposal").waitFor()
  await takeStance(admitter, "agree")
  for (const p of people) await p.context.clock.fastForward("02:00:00")
  await admitter.getByTestId("close-proposal").click()
  await admitter.locator("[data-testid=outcome][data-outcome=passed]").waitFor()
}

/**
 * What sticks out of a phone-wide page: elements whose box leaves the viewport sideways
 * (outside a container that scrolls on purpose), and whether the page itself scrolls
 * sideways. Empty when everything fits.
 */
export const overflow = (page: Page): Promise<ReadonlyArray<string>> =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth
    const out: Array<string> = []
    if (document.documentElement.scrollWidth > width) out.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`)
    for (const el of document.querySelectorAll<HTMLElement>("body *")) {
      if (el.closest(".sr-only")) continue
      const r = el.getBoundingClientRect()
      if (r.width === 0 || r.height === 0) continue
      if (r.left < -0.5 || r.right > width + 0.5) out.push(`${el.tagName.toLowerCase()}${el.dataset["testid"] ? `[${el.dataset["testid"]}]` : ""} “${(el.textContent ?? "").slice(0, 40)}” spans ${Math.round(r.left)}–${Math.round(r.right)}`)
      else if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible" && el.tagName !== "TEXTAREA" && el.tagName !== "INPUT")
        out.push(`${el.tagName.toLowerCase()}${el.dataset["testid"] ? `[${el.dataset["testid"]}]` : ""} “${(el.textContent ?? "").slice(0, 40)}” cuts its content off (${el.scrollWidth} > ${el.clientWidth})`)
    }
    return out
  })
