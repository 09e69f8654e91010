import { describe, expect, it } from "vitest"
import { Body, Module, Query } from "@affinity/core/module"
import { TestCommunity, testKey } from "@affinity/core/testing"
import * as Governance from "@affinity/governance"

const ada = testKey(1, "Ada")
const bo = testKey(2, "Bo")
const cy = testKey(3, "Cy")
const HOUR = Governance.HOUR

/** A test module keeping a cap of concurrent roles: `roles.cap` answers `{ cap, roles: [] }`, the cap set by `set` (0: none kept). */
type Cap = { readonly cap: number }
const caps = Module.make<Cap>({
  name: "caps",
  init: () => ({ cap: 0 }),
  events: {
    set: Module.eventType<Cap, { readonly cap: number }>({ body: Body.strict({ cap: Body.int(0, 10) }), authority: "member", apply: (_s, b) => ({ cap: b.cap }) })
  },
  queries: {
    [Governance.Queries.ROLE_CAP]: Query.make<Cap, { readonly identity: string }, { readonly cap: number; readonly roles: ReadonlyArray<string>; readonly why?: string }>({
      args: Body.strict({ identity: Body.text(64, 64) }),
      answer: (s) => (s.cap === 0 ? { cap: 1000, roles: [] } : { cap: s.cap, roles: [], why: `the cap is ${s.cap}` })
    })
  }
})

const decide = (c: TestCommunity, action: Governance.Draft) => {
  const deadline = c.time + 2 * HOUR
  const p = c.send(ada, Governance.propose({ title: "t", deadline, action }))
  for (const k of [ada, bo, cy]) c.send(k, Governance.stance(p.key, "agree"))
  c.witness(deadline + 1000)
  return c.send(ada, Governance.close(p.key))
}

const tag = (r: ReturnType<TestCommunity["replica"]>, key: string) => {
  const o = r.outcome(key)!
  return o._tag === "Rejected" ? o.reason._tag : "Applied"
}

describe("the role cap another module keeps (roles.cap)", () => {
  it("group.join refuses a member whose roles already fill the cap, and admits one below it", () => {
    const c = new TestCommunity([ada, bo, cy], { timeWitnesses: 1 })
    const g1 = decide(c, Governance.createGroup({ name: "One", purpose: "p", mandate: [], members: [ada.id] }))
    const g2 = decide(c, Governance.createGroup({ name: "Two", purpose: "p", mandate: [], members: [] }))
    c.add(bo, "caps", "set", { cap: 1 })
    const full = c.send(ada, Governance.joinGroup(g2.key))
    const free = c.send(bo, Governance.joinGroup(g2.key))
    const r = c.replica(c.events, [Governance.module, caps])
    expect(tag(r, full.key)).toBe("RoleCap")
    const o = r.outcome(full.key)!
    expect(o._tag === "Rejected" && o.reason.message).toBe("caps: the cap is 1")
    expect(tag(r, free.key)).toBe("Applied")
    expect(g1.key).not.toBe(g2.key)
  })

  it("without a module answering roles.cap, nothing changes", () => {
    const c = new TestCommunity([ada, bo, cy], { timeWitnesses: 1 })
    decide(c, Governance.createGroup({ name: "One", purpose: "p", mandate: [], members: [ada.id] }))
    const g2 = decide(c, Governance.createGroup({ name: "Two", purpose: "p", mandate: [], members: [] }))
    const join = c.send(ada, Governance.joinGroup(g2.key))
    expect(tag(c.replica(c.events, [Governance.module]), join.key)).toBe("Applied")
  })

  it("a draw leaves members at the cap out of every prime group, and records them as capped", () => {
    const c = new TestCommunity([ada, bo, cy], { timeWitnesses: 1 })
    decide(c, Governance.createGroup({ name: "One", purpose: "p", mandate: [], members: [ada.id] }))
    c.add(bo, "caps", "set", { cap: 1 })
    c.send(ada, Governance.draw(0))
    c.witness(c.genesis.header.time + 14 * Governance.DAY + 1000)
    c.send(bo, Governance.draw(1))
    const r = c.replica(c.events, [Governance.module, caps])
    const term = r.state<Governance.State>("governance").terms["1"]!
    for (const g of Object.values(term.groups)) {
      expect(g.capped).toEqual([ada.id])
      expect(g.ranked).not.toContain(ada.id)
    }
  })
})
