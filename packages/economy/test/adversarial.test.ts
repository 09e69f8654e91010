import { describe, expect, it } from "vitest"
import { Query } from "@affinity/core"
import * as Economy from "@affinity/economy"
import * as Governance from "@affinity/governance"
import { bans, impose } from "./support/bans.ts"
import { ada, ada2, balanceOf, bo, currency, cy, DAY, economy, T0, tagOf, World } from "./support/world.ts"

/** Ada adds her phone as a second device, after a currency with a limit of 100 and an offline allowance. */
const twoDevices = (allowance: number) => {
  const c = new World()
  c.decide(currency({ creditLimit: 100, offlineAllowance: allowance }))
  c.add(ada, "core", "device.add", c.deviceAdd(ada, ada2))
  return c
}

describe("double spends, forks, races and restrictions", () => {
  it("a double spend through two devices: the receivers keep what they got, the overshoot is owed to the commons, the account freezes", () => {
    const c = twoDevices(50)
    const base = c.heads()
    // Offline on two devices, Ada spends her whole limit twice.
    const laptop = c.act(ada, Economy.pay(bo.id, 80, "bike"), { parents: base })
    const phone = c.act(ada2, Economy.pay(cy.id, 60, "tools"), { parents: base })
    const later = c.act(ada, Economy.pay(cy.id, 1, "after the sync"))
    for (const order of [c.events, [...c.events].reverse()]) {
      const r = c.replica(order)
      const tags = [tagOf(r, laptop), tagOf(r, phone)].sort()
      expect(tags).toEqual(["Applied", "Applied"])
      expect(tagOf(r, later)).toBe("Frozen")
      const s = economy(r)
      expect(balanceOf(s, bo)).toBe(80)
      expect(balanceOf(s, cy)).toBe(60)
      // 140 spent against a limit of 100: 40 overshoot, taken on by the commons and owed by Ada.
      expect(balanceOf(s, ada)).toBe(-100)
      expect(s.commons).toBe(-40)
      expect(s.accounts[ada.id]!.debt).toBe(40)
      expect(s.overshoots).toHaveLength(1)
      expect(s.overshoots[0]).toMatchObject({ payer: ada.id, amount: 40 })
      expect(Object.values(s.accounts).reduce((a, x) => a + x.balance, 0) + s.commons).toBe(0)
    }
    // Justice reads the overshoot through the query; a member repays and the freeze lifts.
    const r = c.replica()
    const s = economy(r)
    const o = s.overshoots[0]!
    expect(o.concurrent === laptop.key || o.concurrent === phone.key).toBe(true)
    c.act(bo, Economy.pay(ada.id, 50, "paid back"))
    const repay = c.act(ada, Economy.repay(40))
    const free = c.act(ada, Economy.pay(cy.id, 1))
    const r2 = c.replica()
    expect([tagOf(r2, repay), tagOf(r2, free)]).toEqual(["Applied", "Applied"])
    expect(economy(r2).accounts[ada.id]).toMatchObject({ debt: 0, frozen: null })
    expect(economy(r2).commons).toBe(0)
  })

  it("a double spend through two replicas: each device's replica accepts its own payment; when they meet, both agree", () => {
    const c = twoDevices(50)
    const base = c.heads()
    const shared = [...c.events]
    const laptop = c.act(ada, Economy.pay(bo.id, 80), { parents: base })
    const phone = c.act(ada2, Economy.pay(cy.id, 60), { parents: base })
    // Ada's laptop and Ada's phone, each holding only its own payment.
    const onLaptop = c.replica([...shared, laptop])
    const onPhone = c.replica([...shared, phone])
    expect(tagOf(onLaptop, laptop)).toBe("Applied")
    expect(tagOf(onPhone, phone)).toBe("Applied")
    expect(economy(onLaptop).overshoots).toHaveLength(0)
    expect(economy(onPhone).overshoots).toHaveLength(0)
    // They sync: the same state on both, with the overshoot recorded once.
    onLaptop.ingest([phone])
    onPhone.ingest([laptop])
    expect(onLaptop.stateHashHex()).toBe(onPhone.stateHashHex())
    expect([tagOf(onLaptop, laptop), tagOf(onLaptop, phone)]).toEqual(["Applied", "Applied"])
    expect(economy(onLaptop).overshoots).toEqual([expect.objectContaining({ payer: ada.id, amount: 40 })])
    expect(economy(onLaptop).accounts[ada.id]!.frozen).not.toBeNull()
  })

  it("a concurrent overshoot beyond the day's offline allowance is refused", () => {
    const c = twoDevices(10)
    const base = c.heads()
    const laptop = c.act(ada, Economy.pay(bo.id, 80), { parents: base })
    const phone = c.act(ada2, Economy.pay(cy.id, 60), { parents: base })
    const r = c.replica()
    expect([tagOf(r, laptop), tagOf(r, phone)].sort()).toEqual(["Applied", "OverAllowance"])
    expect(economy(r).overshoots).toHaveLength(0)
  })

  it("one device that forks its own chain loses both branches: the kernel refuses a forked key's events", () => {
    const c = twoDevices(50)
    const base = c.heads()
    const tip = c.events[c.events.length - 1]!
    const seq = (c.events.filter((e) => e.header.author.every((b, i) => b === ada.publicKey[i])).length) + 1
    const a = c.act(ada, Economy.pay(bo.id, 80), { parents: base, seq })
    const b = c.act(ada, Economy.pay(cy.id, 60), { parents: base, seq, prev: c.events.filter((e) => e.key !== a.key).reverse().find((e) => e.header.author.every((x, i) => x === ada.publicKey[i])) ?? tip })
    const r = c.replica()
    expect([tagOf(r, a), tagOf(r, b)]).toEqual(["Equivocated", "Equivocated"])
    expect(balanceOf(economy(r), ada)).toBe(0)
  })

  it("a payment concurrent with a lower limit is judged by the limit it had seen", () => {
    const c = new World()
    c.decide(currency({ creditLimit: 100 }))
    const before = c.heads()
    // Ada and Bo decide to lower Cy's limit while Cy, offline, pays on what she had seen.
    const lower = c.decide(Economy.setLimit(cy.id, 20), { voters: [ada, bo] })
    const concurrent = c.act(cy, Economy.pay(bo.id, 90), { parents: before })
    const after = c.act(cy, Economy.pay(bo.id, 5))
    for (const order of [c.events, [...c.events].reverse()]) {
      const r = c.replica(order)
      expect(tagOf(r, lower)).toBe("Applied, account.limit Applied")
      expect(tagOf(r, concurrent)).toBe("Applied")
      // Past the new limit, Cy can pay nothing more.
      expect(tagOf(r, after)).toBe("OverLimit")
      expect(economy(r).overshoots).toHaveLength(0)
    }
  })

  it("a restricted member cannot pay; the restriction is a strong fact for payments it had not seen", () => {
    const c = new World()
    c.modules = [bans]
    c.decide(currency())
    const before = c.heads()
    const ban = c.decide(impose(ada.id, "economy", ["pay"]))
    const concurrent = c.act(ada, Economy.pay(bo.id, 10), { parents: before })
    const after = c.act(ada, Economy.pay(bo.id, 10))
    const ask = c.act(ada, Economy.request(bo.id, 10))
    const r = c.replica()
    expect(tagOf(r, ban)).toBe("Applied, impose Applied")
    expect([tagOf(r, concurrent), tagOf(r, after), tagOf(r, ask)]).toEqual(["Restricted", "Restricted", "Applied"])
    expect(balanceOf(economy(r), bo)).toBe(0)
  })

  it("bad bodies and acts without authority change nothing", () => {
    const c = new World()
    c.decide(currency())
    const bad = [
      c.add(ada, "economy", "pay", { to: bo.publicKey, amount: 0, note: "" }),
      c.add(ada, "economy", "pay", { to: bo.publicKey, amount: -1, note: "" }),
      c.add(ada, "economy", "pay", { to: bo.publicKey, amount: 1, note: "", extra: 1 }),
      c.add(ada, "economy", "pay", { to: new Uint8Array(3), amount: 1, note: "" }),
      c.add(ada, "economy", "policy.set", {})
    ]
    const direct = [c.act(ada, Economy.setPolicy({ demurrage: 0 })), c.act(ada, Economy.fund(undefined, 5)), c.act(ada, Economy.unfreeze(bo.id, "because"))]
    const carried = c.decide(Economy.pay(bo.id, 5))
    const stranger = c.act(ada, Economy.pay(Governance.HOUR.toString(16).padStart(64, "0"), 5))
    const r = c.replica()
    expect(bad.map((e) => tagOf(r, e))).toEqual(["InvalidBody", "InvalidBody", "InvalidBody", "InvalidBody", "InvalidBody"])
    expect(direct.map((e) => tagOf(r, e))).toEqual(["NeedsDecision", "NeedsDecision", "NeedsDecision"])
    expect(tagOf(r, carried)).toBe("Applied, pay NotAnAction")
    expect(tagOf(r, stranger)).toBe("NotAMember")
    expect(Economy.Records.ledger(economy(r))).toHaveLength(0)
  })

  it("answers overshoots, balances and concentration to other modules, on the asking event's past", () => {
    const c = twoDevices(50)
    const base = c.heads()
    c.act(ada, Economy.pay(bo.id, 80), { parents: base })
    c.act(ada2, Economy.pay(cy.id, 60), { parents: base })
    c.at(T0 + DAY)
    const r = c.replica()
    const q = Economy.module.queries!
    const s = economy(r)
    const ctx = { key: "ff".repeat(32), happenedBefore: () => true, communityTime: T0 + DAY } as unknown as Parameters<Query.Query<Economy.State>["answer"]>[2]
    expect(q.overshoots!.answer(s, {}, ctx)).toEqual([expect.objectContaining({ payer: ada.id, amount: 40, owed: 40 })])
    const none = { ...ctx, happenedBefore: () => false } as typeof ctx
    expect(q.overshoots!.answer(s, {}, none)).toEqual([])
    expect(q.balance!.answer(s, { identity: ada.id }, ctx)).toMatchObject({ balance: -100, credit: 100, debt: 40, frozen: true })
    expect(q.concentration!.answer(s, {}, ctx)).toMatchObject({ holders: 3, top10: ["4", "7"] })
    expect(q.overshoots!.decode({ identity: "nope" }).ok).toBe(false)
  })
})
