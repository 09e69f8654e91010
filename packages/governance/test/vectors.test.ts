import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { Bytes, Event, type Module, Replica } from "@affinity/core"
import * as Governance from "@affinity/governance"
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
        readonly groups: { readonly [g: string]: { readonly ranking: ReadonlyArray<{ readonly score: string }>; readonly seated: ReadonlyArray<string> } }
      }>
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
const testModules: { readonly [name: string]: Module.Module } = { skills }

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
          for (const g of Governance.PRIME_GROUPS) {
            const explained = Governance.explainDraw(state, t.term, g)!
            expect(explained.candidates.filter((c) => c.score !== null).map((c) => c.score)).toEqual(t.groups[g]!.ranking.map((x) => x.score))
            expect(Governance.Records.seats(state, t.term, g)).toHaveLength(t.groups[g]!.seated.length)
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
