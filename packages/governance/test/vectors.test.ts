import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { Bytes, Event, type Module, Replica } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { bans } from "./support/bans.ts"
import { garden } from "./support/garden.ts"
import { skills } from "./support/skills.ts"

/** `conformance/vectors/governance.json`, written by `conformance/governance/generate.ts`. */
interface Vectors {
  readonly scenarios: ReadonlyArray<{
    readonly name: string
    /** Test modules the scenario runs besides core and governance, specified in `testModules`. */
    readonly modules?: ReadonlyArray<string>
    readonly genesis: string
    readonly events: ReadonlyArray<{ readonly label: string; readonly id: string; readonly wire: string }>
    readonly expected: {
      readonly outcomes: ReadonlyArray<{ readonly label: string; readonly outcome: string }>
      readonly proposals: ReadonlyArray<{ readonly id: string; readonly status: string; readonly rule?: string; readonly version?: number; readonly tally?: unknown; readonly stances?: ReadonlyArray<{ readonly stance: string; readonly reason: string | null }>; readonly actions?: ReadonlyArray<string> }>
      readonly terms: ReadonlyArray<{
        readonly term: number
        readonly seed: string
        /** Keys of every draw of the term that passed the checks, sorted. */
        readonly draws: ReadonlyArray<string>
        readonly reveals: ReadonlyArray<{ readonly value: string }>
        readonly withheld: ReadonlyArray<string>
        readonly groups: {
          readonly [g: string]: {
            readonly ranking: ReadonlyArray<{ readonly score: string }>
            readonly seated: ReadonlyArray<string>
            /** Full members, not excluded, whom standing stopped from the group's seat at the draw (§8, G8). */
            readonly restricted?: ReadonlyArray<{ readonly member: string; readonly identity: string }>
          }
        }
      }>
      /** The `core` state's community parameters at the end, for scenarios that change them (§9). */
      readonly communityParams?: unknown
      readonly stateHash: string
    }
  }>
  readonly testModules: { readonly [name: string]: string }
  readonly lot: {
    readonly onions: ReadonlyArray<{ readonly secret: string; readonly layers: number; readonly anchor: string; readonly reveals: ReadonlyArray<string> }>
    readonly seeds: ReadonlyArray<{
      readonly community: string
      readonly term: number
      readonly reveals: ReadonlyArray<string>
      readonly seed: string
      readonly group: string
      readonly eligible: ReadonlyArray<string>
      readonly ranking: ReadonlyArray<{ readonly identity: string; readonly score: string }>
    }>
  }
}

const file = join(import.meta.dirname, "..", "..", "..", "conformance", "vectors", "governance.json")
const vectors = JSON.parse(readFileSync(file, "utf8")) as Vectors
const unhex = (h: string) => Bytes.fromHex(h)!

/** This SDK's build of each test module the vectors specify. */
const testModules: { readonly [name: string]: Module.Module } = { skills, bans, garden }

const decode = (wire: string): Event.Event => {
  const d = Event.decode(unhex(wire))
  if (!d.ok) throw new Error(d.error.message)
  return d.event
}

const outcomeText = (o: Replica.Outcome | undefined): string =>
  !o
    ? "missing"
    : o._tag === "Rejected"
      ? o.reason._tag
      : ["Applied", ...o.actions.map((a) => `${a.module}/${a.type} ${a._tag === "Applied" ? "Applied" : a.reason._tag}`)].join("; ")

describe("governance conformance vectors", () => {
  it("has scenarios and lot vectors", () => {
    expect(vectors.scenarios.length).toBeGreaterThanOrEqual(8)
    expect(vectors.lot.seeds.length).toBeGreaterThan(0)
  })

  for (const s of vectors.scenarios) {
    it(s.name, () => {
      const events = s.events.map((e) => decode(e.wire))
      const extra = (s.modules ?? []).map((name) => {
        expect(vectors.testModules[name], `testModules.${name}`).toBeTypeOf("string")
        return testModules[name]!
      })
      for (const order of [events, [...events].reverse()]) {
        const opened = Replica.Replica.open(decode(s.genesis), { modules: [Governance.module, ...extra] })
        if (!opened.ok) throw new Error(opened.error.message)
        const r = opened.replica
        for (const e of order) r.ingest([e])
        expect(s.events.map((e) => ({ label: e.label, outcome: outcomeText(r.outcome(e.id)) }))).toEqual(s.expected.outcomes)
        expect(r.stateHashHex()).toBe(s.expected.stateHash)
        if (s.expected.communityParams !== undefined) expect(r.core.community.params).toEqual(s.expected.communityParams)
        const state = r.state<Governance.State>(Governance.module)
        for (const p of s.expected.proposals) {
          const got = state.proposals[p.id]!
          expect(got.status).toBe(p.status)
          if (p.rule !== undefined) {
            expect(got.decision).toMatchObject({ rule: p.rule, version: p.version, tally: p.tally })
            expect(got.decision!.stances.map((x) => ({ stance: x.stance, reason: x.reason }))).toEqual(p.stances!.map((x) => ({ stance: x.stance, reason: x.reason })))
            // A decision that does several things lists them, in order; the others carry one action or none.
            const carried = Governance.actionsOf(got.decision!).map((a) => `${a.module}/${a.type}`)
            if (p.actions !== undefined) expect(carried).toEqual(p.actions)
            else expect(carried.length).toBeLessThanOrEqual(1)
          }
        }
        for (const t of s.expected.terms) {
          const got = state.terms[String(t.term)]!
          expect(got.seed).toBe(t.seed)
          expect(got.draws).toEqual(t.draws)
          expect(got.reveals.map((x) => x.value)).toEqual(t.reveals.map((x) => x.value))
          expect(got.withheld).toHaveLength(t.withheld.length)
          // The term drew exactly the groups the vector lists: the seed's six and each test module's that sets `prime`.
          expect(Object.keys(got.groups).sort()).toEqual(Object.keys(t.groups).sort())
          expect(Governance.primeGroups(state, t.term)).toEqual(Object.keys(t.groups).sort())
          for (const g of Object.keys(t.groups)) {
            const want = t.groups[g]!
            const ranked = got.groups[g]!.ranked
            // The recorded ranking, in order, with the scores the rule gives it.
            const scored = got.term === 0 ? [] : Governance.Lot.rank(unhex(got.seed), g, ranked)
            expect(scored.map((x) => x.identity)).toEqual(ranked)
            expect(scored.map((x) => x.score)).toEqual(want.ranking.map((x) => x.score))
            // Members standing stopped from the seat were full and not excluded, and are not ranked.
            for (const m of want.restricted ?? []) {
              expect(got.full).toContain(m.identity)
              expect(got.groups[g]!.excluded).not.toContain(m.identity)
              expect(ranked).not.toContain(m.identity)
            }
            if (want.restricted === undefined) {
              const explained = Governance.explainDraw(state, t.term, g)!
              expect(explained.candidates.filter((c) => c.score !== null).map((c) => c.score)).toEqual(want.ranking.map((x) => x.score))
            }
            expect(Governance.Records.seats(state, t.term, g)).toHaveLength(want.seated.length)
          }
        }
      }
    })
  }

  it("onions, seeds and rankings", () => {
    for (const o of vectors.lot.onions) {
      expect(Bytes.toHex(Governance.Lot.anchor(unhex(o.secret), o.layers))).toBe(o.anchor)
      o.reveals.forEach((v, i) => {
        expect(Bytes.toHex(Governance.Lot.layer(unhex(o.secret), o.layers, i + 1))).toBe(v)
        expect(Governance.Lot.verifyLayer(unhex(v), unhex(i === 0 ? o.anchor : o.reveals[i - 1]!))).toBe(true)
      })
    }
    for (const v of vectors.lot.seeds) {
      const seed = Governance.Lot.seed(unhex(v.community), v.term, v.reveals.map(unhex))
      expect(Bytes.toHex(seed)).toBe(v.seed)
      expect(Governance.Lot.rank(seed, v.group, v.eligible)).toEqual(v.ranking)
    }
  })
})
