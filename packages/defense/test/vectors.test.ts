import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { Bytes, Event, Replica, Signature } from "@affinity/core"
import * as Governance from "@affinity/governance"
import * as Defense from "@affinity/defense"

/** `conformance/vectors/defense.json`, written by `conformance/defense/generate.ts`. */
interface Vectors {
  readonly scenarios: ReadonlyArray<{
    readonly name: string
    readonly genesis: string
    readonly events: ReadonlyArray<{ readonly label: string; readonly id: string; readonly wire: string }>
    readonly expected: {
      readonly outcomes: ReadonlyArray<{ readonly label: string; readonly outcome: string }>
      readonly defense: {
        readonly restrictions: ReadonlyArray<{ readonly subject: string; readonly lifted: boolean }>
        readonly changes: ReadonlyArray<{ readonly effect: string }>
        readonly freezes: ReadonlyArray<{ readonly from: number; readonly until: number }>
        readonly mandates: ReadonlyArray<{ readonly renewals: ReadonlyArray<number> }>
      }
      readonly stateHash: string
    }
  }>
  readonly feed: { readonly publisher: string; readonly unsigned: string; readonly message: string; readonly signed: string; readonly valid: boolean }
  readonly safety: ReadonlyArray<{ readonly a: string; readonly b: string; readonly number: string; readonly qr: string }>
}

const file = join(import.meta.dirname, "..", "..", "..", "conformance", "vectors", "defense.json")
const text = readFileSync(file, "utf8")
const vectors = JSON.parse(text) as Vectors
const unhex = (h: string) => Bytes.fromHex(h)!

const decode = (wire: string): Event.Event => {
  const d = Event.decode(unhex(wire))
  if (!d.ok) throw new Error(d.error.message)
  return d.event
}

const outcomeText = (o: Replica.Outcome | undefined): string =>
  o === undefined ? "missing" : o._tag === "Rejected" ? o.reason._tag : ["Applied", ...o.actions.map((a) => `${a.module}/${a.type} ${a._tag === "Applied" ? "Applied" : a.reason._tag}`)].join("; ")

const replay = (genesis: string, events: ReadonlyArray<Event.Event>): Replica.Replica => {
  const opened = Replica.Replica.open(decode(genesis), { modules: [Governance.module, Defense.module] })
  if (!opened.ok) throw new Error(opened.error.message)
  opened.replica.ingest(events)
  return opened.replica
}

describe("conformance/vectors/defense.json", () => {
  it("is what the generator writes", async () => {
    const generator = new URL("../../../conformance/defense/generate.ts", import.meta.url).href
    const { generate } = (await import(/* @vite-ignore */ generator)) as { readonly generate: () => string }
    expect(generate()).toBe(text)
  })

  for (const s of vectors.scenarios)
    it(`scenario ${s.name}: every outcome, the defense state and the state hash, in order and in reverse`, () => {
      const events = s.events.map((e) => decode(e.wire))
      expect(events.map((e) => e.key)).toEqual(s.events.map((e) => e.id))
      for (const order of [events, [...events].reverse()]) {
        const r = replay(s.genesis, order)
        expect(s.events.map((e) => ({ label: e.label, outcome: outcomeText(r.outcome(e.id)) }))).toEqual(s.expected.outcomes)
        expect(r.stateHashHex()).toBe(s.expected.stateHash)
        const state = r.state<Defense.State>("defense")
        expect(Object.values(state.restrictions).map((x) => x.lifted !== null)).toEqual(s.expected.defense.restrictions.map((x) => x.lifted))
        expect(state.changes.map((c) => c.effect)).toEqual(s.expected.defense.changes.map((c) => c.effect))
        expect(Object.values(state.freezes).map((f) => [f.at, f.until])).toEqual(s.expected.defense.freezes.map((f) => [f.from, f.until]))
        expect(Object.values(state.mandates).map((m) => m.renewals.map((x) => x.expires))).toEqual(s.expected.defense.mandates.map((m) => m.renewals))
      }
    })

  it("a signed export: its bytes, the message signed and the verdict", () => {
    const f = vectors.feed
    const opened = Defense.Feed.open(unhex(f.signed))
    expect(opened.ok).toBe(true)
    if (!opened.ok) return
    expect(Bytes.toHex(opened.value.bytes)).toBe(f.unsigned)
    expect(Bytes.toHex(Defense.Feed.unsigned(opened.value))).toBe(f.unsigned)
    expect(Bytes.toHex(Defense.Feed.message(opened.value.bytes))).toBe(f.message)
    expect(Signature.verify(unhex(f.publisher), unhex(f.message), opened.value.sig)).toBe(f.valid)
    expect(Defense.Feed.verify(opened.value, [f.publisher])).toBe(true)
    expect(Defense.Feed.verify(opened.value, ["00".repeat(32)])).toBe(false)
  })

  it("safety numbers", () => {
    for (const v of vectors.safety) {
      expect(Defense.SafetyNumber.of(v.a, v.b)).toBe(v.number)
      expect(Defense.SafetyNumber.qr(v.b, v.a)).toBe(v.qr)
    }
  })
})
