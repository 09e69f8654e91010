import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { Module } from "@affinity/core"
import * as Governance from "@affinity/governance"
import * as Administration from "@affinity/administration"
import { ada, bo, cy, DAY, decide, outcome, stateOf, world } from "./support/world.ts"

const genesis = { community: "00".repeat(32), name: "c", founders: [], time: 0, params: { timeWitnesses: 2, primeSize: 3, primeTerm: 14 * DAY, quorumPercent: 50 } }
const member = (n: number) => n.toString(16).padStart(2, "0").repeat(32)

describe("administration properties", () => {
  it("a holding always expires: whatever grants and vouches there are, none holds once the last of them has ended", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ kind: fc.constantFrom("decision" as const, "vouch" as const, "renewal" as const), by: fc.integer({ min: 1, max: 4 }), at: fc.integer({ min: 0, max: 400 }), days: fc.integer({ min: 1, max: 400 }) }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 900 }),
        (grants, k, probe) => {
          // The state as the fold has it at a time: the grants given up to then.
          const stateAt = (time: number): Administration.State => ({
            ...Administration.init(genesis),
            definitions: [{ id: "q", name: "Q", criteria: "c", grantedBy: "vouches", vouches: k, probationDays: 0, expiryDays: 365, key: "d", at: 0, by: "community" }],
            grants: grants
              .map((g, i) => ({ key: `g${i}`, qualification: "q", member: member(9), kind: g.kind, by: g.kind === "vouch" ? member(g.by) : "community", at: g.at * DAY, until: (g.at + g.days) * DAY, evidence: "", ended: null }))
              .filter((g) => g.at <= time)
          })
          const last = Math.max(0, ...grants.map((g) => (g.at + g.days) * DAY))
          expect(Administration.holds(stateAt(last), member(9), "q", Administration.Records.now(stateAt(last), last))).toBe(false)
          const state = stateAt(probe * DAY)
          const h = Administration.holding(state, member(9), "q", Administration.Records.now(state, probe * DAY))
          if (h.holds) {
            expect(h.until!).toBeGreaterThan(probe * DAY)
            expect(h.since!).toBeLessThanOrEqual(probe * DAY)
          }
          // Vouches alone hold only with k distinct vouchers in force.
          const live = new Set(grants.filter((g) => g.kind === "vouch" && g.at <= probe && probe < g.at + g.days).map((g) => g.by))
          const granted = grants.some((g) => g.kind !== "vouch" && g.at <= probe && probe < g.at + g.days)
          expect(h.holds).toBe(granted || live.size >= k)
        }
      ),
      { numRuns: 300, seed: 16 }
    )
  })

  it("a lot ranks exactly the pool, whatever order it is given in, and the ranking depends on the seed, not on who asks", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 12 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 0, max: 5 }), (ids, seedBytes, round) => {
        const seed = Buffer.from(seedBytes).toString("hex")
        const pool = ids.map(member)
        const ranked = Administration.Assignments.rank(seed, member(7), "cook", round, pool)
        expect([...ranked].sort()).toEqual([...pool].sort())
        expect(Administration.Assignments.rank(seed, member(7), "cook", round, [...pool].reverse())).toEqual(ranked)
      }),
      { numRuns: 200, seed: 16 }
    )
  })

  it("a freeze always starts at the first cycle boundary after the request, never at once", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 365 }), fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 12 }), (cycleDays, hours, cycles) => {
        const base = Administration.init(genesis)
        const state: Administration.State = { ...base, rules: [{ key: "r", at: 0, by: "community", rules: { ...Administration.DEFAULT_RULES, cycleDays } }] }
        const now = hours * 3_600_000
        // The context of a member's event at community time `now` that has seen the rules.
        const ctx = { key: "e", identity: member(9), communityTime: now, happenedBefore: () => true } as unknown as Module.EventContext
        const after = Administration.module.events["freeze"]!.apply(state, { cycles }, ctx).state as Administration.State
        const f = after.freezes[0]!
        const length = cycleDays * DAY
        expect(f.from).toBeGreaterThan(now)
        expect(f.from - now).toBeLessThanOrEqual(length)
        expect(f.from % length).toBe(0)
        expect(f.until - f.from).toBe(cycles * length)
      }),
      { numRuns: 200, seed: 16 }
    )
  })

  it("caps hold whatever is assigned: nobody ever holds more roles or hours in a cycle than the rules allow", () => {
    const people = [ada, bo, cy]
    fc.assert(
      fc.property(
        fc.array(fc.record({ who: fc.integer({ min: 0, max: 2 }), group: fc.integer({ min: 0, max: 3 }), hours: fc.integer({ min: 0, max: 6 }) }), { minLength: 1, maxLength: 6 }),
        (asks) => {
          const c = world()
          const rules = decide(c, [Administration.setRules({ roleCap: 2, hoursPerCycle: 8 })])
          const ids = ["A", "B", "C", "D"].map((n) => decide(c, [Governance.createGroup({ name: n, purpose: n, mandate: ["administration/assign"], members: [] })]).key)
          const r0 = c.replica()
          expect(outcome(r0, rules)).toBe("Applied; administration/rules.set Applied")
          expect(Object.keys(r0.state<Governance.State>("governance").groups).length).toBe(4)
          for (const a of asks) decide(c, [Administration.assign({ group: ids[a.group]!, role: `role ${a.group}`, member: people[a.who]!.id, hours: a.hours })])
          const r = c.replica()
          const s = stateOf(r)
          for (const p of people) {
            const load = Administration.Records.load(s, p.id, Administration.Records.now(s, r.communityTime()))
            expect(load.roles).toBeLessThanOrEqual(2)
            expect(load.hours).toBeLessThanOrEqual(8)
          }
        }
      ),
      { numRuns: 15, seed: 16 }
    )
  })
})
