import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { Bytes, Event, Replica } from "@affinity/core"
import type { Module } from "@affinity/core"
import * as Defense from "@affinity/defense"
import * as Economy from "@affinity/economy"
import * as Governance from "@affinity/governance"
import * as Justice from "@affinity/justice"

/** `conformance/vectors/justice.json`, written by `conformance/justice/generate.ts`. */
interface Vectors {
  readonly scenarios: ReadonlyArray<{
    readonly name: string
    readonly modules: ReadonlyArray<string>
    readonly genesis: string
    readonly events: ReadonlyArray<{ readonly label: string; readonly id: string; readonly wire: string }>
    readonly expected: {
      readonly outcomes: ReadonlyArray<{ readonly label: string; readonly outcome: string }>
      readonly cases: ReadonlyArray<{ readonly id: string; readonly kind: string; readonly status: string; readonly about: unknown; readonly respondents: ReadonlyArray<string>; readonly electorate: ReadonlyArray<string>; readonly handlers: ReadonlyArray<string>; readonly repair: string | null; readonly round: number; readonly decisions: ReadonlyArray<string> }>
      readonly restrictions: ReadonlyArray<{ readonly key: string; readonly subject: string; readonly rung: string; readonly scope: unknown; readonly until: number; readonly by: string; readonly deciders: ReadonlyArray<string>; readonly ended: string | null }>
      readonly appeals: ReadonlyArray<{ readonly key: string; readonly restriction: string; readonly lotSeed: string; readonly seed: string; readonly panel: ReadonlyArray<string>; readonly decided: string | null }>
      readonly stateHash: string
    }
  }>
}

const file = join(import.meta.dirname, "..", "..", "..", "conformance", "vectors", "justice.json")
const vectors = JSON.parse(readFileSync(file, "utf8")) as Vectors
const unhex = (h: string) => Bytes.fromHex(h)!

/** The modules a scenario may list, by name. */
const known: { readonly [name: string]: Module.Module } = { defense: Defense.module, economy: Economy.module, governance: Governance.module, justice: Justice.module }

const decode = (wire: string): Event.Event => {
  const d = Event.decode(unhex(wire))
  if (!d.ok) throw new Error(d.error.message)
  return d.event
}

const outcomeText = (o: Replica.Outcome | undefined): string =>
  !o ? "missing" : o._tag === "Rejected" ? o.reason._tag : ["Applied", ...o.actions.map((a) => `${a.module}/${a.type} ${a._tag === "Applied" ? "Applied" : a.reason._tag}`)].join("; ")

/** A fixed shuffle: every third event first, then the rest (pending events wait for their parents). */
const shuffled = <T>(xs: ReadonlyArray<T>): ReadonlyArray<T> => [...xs.filter((_, i) => i % 3 === 2), ...xs.filter((_, i) => i % 3 !== 2).reverse()]

describe("justice conformance vectors", () => {
  it("has its scenarios", () => {
    expect(vectors.scenarios.map((s) => s.name)).toEqual([
      "a grievance repaired in a circle",
      "a scoped restriction that stops one act and expires",
      "a review: frozen electorate, a tie back to discussion, a leaver's vote dropped",
      "an appeal heard by a panel drawn by lot",
      "a forked chain opens a case on its own",
      "cases opened on other modules' facts"
    ])
  })

  for (const s of vectors.scenarios) {
    it(s.name, () => {
      const events = s.events.map((e) => decode(e.wire))
      for (const order of [events, [...events].reverse(), shuffled(events)]) {
        const opened = Replica.Replica.open(decode(s.genesis), { modules: s.modules.map((m) => known[m]!) })
        if (!opened.ok) throw new Error(opened.error.message)
        const r = opened.replica
        for (const e of order) r.ingest([e])
        expect(s.events.map((e) => ({ label: e.label, outcome: outcomeText(r.outcome(e.id)) }))).toEqual(s.expected.outcomes)
        expect(r.stateHashHex()).toBe(s.expected.stateHash)
        const state = r.state<Justice.State>(Justice.module)
        for (const c of s.expected.cases) {
          const got = state.cases[c.id]!
          expect({ id: got.id, kind: got.kind, status: got.status, about: got.about, respondents: got.respondents, electorate: got.electorate, handlers: got.handlers, repair: got.repair?.stage ?? null, round: got.round, decisions: got.decisions.map((d) => d.option) }).toEqual(c)
        }
        for (const x of s.expected.restrictions) {
          const got = state.restrictions[x.key]!
          expect({ key: got.key, subject: got.subject, rung: got.rung, scope: got.scope, until: Justice.expiry(got), by: got.by, deciders: got.deciders, ended: got.ended?.why ?? null }).toEqual(x)
        }
        for (const a of s.expected.appeals) {
          const got = state.appeals[a.key]!
          // The seed and the panel follow from the rule: the lot's seed, the restriction, the exclusions.
          expect(got.seed).toBe(Justice.Panel.seedOf(a.lotSeed, a.restriction))
          expect(got.seed).toBe(a.seed)
          expect(got.panel).toEqual(a.panel)
          const r0 = state.restrictions[a.restriction]!
          for (const m of [...r0.deciders, ...Justice.parties(state.cases[r0.case]!)]) expect(got.panel).not.toContain(m)
          expect(got.decided?.verdict ?? null).toBe(a.decided)
        }
      }
    })
  }
})
