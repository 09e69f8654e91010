import { describe, expect, it } from "vitest"
import { lawSetup, moduleLaws, type ModuleLawsOptions, testKey } from "@affinity/core/testing"
import * as Governance from "@affinity/governance/module"
import * as Skills from "./support/skills.ts"

const HOUR = Governance.HOUR
const T0 = 1_700_000_000_000
const deadline = T0 + 2 * HOUR
const dee = testKey(4, "Dee")

// Proposals with concurrent stances, refusals of every kind along the way, and closes: one
// passes and carries core/member.admit under the decision, one fails with a block, one is
// closed twice concurrently.
const proposals: ModuleLawsOptions = {
  params: { timeWitnesses: 1 },
  scenario: (c, [ada, bo, cy]) => {
    c.join(dee)
    const admit = c.send(ada!, Governance.propose({ title: "Admit Dee", deadline, action: Governance.admit(dee.id) }))
    const paint = c.send(bo!, Governance.propose({ title: "Paint the door", process: "consent", deadline }))
    const base = c.heads()
    c.send(ada!, Governance.stance(admit.key, "agree"), { parents: base })
    c.send(bo!, Governance.stance(admit.key, "agree"), { parents: base })
    c.send(cy!, Governance.stance(paint.key, "block", "the colour clashes with the mural"), { parents: base })
    c.send(cy!, Governance.stance(admit.key, "block")) // refused: a block needs a reason
    c.send(cy!, Governance.close(admit.key)) // refused: the deadline is not reached
    c.send(ada!, Governance.withdraw(paint.key)) // refused: only the proposer withdraws
    c.witness(deadline)
    const closing = c.heads()
    c.send(bo!, Governance.close(admit.key), { parents: closing })
    c.send(cy!, Governance.close(admit.key), { parents: closing }) // concurrent: one of the two is refused
    c.send(ada!, Governance.close(paint.key))
    c.send(bo!, Governance.stance(admit.key, "agree")) // refused: already closed
    c.send(dee, Governance.propose({ title: "Seed library", deadline: deadline + 2 * HOUR })) // Dee is a full member now
  }
}

describe("governance", () => {
  moduleLaws(Governance.module, proposals)

  it("the proposals scenario holds what it says: refusals of every kind, a decision that carries its action", () => {
    const setup = lawSetup(Governance.module, proposals)
    const outcomes = setup.events.map((e) => {
      const o = setup.reference.outcome(e.key)!
      return `${e.header.type} ${o._tag === "Applied" ? ["Applied", ...o.actions.map((a) => `${a.type} ${a._tag}`)].join(", ") : o.reason._tag}`
    })
    // The two concurrent closes of "Admit Dee": whichever comes first in fold order decides.
    const concurrent = outcomes.splice(11, 2).sort()
    expect(concurrent).toEqual(["proposal.close AlreadyClosed", "proposal.close Applied, member.admit Applied"])
    expect(outcomes).toEqual([
      "member.apply Applied",
      "proposal.open Applied",
      "proposal.open Applied",
      "stance Applied",
      "stance Applied",
      "stance Applied",
      "stance InvalidBody",
      "proposal.close DeadlineNotReached",
      "proposal.withdraw NotProposer",
      "tick Applied",
      "tick Applied",
      "proposal.close Applied",
      "stance AlreadyClosed",
      "proposal.open Applied"
    ])
  })

  // A module that keeps qualifications and answers governance's query, run beside governance:
  // grants and revocations (two refused), and the query asked with good and bad arguments.
  moduleLaws(Skills.skills, {
    modules: [Governance.module],
    params: { timeWitnesses: 1 },
    scenario: (c, [ada, bo, cy]) => {
      const grant = c.send(ada!, Skills.grant(bo!.id))
      c.send(ada!, Skills.grant(cy!.id, "carpentry"))
      c.send(bo!, Skills.revoke(grant))
      c.send(cy!, Skills.revoke(grant)) // refused: already ended
      c.send(cy!, Skills.revoke({ key: "00".repeat(32) })) // refused: no such grant
      return {
        queries: {
          [Governance.Qualification.QUERY]: [
            { identity: bo!.id, qualification: "bookkeeping" },
            { identity: cy!.id, qualification: "carpentry" },
            { identity: cy!.id } // refused: InvalidArgs
          ]
        }
      }
    }
  })
})
