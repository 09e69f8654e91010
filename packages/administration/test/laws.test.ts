import { describe, expect, it } from "vitest"
import { lawSetup, moduleLaws, type ModuleLawsOptions, testKey } from "@affinity/core/testing"
import * as Governance from "@affinity/governance"
import * as Administration from "@affinity/administration"
import { DAY, decide } from "./support/world.ts"

const dee = testKey(4, "Dee")

// Qualifications granted and vouched concurrently, a revocation concurrent with a vouch, pools
// joined concurrently and a lot, concurrent bookings of one room (one is refused), a loan and
// its return, and refusals of every kind along the way.
const scenario: ModuleLawsOptions = {
  modules: [Governance.module],
  params: { timeWitnesses: 1 },
  scenario: (c, [ada, bo, cy]) => {
    c.join(dee)
    const kitchen = decide(c, [
      Administration.define({ id: "first-aid", name: "First aid", criteria: "A course", grantedBy: "vouches", vouches: 1, expiryDays: 30 }),
      Administration.grant("first-aid", ada!.id, "course"),
      Governance.createGroup({ name: "Kitchen", purpose: "cook", mandate: ["administration/assign.lot"], members: [] }),
      Administration.register({ name: "Back room", kind: "room", stewards: ["community"], custodian: bo!.id })
    ])
    c.send(ada!, Governance.draw(0))
    const base = c.heads()
    c.send(ada!, Administration.vouch("first-aid", bo!.id, "saw it"), { parents: base })
    c.send(ada!, Administration.vouch("first-aid", dee.id)) // refused: Dee is not a full member
    c.send(bo!, Administration.joinPool(kitchen.key), { parents: base })
    c.send(cy!, Administration.joinPool(kitchen.key), { parents: base })
    c.send(cy!, Administration.book("ab".repeat(32), c.time, c.time + DAY)) // refused: no such resource
    const t = c.time
    const room = kitchen.key
    const heads = c.heads()
    c.send(ada!, Administration.book(room, t + DAY, t + 2 * DAY, "choir"), { parents: heads })
    c.send(cy!, Administration.book(room, t + DAY, t + 2 * DAY, "film"), { parents: heads }) // concurrent: the first in fold order holds, the other is refused
    const lent = c.send(bo!, Administration.lend(room, cy!.id, t + DAY - 1000))
    c.send(cy!, Administration.giveBack(lent.key))
    c.send(dee, Administration.joinPool(kitchen.key)) // refused: not a full member
    decide(c, [Administration.assignByLot({ group: kitchen.key, role: "cook", seats: 1, hours: 2 })])
    decide(c, [Administration.revoke("first-aid", bo!.id, "the course was fake")])
    c.send(cy!, Administration.freeze(1))
    return {
      queries: {
        qualified: [{ identity: bo!.id, qualification: "first-aid" }, { identity: ada!.id, qualification: "first-aid" }, { identity: "zz" }],
        holders: [{ qualification: "first-aid" }],
        held: [{ identity: ada!.id }],
        expiring: [{ days: 40 }],
        load: [{ identity: cy!.id }],
        resource: [{ id: kitchen.key }],
        "membership.apply": [{ device: dee.id }],
        "membership.admit": [{ identity: dee.id }],
        rules: [{}],
        "roles.cap": [{ identity: cy!.id }]
      }
    }
  }
}

describe("administration", () => {
  moduleLaws(Administration.module, scenario)

  it("the scenario holds what it says", () => {
    const setup = lawSetup(Administration.module, scenario)
    const outcomes = setup.events.map((e) => {
      const o = setup.reference.outcome(e.key)!
      return `${e.header.module}/${e.header.type} ${o._tag === "Applied" ? "Applied" : o.reason._tag}`
    })
    expect(outcomes.filter((o) => !o.endsWith("Applied"))).toEqual([
      "administration/qualification.vouch NotAMember",
      "administration/resource.book UnknownResource",
      "administration/resource.book Overlap",
      "administration/pool.join NotAFullMember"
    ])
  })
})
