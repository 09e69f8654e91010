import { describe, expect, it } from "vitest"
import { Body, type Cbor, Module, Query } from "@affinity/core/module"
import * as Economy from "@affinity/economy"
import * as Governance from "@affinity/governance"
import { ada, bo, cy, economy, tagOf, World } from "./support/world.ts"

/** A stand-in administration that keeps every resource under the stewardship of one working group, with Bo as custodian. */
const administration = (group: () => string) =>
  Module.make<{ readonly on: boolean }>({
    name: "administration",
    init: () => ({ on: true }),
    events: {},
    queries: {
      resource: Query.make<{ readonly on: boolean }, { readonly id: string }, Cbor.Value>({
        args: Body.strict({ id: Body.text(64, 64) }),
        answer: () => ({ name: "Bread oven", stewards: ["community", group()], custodian: bo.id, personal: false })
      })
    }
  })

describe("resources", () => {
  it("an inventory with quantities and units: produce, consume, custody apart from rights, stewards by decision", () => {
    const c = new World()
    const seeds = c.act(ada, Economy.addResource({ name: "Bean seeds", unit: "g", quantity: 500 }))
    const more = c.act(ada, Economy.produce(seeds.key, 250, "harvest"))
    const strangerUse = c.act(bo, Economy.consume(seeds.key, 100))
    const lend = c.act(ada, Economy.handOver(seeds.key, bo.id, "for the spring sowing"))
    const use = c.act(bo, Economy.consume(seeds.key, 700))
    const tooMuch = c.act(bo, Economy.consume(seeds.key, 51))
    const giveAway = c.act(ada, Economy.give(seeds.key, cy.id))
    const stewards = c.decide(Economy.stewards(seeds.key, [cy.id]))
    const r = c.replica()
    expect([seeds, more, strangerUse, lend, use, tooMuch, giveAway].map((e) => tagOf(r, e))).toEqual([
      "Applied",
      "Applied",
      "NotSteward",
      "Applied",
      "Applied",
      "NotEnough",
      "CommunityResource"
    ])
    expect(tagOf(r, stewards)).toBe("Applied, resource.stewards Applied")
    const res = economy(r).resources[seeds.key]!
    expect(res).toMatchObject({ quantity: 50, rights: "community", custodian: bo.id, stewards: [cy.id], personal: false })
    expect(res.history.map((h) => h.kind)).toEqual(["add", "produce", "custody", "consume", "stewards"])
  })

  it("personal property is its holder's and outside decisions; rights can pass without custody", () => {
    const c = new World()
    const bike = c.act(bo, Economy.addResource({ name: "Bicycle", unit: "piece", quantity: 1, personal: true }))
    const decided = c.decide(Economy.stewards(bike.key, [ada.id]))
    const lend = c.act(bo, Economy.handOver(bike.key, cy.id))
    const notHers = c.act(cy, Economy.give(bike.key, ada.id))
    const gift = c.act(bo, Economy.give(bike.key, ada.id, "a birthday present"))
    const r = c.replica()
    expect(tagOf(r, decided)).toBe("Applied, resource.stewards PersonalProperty")
    expect([lend, notHers, gift].map((e) => tagOf(r, e))).toEqual(["Applied", "NotYours", "Applied"])
    expect(economy(r).resources[bike.key]).toMatchObject({ rights: ada.id, custodian: cy.id, personal: true })
  })

  it("a registered resource is tended by administration's custodian and the members of its steward groups", () => {
    const c = new World()
    let group = ""
    c.modules = [administration(() => group)]
    group = c.decide(Governance.createGroup({ name: "Oven crew", purpose: "The bread oven", mandate: [], members: [cy.id] })).key
    const record = "ab".repeat(32)
    const oven = c.act(ada, Economy.addResource({ name: "Bread oven", unit: "firing", quantity: 0, registered: record }))
    const byAda = c.act(ada, Economy.produce(oven.key, 1))
    const byCy = c.act(cy, Economy.produce(oven.key, 2))
    const byBo = c.act(bo, Economy.consume(oven.key, 1))
    const hand = c.act(bo, Economy.handOver(oven.key, ada.id))
    const stewards = c.decide(Economy.stewards(oven.key, [ada.id]))
    const r = c.replica()
    expect([oven, byAda, byCy, byBo, hand].map((e) => tagOf(r, e))).toEqual(["Applied", "NotSteward", "Applied", "Applied", "Registered"])
    expect(tagOf(r, stewards)).toBe("Applied, resource.stewards Registered")
    expect(economy(r).resources[oven.key]).toMatchObject({ quantity: 1, registered: record, custodian: bo.id, stewards: [group, "community"].sort() })
  })

  it("without administration, a resource cannot claim to be registered", () => {
    const c = new World()
    const e = c.act(ada, Economy.addResource({ name: "Bread oven", unit: "piece", quantity: 1, registered: "ab".repeat(32) }))
    expect(tagOf(c.replica(), e)).toBe("UnknownResource")
  })
})
