import { describe, expect, it } from "vitest"
import { testKey } from "@affinity/core/testing"
import * as DefenseWithBinder from "@affinity/defense"
import { ada, bo, DAY, Defense, defense, Governance, mallory, World } from "./support/world.ts"

const names: Record<string, string> = { [ada.id]: "Ada", [bo.id]: "Bo", [mallory.id]: "Mallory" }
const nameOf = (hex: string) => names[hex] ?? "someone"

/** A community with one of everything: a restriction (and a lifted one), a list, a mandate with an overdue review, a freeze. */
const history = () => {
  const w = new World()
  const pub = testKey(81)
  const hill = "a1".repeat(32)
  w.decide(Defense.restrict({ key: mallory.publicKey }, { scope: ["join"], reason: 'sent "threats", twice', evidence: "https://example.org/case/1" }))
  const relay = w.decide(Defense.restrict({ relay: "wss://bad.example" }, { scope: ["sync"], reason: "tampering" }))
  w.decide(Defense.lift(relay.key, "they fixed it"))
  w.decide(Defense.subscribe(hill, "Hillside", [pub.id]))
  const entry: Defense.Bodies.WireEntry = { seq: 1, op: "add", id: "e1".repeat(32), subject: { kind: "key", id: testKey(77).id }, scope: ["join"], severity: "block", reason: "scam ring", evidence: "receipts", date: w.time, expires: w.time + 30 * DAY }
  w.send(bo, Defense.importList(Defense.Feed.sign({ source: hill, from: 1, entries: [entry] }, pub.secret)))
  const group = w.decide(Governance.createGroup({ name: "Night watch", purpose: "defense", mandate: ["defense/restrict"], members: [ada.id, bo.id] }))
  const granted = w.decide(Defense.grantMandate({ group: group.key }, { scope: ["restrict"], expires: w.time + DAY, reason: "bot wave" }))
  w.send(ada, Defense.freeze("admissions", "bots"))
  w.send(bo, Defense.freeze("admissions", "bots"))
  const m = defense(w.replica()).mandates[granted.key]!
  w.at(m.expires + 15 * DAY)
  const r = w.replica()
  return { state: defense(r), now: r.communityTime() }
}

describe("records", () => {
  const { state, now } = history()
  const options = { now, nameOf }

  it("queries say what holds, by name and in words", () => {
    const rs = Defense.Records.restrictions(state, options)
    expect(rs.map((r) => `${r.subject}: ${r.status}`)).toEqual(["key Mallory: holds", "relay wss://bad.example: lifted"])
    expect(rs[0]!.by).toBe("a community decision")
    expect(Defense.Records.advisories(state, options).map((a) => `${a.source}: ${a.reason}`)).toEqual(["Hillside: scam ring"])
    expect(Defense.Records.changes(state, options)[0]!.change).toBe("added: advisory: needs a decision here")
    expect(Defense.Records.mandates(state, options)[0]!.status).toBe("review overdue")
    expect(Defense.Records.freezes(state, options)[0]!.callers).toEqual(["Ada", "Bo"])
    expect(Defense.Records.freezes(state, options)[0]!.status).toBe("over")
  })

  it("exports JSON, CSV and Markdown", () => {
    const json = JSON.parse(Defense.Records.toJson(state, options)) as { restrictions: Array<unknown>; mandates: Array<{ status: string }> }
    expect(json.restrictions).toHaveLength(2)
    expect(json.mandates[0]!.status).toBe("review overdue")
    const csv = Defense.Records.toCsv(state, options).split("\r\n")
    expect(csv).toHaveLength(1 + 2 + 1 + 1 + 1)
    expect(csv[1]).toContain('"sent ""threats"", twice"')
    const md = Defense.Records.toMarkdown(state, options)
    expect(md).toContain("- **key Mallory**: blocked from join; holds until")
    expect(md).toContain("**overdue** since")
    expect(md).toContain("| Hillside | key someone | added: advisory: needs a decision here | scam ring |")
    expect(md).not.toMatch(/[0-9a-f]{64}/)
  })

  it("prints one page by name, with the overdue review standing out and no hex", () => {
    const html = DefenseWithBinder.Binder.html(state, { ...options, title: "Riverside <allotments>" })
    expect(html).toContain("<title>Riverside &lt;allotments&gt;: defense records</title>")
    expect(html).toContain('<span class="overdue">overdue since')
    expect(html).toContain("key Mallory")
    expect(html).toContain("sent &quot;threats&quot;, twice")
    expect(html).not.toMatch(/[0-9a-f]{64}/)
  })

  it("the threats page shows what holds now and counts down", () => {
    const o = Defense.Threats.overview(state, options)
    expect(o.restrictions.map((r) => r.subject)).toEqual(["key Mallory"])
    expect(o.advisories).toHaveLength(1)
    expect(o.overdue).toHaveLength(1)
    expect(o.freezes).toEqual([])
    expect(Defense.Threats.countdown(now + 2 * DAY + 5 * 3_600_000, now)).toBe("2 days 5 hours left")
    expect(Defense.Threats.countdown(now - 1, now)).toBe("over")
    expect(Defense.Threats.lostPhone({ otherDevices: 0 }).map((s) => s.action)).toEqual(["remove-old", "new-device", "verify", "apply"])
    expect(Defense.Threats.lostPhone({ otherDevices: 2 }).map((s) => s.action)).toEqual(["revoke", "verify"])
  })
})

describe("safety numbers", () => {
  it("are 60 digits in twelve groups, the same on both phones, and a QR string", () => {
    const n = Defense.SafetyNumber.of(ada.id, bo.id)
    expect(n).toMatch(/^\d{60}$/)
    expect(Defense.SafetyNumber.of(bo.publicKey, ada.publicKey)).toBe(n)
    expect(Defense.SafetyNumber.groups(n)).toMatch(/^(\d{5} ){11}\d{5}$/)
    expect(Defense.SafetyNumber.qr(ada.id, bo.id)).toBe(`AFFINITY-SAFETY-1:${n}`)
    expect(Defense.SafetyNumber.matches(Defense.SafetyNumber.groups(n), bo.id, ada.id)).toBe(true)
    expect(Defense.SafetyNumber.matches(Defense.SafetyNumber.qr(ada.id, mallory.id), ada.id, bo.id)).toBe(false)
    expect(() => Defense.SafetyNumber.of("abc", bo.id)).toThrow(RangeError)
  })
})
