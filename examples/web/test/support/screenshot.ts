/**
 * Makes `examples/web/screenshot.png`: a community with a decision and an open proposal, at
 * a phone's width (390 × 844). Run: `node --conditions=@affinity/source examples/web/test/support/screenshot.ts`.
 *
 * @module
 */
import { fileURLToPath } from "node:url"
import { createCommunity, invite, openProposal, rig, takeStance } from "./app.ts"

const r = await rig()
try {
  const ada = await r.person()
  const bo = await r.person()
  const a = ada.page
  const b = bo.page
  await createCommunity(a, r.app.url, "Riverside Tool Library", r.relayUrl)
  await b.goto(await invite(a))
  await b.getByTestId("apply-note").fill("Bo here, I repair bikes.")
  await b.getByTestId("apply-submit").click()
  await a.getByTestId("tab-members").click()
  await a.getByTestId("propose-admission").click()
  await a.getByTestId("proposal-window").selectOption("1")
  await a.getByTestId("proposal-submit").click()
  await takeStance(a, "agree")
  for (const c of [ada, bo]) await c.context.clock.fastForward("02:00:00")
  await a.getByTestId("close-proposal").click()
  await a.locator("[data-testid=outcome][data-outcome=passed]").waitFor()
  await openProposal(a, "Open on Saturday mornings", "From 9 to 12, starting next month. Bo and I take turns at the desk.")
  await takeStance(a, "agree", "I can do the first two Saturdays.")
  await b.getByTestId("tab-proposals").click()
  await b.locator("[data-testid=open-proposals] a", { hasText: "Saturday" }).click()
  await takeStance(b, "object", "Fine, but not in August: the hall is closed.")
  await a.locator("[data-testid=stance]").nth(1).waitFor()
  await a.reload()
  await a.getByTestId("stances").waitFor()
  await a.locator("[data-testid=sync-status][data-status=online]").waitFor()
  await a.screenshot({ path: fileURLToPath(new URL("../../screenshot.png", import.meta.url)) })
} finally {
  await r.close()
}
