import { describe, expect, it } from "vitest"
import fc from "fast-check"
import * as Defense from "@affinity/defense"
import * as Economy from "@affinity/economy"
import * as Governance from "@affinity/governance"
import * as Justice from "@affinity/justice"
import { ada, bo, cy, DAY, dee, eli, HOUR, people, tagOf, World } from "./support/world.ts"

const members = ["a", "b", "c", "d", "e", "f"]
const arbVotes = fc.array(
  fc.record({ member: fc.constantFrom(...members), option: fc.constantFrom(...Justice.OPTIONS), round: fc.integer({ min: 0, max: 1 }) }),
  { maxLength: 30 }
)
const asVotes = (xs: ReadonlyArray<{ member: string; option: Justice.Option; round: number }>): ReadonlyArray<Justice.Vote> =>
  xs.map((x, i) => ({ ...x, key: String(i), at: i }))

describe("properties", () => {
  it("the tally: the choice has the most votes, a tie is further discussion, and only the frozen electorate counts", () => {
    fc.assert(
      fc.property(arbVotes, fc.subarray(members), fc.subarray(members), (xs, electorate, left) => {
        const votes = asVotes(xs)
        const stays = (v: Justice.Vote) => !left.includes(v.member)
        const t = Justice.Tally.count(votes, electorate, 0, stays)
        const latest = new Map<string, Justice.Option>()
        for (const v of votes) if (v.round === 0 && electorate.includes(v.member) && stays(v)) latest.set(v.member, v.option)
        expect(t.voters).toEqual([...latest.keys()].sort())
        expect(t.counts.reduce((s, c) => s + c.votes, 0)).toBe(latest.size)
        if (latest.size === 0) {
          expect(t.choice).toBeNull()
          return
        }
        const top = Math.max(...t.counts.map((c) => c.votes))
        const leaders = t.counts.filter((c) => c.votes === top)
        expect(t.choice).toBe(leaders.length > 1 ? "discussion" : leaders[0]!.option)
        // Votes from outside the electorate, and by those who left, change nothing.
        const extra = asVotes([...xs, { member: "outsider", option: "removal", round: 0 }])
        expect(Justice.Tally.count(extra, electorate, 0, stays)).toEqual(t)
      })
    )
  })

  it("a panel never seats someone excluded, and does not depend on the order candidates are listed in", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[0-9a-f]{64}$/), { minLength: 0, maxLength: 12 }), fc.nat(), fc.integer({ min: 1, max: 9 }), (ids, cut, size) => {
        const excluded = ids.slice(0, ids.length === 0 ? 0 : cut % ids.length)
        const seed = Justice.Panel.seedOf("", "ab".repeat(32))
        const panel = Justice.Panel.draw(seed, ids, excluded, size)
        for (const x of excluded) expect(panel).not.toContain(x)
        expect(panel.length).toBe(Math.min(size, ids.length - excluded.length))
        expect(Justice.Panel.draw(seed, [...ids].reverse(), excluded, size)).toEqual(panel)
      })
    )
  })

  it("a fact opens one case: members opening on one overdue review concurrently, in any delivery order, open exactly one", () => {
    fc.assert(
      fc.property(fc.subarray([...people], { minLength: 1 }), fc.nat(), (openers, rotate) => {
        const w = new World()
        w.modules = [Governance.module, Justice.module, Defense.module, Economy.module]
        const group = w.decide([Governance.createGroup({ name: "Night watch", purpose: "respond to attacks", mandate: ["defense/restrict"], members: [cy.id, dee.id] })])
        const mandate = w.decide([Defense.grantMandate({ group: group.key }, { scope: ["restrict"], expires: w.now() + DAY, reason: "a bot wave" })])
        w.witness(w.now() + 16 * DAY)
        const base = w.heads()
        const opened = openers.map((k) => w.send(k, Justice.open({ mandate: mandate.key }), { parents: base }))
        const n = w.events.length - 1
        const shift = 1 + (rotate % n)
        const order = [w.events[0]!, ...w.events.slice(shift), ...w.events.slice(1, shift)]
        const states = [w.replica(), w.replica(order), w.replica([w.events[0]!, ...w.events.slice(1).reverse()])]
        for (const r of states) {
          const cases = Object.values(w.justice(r).cases)
          expect(cases).toHaveLength(1)
          expect(cases[0]!.fact).toEqual({ mandate: mandate.key })
          expect(opened.map((e) => tagOf(r, e)).filter((t) => t === "Applied")).toHaveLength(1)
          expect(r.stateHashHex()).toBe(states[0]!.stateHashHex())
        }
      }),
      { numRuns: 8 }
    )
  })

  it("a restriction always expires: every kept restriction ends after its decision and within the community's maximum", () => {
    fc.assert(
      fc.property(fc.integer({ min: -2, max: 120 }), fc.integer({ min: 1, max: 120 }), (days, maxDays) => {
        const w = new World()
        const first = w.send(ada, Justice.file({ about: { member: bo.id }, weight: "community" }))
        for (const k of [ada, cy, dee, eli]) w.send(k, Justice.vote(first.key, "correction"))
        w.decide([Justice.params({ maxDays }), Justice.decide({ case: first.key, option: "correction", reason: "first" })])
        const second = w.send(cy, Justice.file({ about: { member: bo.id }, weight: "community" }))
        for (const k of [ada, cy, dee, eli]) w.send(k, Justice.vote(second.key, "warning"))
        // The decision's community time is its deadline, an hour from now: `until` is half an hour past `days` days after it.
        const until = w.now() + HOUR + days * DAY + HOUR / 2
        const close = w.decide([Justice.decide({ case: second.key, option: "warning", reason: "no new proposals", scope: { module: "governance" }, until })])
        const r = w.replica()
        const kept = Object.values(w.justice(r).restrictions)
        const fits = days >= 0 && days < maxDays
        expect(tagOf(r, close)).toBe(fits ? "Applied; justice/case.decide Applied" : `Applied; justice/case.decide ${days < 0 ? "ExpiryInThePast" : "ExpiryTooLong"}`)
        for (const k of kept) {
          expect(k.until).toBeGreaterThan(k.at)
          expect(k.until).toBeLessThanOrEqual(k.at + maxDays * DAY)
        }
        expect(kept.length).toBe(fits ? 1 : 0)
      }),
      { numRuns: 12, examples: [[0, 5], [4, 5], [5, 5], [-1, 5], [90, 90]] }
    )
  })
})
