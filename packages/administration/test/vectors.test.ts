import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { Bytes, Event, Replica } from "@affinity/core"
import * as Governance from "@affinity/governance"
import * as Administration from "@affinity/administration"

/** `conformance/vectors/administration.json`, written by `conformance/administration/generate.ts`. */
interface Vectors {
  readonly scenarios: ReadonlyArray<{
    readonly name: string
    readonly genesis: string
    readonly events: ReadonlyArray<{ readonly label: string; readonly id: string; readonly wire: string }>
    readonly expected: {
      readonly outcomes: ReadonlyArray<{ readonly label: string; readonly outcome: string }>
      readonly lots?: ReadonlyArray<{ readonly group: string; readonly role: string; readonly term: number; readonly seed: string; readonly round: number; readonly ranking: ReadonlyArray<{ readonly identity: string; readonly score: string }>; readonly drawn: ReadonlyArray<string> }>
      readonly holders: { readonly [q: string]: ReadonlyArray<string> }
      readonly resources: ReadonlyArray<{ readonly name: string; readonly custodian: string; readonly stewards: ReadonlyArray<string>; readonly rules: string; readonly personal: boolean }>
      readonly stateHash: string
    }
  }>
}

const file = join(import.meta.dirname, "..", "..", "..", "conformance", "vectors", "administration.json")
const vectors = JSON.parse(readFileSync(file, "utf8")) as Vectors
const unhex = (h: string) => Bytes.fromHex(h)!
const decode = (wire: string): Event.Event => {
  const d = Event.decode(unhex(wire))
  if (!d.ok) throw new Error(d.error.message)
  return d.event
}
const outcomeText = (o: Replica.Outcome | undefined): string =>
  !o ? "missing" : o._tag === "Rejected" ? o.reason._tag : ["Applied", ...o.actions.map((a) => `${a.module}/${a.type} ${a._tag === "Applied" ? "Applied" : a.reason._tag}`)].join("; ")

const fold = (genesis: string, events: ReadonlyArray<Event.Event>): Replica.Replica => {
  const opened = Replica.Replica.open(decode(genesis), { modules: [Governance.module, Administration.module] })
  if (!opened.ok) throw new Error(opened.error.message)
  opened.replica.ingest(events)
  return opened.replica
}

describe("administration conformance vectors", () => {
  it("has the scenarios the part names", () => {
    expect(vectors.scenarios.map((s) => s.name)).toEqual(["qualifications", "membership", "lot and caps", "stewardship"])
  })

  for (const s of vectors.scenarios)
    it(`${s.name}: every outcome, lot, holder and resource, and the state hash, in order and in reverse`, () => {
      const events = s.events.map((e) => decode(e.wire))
      events.forEach((e, i) => expect(e.key).toBe(s.events[i]!.id))
      const r = fold(s.genesis, events)
      expect(s.events.map((e) => ({ label: e.label, outcome: outcomeText(r.outcome(e.id)) }))).toEqual(s.expected.outcomes)
      expect(Bytes.toHex(r.stateHash())).toBe(s.expected.stateHash)
      expect(Bytes.toHex(fold(s.genesis, [...events].reverse()).stateHash())).toBe(s.expected.stateHash)
      const state = r.state<Administration.State>("administration")
      const past = Administration.Records.now(state, r.communityTime())
      for (const [q, holders] of Object.entries(s.expected.holders)) expect(Administration.Records.holders(state, q, past)).toEqual(holders)
      expect(Object.values(state.resources).map((x) => ({ name: x.name, custodian: x.custodian, stewards: x.stewards, rules: x.rules, personal: x.personal }))).toEqual(s.expected.resources)
      for (const lot of s.expected.lots ?? []) {
        // The scores, recomputed from the rule of A5 with node:crypto.
        for (const { identity, score } of lot.ranking) {
          const round = Buffer.alloc(4)
          round.writeUInt32BE(lot.round)
          const h = createHash("sha256")
          for (const part of [Buffer.from("affinity/administration/lot/v1\u0000"), Buffer.from(lot.seed, "hex"), Buffer.from(lot.group, "hex"), Buffer.from(lot.role), Buffer.from([0]), round, Buffer.from(identity, "hex")]) h.update(part)
          expect(h.digest("hex")).toBe(score)
        }
        expect(lot.ranking.map((x) => x.score)).toEqual([...lot.ranking.map((x) => x.score)].sort())
        expect(r.state<Governance.State>("governance").terms[String(lot.term)]!.seed).toBe(lot.seed)
        expect(state.lots.find((l) => l.group === lot.group && l.role === lot.role)!.drawn).toEqual(lot.drawn)
      }
    })
})
