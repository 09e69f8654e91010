import { Event, Replica } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { expect, it } from "vitest"
import { build } from "../src/history.ts"
import { measurePhone } from "../src/phone.ts"

it("a history with governance holds proposals, stances and closes, and the fold applies every event", () => {
  const history = build({ events: 600, proposalShare: 0.05 })
  expect(history.size).toBe(600)
  expect(history.events.length).toBe(599)
  expect(history.mix.proposals).toBeGreaterThan(1)
  expect(history.mix.admissions).toBeGreaterThan(0)
  expect(history.mix.stances).toBeGreaterThanOrEqual(4 * (history.mix.proposals - 1))
  expect(history.mix.closes).toBeGreaterThan(0)
  const decode = (bytes: Uint8Array) => {
    const d = Event.decode(bytes)
    if (!d.ok) throw new Error(d.error.message)
    return d.event
  }
  const opened = Replica.Replica.open(decode(history.genesis), { modules: [Governance.module] })
  if (!opened.ok) throw new Error(opened.error.message)
  const events = history.events.map(decode)
  opened.replica.ingest(events)
  const types = new Map<string, number>()
  for (const e of events) {
    expect(opened.replica.outcome(e.key)?._tag, `${e.header.module}/${e.header.type}`).toBe("Applied")
    types.set(`${e.header.module}/${e.header.type}`, (types.get(`${e.header.module}/${e.header.type}`) ?? 0) + 1)
  }
  expect(types.get("governance/proposal.open")).toBe(history.mix.proposals)
  expect(types.get("governance/stance")).toBe(history.mix.stances)
  expect(types.get("governance/proposal.close")).toBe(history.mix.closes)
  const state = opened.replica.state<Governance.State>(Governance.module)
  expect(Object.keys(state.proposals).length).toBe(history.mix.proposals)
})

it("without Chromium the page rows say skipped and the bundle is still measured", async () => {
  const rows = await measurePhone({ events: 50, runs: 1, chromium: "/nonexistent/chromium" })
  expect(rows.map((r) => [r.name, r.result])).toEqual([
    ["Phone: open 50 events (CPU 4× slower)", "skipped"],
    ["Phone: longest main-thread task (CPU 4× slower)", "skipped"],
    ["Phone: app bundle (examples/web, SDK included)", expect.stringMatching(/^[\d,]+ B min \/ [\d,]+ B gzip$/)]
  ])
  for (const row of rows.slice(0, 2)) expect(row.detail).toContain("skipped: no Chromium at /nonexistent/chromium")
  expect(rows[2]!.target?.text).toBe("≤ 150.0 kB gzip (JavaScript)")
}, 120_000)
