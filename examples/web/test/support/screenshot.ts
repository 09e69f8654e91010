/**
 * Makes `examples/web/screenshot.png`: a proposal with two stances and their reasons, at a
 * phone's width (390 × 844), in a community where Bo was admitted and given his name on
 * Ada's device. Run: `node --conditions=@affinity/source examples/web/test/support/screenshot.ts`.
 *
 * @module
 */
import { fileURLToPath } from "node:url"
import { admit, createCommunity, invite, openProposal, rig, takeStance } from "./app.ts"

const r = await rig()
try {
  const ada = await r.person()
  const bo = await r.person()
  const a = ada.page
  const b = bo.page
  await createCommunity(a, r.app.url, "Riverside Tool Library", r.relayUrl)
  await admit(a, b, await invite(a), "Bo here, I repair bikes.", [ada, bo])
  // Ada names Bo on her device.
  await a.getByTestId("tab-members").click()
  await a.locator("[data-testid=member]", { hasNotText: "(you)" }).getByTestId("name-start").click()
  await a.getByTestId("member-name").fill("Bo")
  await a.getByTestId("member-name-save").click()
  await a.locator("[data-testid=member-shown]", { hasText: /^Bo$/ }).waitFor()
  await openProposal(a, "Open on Saturday mornings", "From 9 to 12, starting next month. Bo and I take turns at the desk.")
  await takeStance(a, "agree", "I can do the first two Saturdays.")
  await b.getByTestId("tab-proposals").click()
  await b.locator("[data-testid=open-proposals] a", { hasText: "Saturday" }).click()
  await takeStance(b, "object", "Fine, but not in August: the hall is closed.")
  await a.locator("[data-testid=stance]").nth(1).waitFor()
  await a.reload()
  await a.getByTestId("stances").waitFor()
  await a.locator("[data-testid=sync-status][data-status=online]").waitFor()
  await a.locator("[data-testid=event-count][data-unshared='0']").waitFor()
  await a.screenshot({ path: fileURLToPath(new URL("../../screenshot.png", import.meta.url)) })
} finally {
  await r.close()
}
