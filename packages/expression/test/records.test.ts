import { describe, expect, it } from "vitest"
import { Binder, Expression, Records, Tree } from "@affinity/expression"
import { expressionOf, world } from "./support/world.ts"

const NAMES: Record<string, string> = {}
const names = { nameOf: (id: string) => NAMES[id] ?? "someone" }

describe("records of communications", () => {
  const { c, ada, bo, cy, dee } = world({ dee: true })
  Object.assign(NAMES, { [ada.id]: "Ada", [bo.id]: "Bo", [cy.id]: "Cy, \"the <quiet> one\"", [dee.id]: "Dee" })
  const garden = c.send(ada, Expression.openChannel({ name: "garden", title: "Garden talk", kind: "community" }))
  const hello = c.send(ada, Expression.post(garden.key))
  const reply = c.send(bo, Expression.post(garden.key, { reply: hello.key }))
  c.send(ada, Expression.edit(hello.key))
  c.send(bo, Expression.remove(reply.key))
  c.send(cy, Expression.post(garden.key))
  for (const k of [bo, cy, dee]) c.send(k, Expression.shareContact([ada.id]))
  const drill = c.send(ada, Expression.startDrill())
  c.send(cy, Expression.confirmDrill(drill.key))
  const state = expressionOf(c.replica())
  const held = (key: string) => key !== hello.key
  const records = Records.messages(state, { names, now: c.time, held })

  it("list every message with its author by name, what it answers, edits, deletion, and what became of its words", () => {
    expect(records.map((r) => [r.author, r.replyTo?.startsWith("Ada, ") ?? null, r.edits, r.deleted !== null, r.words])).toEqual([
      ["Ada", null, 1, false, "held"],
      ["Bo", true, 0, true, "deleted"],
      ["Cy, \"the <quiet> one\"", null, 0, false, "held"]
    ])
  })

  it("export CSV with quoting, JSON and Markdown without hex for people", () => {
    const csv = Records.toCSV(records).split("\r\n")
    expect(csv).toHaveLength(4)
    expect(csv[3]).toContain('"Cy, ""the <quiet> one"""')
    expect(JSON.parse(Records.toJSON(records))).toHaveLength(3)
    const md = Records.toMarkdown(state, { names, now: c.time })
    expect(md).toContain("## Garden talk")
    expect(md).toContain("community channel, opened by Ada")
    expect(md).not.toMatch(/[0-9a-f]{64}/)
  })

  it("print the phone tree and the drill on one page, names escaped", () => {
    const d = state.drills[drill.key]!
    const tree = Binder.tree({ community: "Riverside", tree: d.tree, fanout: d.fanout, names, at: c.time })
    expect(tree).toContain("<b>Ada</b> calls ")
    expect(tree).toContain("Cy, &#34;the &#60;quiet&#62; one&#34;")
    expect(tree).not.toContain("<quiet>")
    expect(tree).not.toMatch(/[0-9a-f]{64}/)
    for (const p of d.tree) expect(Tree.calls(d.tree, d.fanout, p).length).toBeLessThanOrEqual(d.fanout)
    const record = Binder.drill({ community: "Riverside", drill: d, names })
    expect(record).toContain("2 of 4 reached")
    expect(record).toContain("did not confirm")
    const printed = Binder.records({ community: "Riverside", state, options: { names, now: c.time, held } })
    expect(printed).toContain("<h2>Garden talk</h2>")
    expect(printed).toContain("<td>deleted</td>")
    expect(printed).not.toContain("<quiet>")
    expect(printed).not.toMatch(/[0-9a-f]{64}/)
  })
})

describe("views for screens", () => {
  it("list the channels a member reads, threads with replies, and alerts with their status", async () => {
    const { Views } = await import("@affinity/expression")
    const { c, ada, bo, cy } = world()
    const garden = c.send(ada, Expression.openChannel({ name: "garden", title: "Garden", kind: "community" }))
    c.send(ada, Expression.openChannel({ name: "care", title: "Care", kind: "private", members: [bo.id] }))
    const a = c.send(ada, Expression.post(garden.key))
    const b = c.send(bo, Expression.post(garden.key, { reply: a.key }))
    c.send(cy, Expression.post(garden.key, { reply: b.key }))
    const alert = c.send(cy, Expression.raise("danger"))
    c.send(ada, Expression.confirm(alert.key))
    const s = expressionOf(c.replica())
    expect(Views.channelsOf(s, ada.id).map((x) => x.title)).toEqual(["Garden", "Care"])
    expect(Views.channelsOf(s, cy.id).map((x) => x.title)).toEqual(["Garden"])
    const t = Views.threads(s, garden.key)
    expect(t).toHaveLength(1)
    expect(t[0]!.replies[0]!.replies[0]!.message.author).toBe(cy.id)
    const v = Views.alertView(s.alerts[alert.key]!, s.alerts[alert.key]!.at)
    expect(v).toMatchObject({ status: "raised", confirmed: 1, needs: 2, left: 600_000 })
    expect(Views.alertView(s.alerts[alert.key]!, s.alerts[alert.key]!.at + 600_001).status).toBe("expired")
    expect(Views.openAlerts(s, s.alerts[alert.key]!.at)).toHaveLength(1)
  })
})
