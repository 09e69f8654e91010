import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { Event, Module } from "@affinity/core"
import { testKey } from "@affinity/core/testing"
import { ada, bo, cy, DAY, Defense, HOUR, mallory, T0, World } from "./support/world.ts"

/** A context for calling the machine directly: a community decision at community time `time`. */
const decisionAt = (time: number, key: string): Module.EventContext => ({
  key,
  device: "00".repeat(32),
  identity: null,
  time,
  communityTime: time,
  params: { timeWitnesses: 2, primeSize: 3, primeTerm: 14 * DAY, quorumPercent: 50 },
  warrant: { _tag: "Decision", body: { _tag: "Community" }, decision: key },
  statusOf: () => undefined,
  fullMembers: () => [],
  happenedBefore: () => true,
  seenBefore: () => true,
  ask: () => ({ ok: false, refusal: { _tag: "UnknownModule", message: "none" } }),
  mayAct: () => undefined,
  primeModules: []
})

const empty = Defense.init({ community: "cc".repeat(32), name: "x", founders: [], params: decisionAt(0, "").params, time: T0 })

describe("properties", () => {
  it("every restriction ends: a decision can only make one that expires after it and within a year", () => {
    const restrict = Defense.module.events.restrict!
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 * 365 }), fc.option(fc.integer({ min: -10 * DAY, max: 500 * DAY })), (startDays, offset) => {
        const now = T0 + startDays * DAY
        const body = Defense.restrict({ key: mallory.publicKey }, { scope: ["join"], reason: "x", ...(offset === null ? {} : { expires: Math.max(0, now + offset) }) }).body
        const decoded = restrict.decode(body)
        expect(decoded.ok).toBe(true)
        if (!decoded.ok) return
        const ctx = decisionAt(now, "ab".repeat(32))
        if (restrict.validate(empty, decoded.value, ctx) !== undefined) return
        const next = restrict.apply(empty, decoded.value, ctx).state
        for (const r of Object.values(next.restrictions)) {
          expect(r.expires).toBeGreaterThan(r.at)
          expect(r.expires - r.at).toBeLessThanOrEqual(Defense.MAX_EXPIRY)
        }
      })
    )
  })

  it("an allied entry applies exactly when k distinct subscribed sources hold a live block on it", () => {
    const sources = ["a1", "b2", "c3", "d4"].map((s) => s.repeat(32))
    const listedArb = fc.array(
      fc.record({ source: fc.constantFrom(...sources), expires: fc.integer({ min: 0, max: 10 }), severity: fc.constantFrom("warn" as const, "block" as const), lifted: fc.boolean(), exempt: fc.boolean() }),
      { maxLength: 10 }
    )
    fc.assert(
      fc.property(listedArb, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 10 }), (entries, agree, now) => {
        const subject = { kind: "key" as const, id: mallory.id }
        const listed: Record<string, Defense.Listed> = {}
        entries.forEach((e, i) => {
          listed[`${e.source}/${i}`] = { ...e, entry: String(i), subject, scope: ["join"], reason: "r", evidence: "", date: 0, key: `k${i}`, at: 0, lifted: e.lifted ? { key: `l${i}`, at: 0 } : null }
        })
        const subscriptions = Object.fromEntries(sources.map((s) => [s, { source: s, name: s, publishers: [], key: "s", at: 0, last: 0, ended: null }]))
        const state: Defense.State = { ...empty, params: { ...empty.params, agree }, listed, subscriptions }
        const live = new Set(entries.filter((e) => e.severity === "block" && !e.lifted && !e.exempt && now < e.expires).map((e) => e.source))
        const got = Defense.Lists.agreement(state, subject, "join", { time: now })
        expect(got !== undefined).toBe(live.size >= agree)
        if (got) {
          expect(got.sources.length).toBe(live.size)
          expect(got.until).toBeGreaterThan(now)
        }
      })
    )
  })

  it("safety numbers do not depend on the order of the keys, and differ for another key", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 0, max: 31 }), (a, b, i) => {
        const n = Defense.SafetyNumber.of(a, b)
        expect(n).toMatch(/^\d{60}$/)
        expect(Defense.SafetyNumber.of(b, a)).toBe(n)
        const c = Uint8Array.from(a)
        c[i] = c[i]! ^ 1
        expect(Defense.SafetyNumber.of(c, b)).not.toBe(n)
      }),
      { numRuns: 6 }
    )
  })

  it("every delivery order of a concurrent history gives the same outcomes and state", () => {
    const pubA = testKey(81)
    const pubB = testKey(82)
    const hill = "a1".repeat(32)
    const lake = "b2".repeat(32)
    const entry = (id: string): Defense.Bodies.WireEntry => ({ seq: 1, op: "add", id, subject: { kind: "key", id: mallory.id }, scope: ["join"], severity: "block", reason: "scam", evidence: "", date: T0, expires: T0 + 60 * DAY })
    const w = new World()
    const base = w.heads()
    w.decide([Defense.subscribe(hill, "Hillside", [pubA.id]), Defense.subscribe(lake, "Lakeside", [pubB.id])])
    const subscribed = w.heads()
    w.send(bo, Defense.importList(Defense.Feed.sign({ source: hill, from: 1, entries: [entry("e1".repeat(32))] }, pubA.secret)), { parents: subscribed })
    w.send(cy, Defense.importList(Defense.Feed.sign({ source: lake, from: 1, entries: [entry("e2".repeat(32))] }, pubB.secret)), { parents: subscribed })
    w.join(mallory, { parents: subscribed })
    w.send(ada, Defense.freeze("payments", "phone stolen"), { parents: base })
    w.send(bo, Defense.freeze("payments", "phone stolen"))
    w.send(cy, Defense.freeze("payments", "late"), { parents: subscribed })
    w.decide(Defense.restrict({ relay: "wss://bad.example" }, { scope: ["sync"], reason: "tampering" }), { parents: base })
    w.at(w.time + 80 * HOUR)
    const events = w.events.slice(1)
    const fold = (order: ReadonlyArray<Event.Event>) => {
      const r = w.replica([])
      for (const e of order) r.ingest([e])
      const outcomes = events.map((e) => {
        const o = r.outcome(e.key)
        return o === undefined ? "missing" : o._tag === "Applied" ? `Applied ${o.actions.map((a) => a._tag).join(",")}` : o.reason._tag
      })
      return { hash: r.stateHashHex(), outcomes }
    }
    const reference = fold(events)
    expect(reference.outcomes).not.toContain("missing")
    fc.assert(
      fc.property(fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }), (order) => {
        expect(fold(order)).toEqual(reference)
      }),
      { numRuns: 15 }
    )
  })
})
