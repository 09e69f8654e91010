import { describe, expect, it } from "vitest"
import { lawSetup, moduleLaws, type ModuleLawsOptions, testKey } from "@affinity/core/testing"
import * as Defense from "@affinity/defense"
import * as Economy from "@affinity/economy"
import * as Governance from "@affinity/governance"
import * as Justice from "@affinity/justice"

const HOUR = Governance.HOUR
const DAY = Governance.DAY
const T0 = 1_700_000_000_000
const fay = testKey(6, "Fay")
const scope = { module: "governance", types: ["proposal.open"] }

// A grievance with concurrent votes, refusals along the way (the affected person speaks first, a
// vote from outside the frozen electorate, a decision that skips a rung), a correction and a
// warning carried by community decisions, an act the warning stops, and an appeal.
const grievance: ModuleLawsOptions = {
  founders: 4,
  params: { timeWitnesses: 1 },
  modules: [Governance.module],
  orders: 12,
  scenario: (c, [ada, bo, cy]) => {
    const decide = (action: { readonly module: string; readonly type: string; readonly body: never } | Governance.Draft, deadline: number) => {
      const open = c.send(ada!, Governance.propose({ title: "Justice", deadline, action }))
      c.send(ada!, Governance.stance(open.key, "agree"))
      c.send(cy!, Governance.stance(open.key, "agree"))
      c.witness(deadline, [ada!, cy!])
      return c.send(cy!, Governance.close(open.key))
    }
    const filed = c.send(ada!, Justice.file({ about: { member: bo!.id }, weight: "community" }))
    c.send(cy!, Justice.speak(filed.key)) // refused: Cy is not in the case
    c.send(bo!, Justice.speak(filed.key)) // Ada spoke first, by filing
    c.join(fay)
    c.send(fay, Justice.vote(filed.key, "no-change")) // refused: not a full member, let alone in the electorate
    c.send(ada!, Justice.vote(filed.key, "correction"))
    const base = c.heads()
    c.send(cy!, Justice.vote(filed.key, "correction"), { parents: base })
    c.send(bo!, Justice.vote(filed.key, "no-change"), { parents: base })
    decide(Justice.decide({ case: filed.key, option: "warning", reason: "too soon", scope, until: T0 + 20 * DAY }), T0 + 2 * HOUR) // fails: the electorate chose a correction
    decide(Justice.decide({ case: filed.key, option: "correction", reason: "a first word" }), T0 + 4 * HOUR)
    const second = c.send(cy!, Justice.file({ about: { member: bo!.id }, weight: "community" }))
    c.send(cy!, Justice.vote(second.key, "warning"))
    c.send(ada!, Justice.vote(second.key, "warning"))
    const warning = decide(Justice.decide({ case: second.key, option: "warning", reason: "no new proposals for a while", scope, until: T0 + 20 * DAY }), T0 + 6 * HOUR)
    c.send(bo!, Governance.propose({ title: "Paint", deadline: T0 + 30 * DAY })) // refused: restricted
    c.send(bo!, Justice.appeal(warning.key))
    return {
      queries: {
        [Justice.Queries.RESTRICTIONS]: [{ subject: bo!.id }, { subject: cy!.id }, { who: "nobody" }],
        [Justice.Queries.RUNG]: [{ subject: bo!.id }, {}]
      }
    }
  }
}

// Cases opened on other modules' facts: an emergency mandate whose review becomes overdue,
// opened twice concurrently (one is refused), and a payer's concurrent spends that overshoot,
// opened once and refused again; each opening asks defense or the economy on its own past.
const facts: ModuleLawsOptions = {
  founders: 4,
  params: { timeWitnesses: 1 },
  modules: [Governance.module, Defense.module, Economy.module],
  orders: 12,
  scenario: (c, [ada, bo, cy, dee]) => {
    const decide = (actions: ReadonlyArray<Governance.Draft>, deadline: number) => {
      const open = c.send(ada!, Governance.propose({ title: "Decide", deadline, actions }))
      for (const k of [ada!, bo!, cy!, dee!]) c.send(k, Governance.stance(open.key, "agree"))
      c.witness(deadline, [ada!, cy!])
      return c.send(cy!, Governance.close(open.key))
    }
    const group = decide([Governance.createGroup({ name: "Night watch", purpose: "respond to attacks", mandate: ["defense/restrict"], members: [cy!.id, dee!.id] })], T0 + HOUR)
    const mandate = decide(
      [
        Defense.grantMandate({ group: group.key }, { scope: ["restrict"], expires: T0 + DAY, reason: "a bot wave" }),
        Economy.createCurrency({ name: "Hours", symbol: "h", decimals: 0, policy: { creditLimit: 50, offlineAllowance: 30 } })
      ],
      T0 + 2 * HOUR
    )
    c.send(bo!, Justice.open({ mandate: mandate.key })) // refused: the review is not due yet
    c.add(bo!, "core", "device.add", c.deviceAdd(bo!, fay))
    const spends = c.heads()
    c.send(bo!, Economy.pay(cy!.id, 40, "laptop"), { parents: spends })
    c.send(fay, Economy.pay(dee!.id, 30, "phone"), { parents: spends })
    c.send(ada!, Justice.open({ payer: bo!.id }))
    c.send(cy!, Justice.open({ payer: bo!.id })) // refused: already open
    c.witness(T0 + 16 * DAY, [ada!, cy!])
    const base = c.heads()
    c.send(ada!, Justice.open({ mandate: mandate.key }, "community"), { parents: base })
    c.send(bo!, Justice.open({ mandate: mandate.key }), { parents: base }) // one of the two is refused
    return { queries: { [Justice.Queries.RUNG]: [{ subject: `group/${group.key}` }] } }
  }
}

describe("justice", () => {
  moduleLaws(Justice.module, grievance)
  moduleLaws(Justice.module, facts)

  it("the facts scenario opens one case on each fact", () => {
    const setup = lawSetup(Justice.module, facts)
    const outcomes = setup.events.filter((e) => e.header.module === "justice").map((e) => {
      const o = setup.reference.outcome(e.key)!
      return `${e.header.type} ${o._tag === "Applied" ? "Applied" : o.reason._tag}`
    })
    expect(outcomes.sort()).toEqual(["case.open AlreadyOpen", "case.open AlreadyOpen", "case.open Applied", "case.open Applied", "case.open NotOverdue"])
    const state = setup.reference.state<Justice.State>(Justice.module)
    expect(Object.values(state.cases).map((c) => c.kind).sort()).toEqual(["overshoot", "review"])
  })

  it("the grievance scenario holds what it says", () => {
    const setup = lawSetup(Justice.module, grievance)
    const outcomes = setup.events.map((e) => {
      const o = setup.reference.outcome(e.key)!
      return `${e.header.type} ${o._tag === "Applied" ? ["Applied", ...o.actions.map((a) => `${a.type} ${a._tag === "Applied" ? "Applied" : a.reason._tag}`)].join(", ") : o.reason._tag}`
    })
    expect(outcomes.filter((o) => !o.includes("Applied") || o.includes("justice") || o.includes("case") || o.includes("appeal"))).toEqual([
      "case.file Applied",
      "case.speak NotInTheCase",
      "case.speak Applied",
      "case.vote NotAFullMember",
      "case.vote Applied",
      "case.vote Applied",
      "case.vote Applied",
      "proposal.close Applied, case.decide NotTheReviewsChoice",
      "proposal.close Applied, case.decide Applied",
      "case.file Applied",
      "case.vote Applied",
      "case.vote Applied",
      "proposal.close Applied, case.decide Applied",
      "proposal.open Restricted",
      "appeal.file Applied"
    ])
    const state = setup.reference.state<Justice.State>(Justice.module)
    expect(Object.values(state.restrictions)).toHaveLength(1)
    // Dee is the only full member who neither decided nor is a party.
    expect(Object.values(state.appeals)[0]!.panel).toEqual([setup.founders[3]!.id])
  })
})
