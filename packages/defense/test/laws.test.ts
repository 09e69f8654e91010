import { describe, expect, it } from "vitest"
import { lawSetup, moduleLaws, type ModuleLawsOptions, testKey } from "@affinity/core/testing"
import * as Governance from "@affinity/governance/module"
import * as Defense from "@affinity/defense/module"

const HOUR = Defense.HOUR
const T0 = 1_700_000_000_000
const mallory = testKey(66, "Mallory")
const publisher = testKey(81, "publisher")
const source = "5a".repeat(32)
const entry = (seq: number, id: string): Defense.Bodies.WireEntry => ({
  seq,
  op: "add",
  id,
  subject: { kind: "key", id: mallory.id },
  scope: ["join"],
  severity: "block",
  reason: "a scam ring",
  evidence: "",
  date: T0,
  expires: T0 + 30 * Defense.DAY
})

describe("defense", () => {
  // Restrictions and a lift by decision, a concurrent application, a list subscribed and
  // imported (twice, concurrently), freeze calls by two members concurrently and one refused,
  // a mandate granted, and refusals along the way.
  const options: ModuleLawsOptions = {
    modules: [Governance.module],
    params: { timeWitnesses: 1 },
    scenario: (c, [ada, bo, cy]) => {
      const deadline = T0 + 2 * HOUR
      const restrict = Defense.restrict({ key: mallory.publicKey }, { scope: ["join"], reason: "threats" })
      const p = c.send(ada!, Governance.propose({ title: "Restrict", process: "consent", deadline, actions: [restrict, Defense.subscribe(source, "Hillside", [publisher.id])] }))
      const g = c.send(bo!, Governance.propose({ title: "Mandate", process: "consent", deadline, action: Defense.grantMandate("prime", { scope: ["freeze"], expires: deadline + Defense.DAY, reason: "bots" }) }))
      const base = c.heads()
      c.send(cy!, Defense.freeze("admissions", "bots"), { parents: base })
      c.send(ada!, Defense.freeze("admissions", "bots"), { parents: base })
      c.send(ada!, Defense.freeze("admissions", "again"))
      c.send(bo!, restrict) // refused: needs a decision
      c.witness(deadline)
      const close = c.send(cy!, Governance.close(p.key))
      c.join(mallory, { parents: base }) // concurrent with the restriction: does not count
      c.send(cy!, Governance.close(g.key))
      const feed = Defense.Feed.sign({ source, from: 1, entries: [entry(1, "aa".repeat(32)), entry(2, "bb".repeat(32))] }, publisher.secret)
      const after = c.heads()
      c.send(ada!, Defense.importList(feed), { parents: after })
      c.send(bo!, Defense.importList(feed), { parents: after }) // concurrent: the second finds nothing new
      const l = c.send(bo!, Governance.propose({ title: "Lift", process: "consent", deadline: deadline + 3 * HOUR, action: Defense.lift(close.key, "sorted out") }))
      c.witness(deadline + 3 * HOUR)
      c.send(ada!, Governance.close(l.key))
      return {
        queries: {
          [Defense.Queries.RESTRICTED]: [{ kind: "key", subject: mallory.id, scope: "join" }, { kind: "relay", subject: "wss://x", scope: "sync" }, { kind: "nobody" }],
          [Defense.Queries.FROZEN]: [{ scope: "admissions" }, { scope: "payments" }],
          [Defense.Queries.OVERDUE]: [{}, { extra: 1 }]
        }
      }
    }
  }
  moduleLaws(Defense.module, options)

  it("the scenario holds what it says", () => {
    const setup = lawSetup(Defense.module, options)
    const outcomes = setup.events.map((e) => {
      const o = setup.reference.outcome(e.key)!
      return `${e.header.type} ${o._tag === "Applied" ? ["Applied", ...o.actions.map((a) => `${a.type} ${a._tag === "Applied" ? "Applied" : a.reason._tag}`)].join(", ") : o.reason._tag}`
    })
    // The two concurrent imports: whichever comes first in fold order brings the entries in.
    expect(outcomes.splice(11, 2).sort()).toEqual(["list.import Applied", "list.import NothingNew"])
    expect(outcomes).toEqual([
      "proposal.open Applied",
      "proposal.open Applied",
      "freeze Applied",
      "freeze Applied", // concurrent calls: neither had seen the other, so no freeze
      "freeze AlreadyCalled",
      "restrict NeedsDecision",
      "tick Applied",
      "tick Applied",
      "proposal.close Applied, restrict Applied, list.subscribe Applied",
      "member.apply Restricted",
      "proposal.close Applied, mandate.grant Applied",
      "proposal.open Applied",
      "tick Applied",
      "tick Applied",
      "proposal.close Applied, lift Applied"
    ])
  })
})
