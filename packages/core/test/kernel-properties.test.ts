import { describe, expect, it } from "vitest"
import { Replica } from "@affinity/core"
import type { Cbor, Event, Keys } from "@affinity/core"
import fc from "fast-check"
import { Builder } from "./support/build.ts"
import { badges, council, doors, notes, quiet } from "./support/kernel-modules.ts"
import { key } from "./support/world.ts"

const members = [key(1), key(2), key(3)]

/** One act of a generated history: who, what, and which earlier events it builds on. */
type Act = {
  readonly author: number
  readonly kind: "post" | "restrict" | "lift" | "give" | "take" | "open"
  readonly subject: number
  readonly channel: number
  readonly parents: ReadonlyArray<number>
}

const act: fc.Arbitrary<Act> = fc.record({
  author: fc.integer({ min: 0, max: 2 }),
  kind: fc.constantFrom("post", "restrict", "lift", "give", "take", "open"),
  subject: fc.integer({ min: 0, max: 2 }),
  channel: fc.integer({ min: 0, max: 2 }),
  parents: fc.array(fc.nat(), { minLength: 1, maxLength: 2 })
})

const channels = ["garden", "kitchen", null] as const

const bodyOf = (a: Act): readonly [string, string, Cbor.Value] => {
  const subject = members[a.subject]!.id
  const decide = (module: string, type: string, body: Cbor.Value): readonly [string, string, Cbor.Value] => ["council", "decide", { actions: [{ module, type, body }] }]
  switch (a.kind) {
    case "post":
      return ["notes", "post", { channel: channels[a.channel % 2]!, text: "hello" }]
    case "restrict":
      return decide("quiet", "restrict", { subject, module: a.channel === 2 ? "doors" : "notes", channel: channels[a.channel] ?? null, until: null })
    case "lift":
      return decide("quiet", "lift", { subject })
    case "give":
      return ["badges", "give", { member: subject }]
    case "take":
      return ["badges", "take", { member: subject }]
    case "open":
      return ["doors", "open", {}]
  }
}

/** The events of a generated history: each act signed on earlier events it picks as parents. */
const history = (acts: ReadonlyArray<Act>): ReadonlyArray<Event.Event> => {
  const b = new Builder(members)
  for (const a of acts) {
    const author: Keys.DeviceKey = members[a.author]!
    const parents = [...new Set(a.parents.map((p) => b.events[p % b.events.length]!))]
    const [module, type, body] = bodyOf(a)
    b.add(author, module, type, body, { parents })
  }
  return b.events
}

const open = (genesis: Event.Event) => {
  const r = Replica.Replica.open(genesis, { modules: [quiet, notes, council, badges, doors], decider: "council" })
  if (!r.ok) throw new Error(r.error.message)
  return r.replica
}

const summary = (r: Replica.Replica, events: ReadonlyArray<Event.Event>) => ({
  hash: r.stateHashHex(),
  outcomes: events.map((e) => {
    const o = r.outcome(e.key)
    return o === undefined ? "missing" : o._tag === "Applied" ? `Applied ${o.actions.map((x) => (x._tag === "Applied" ? "ok" : x.reason._tag)).join(",")}` : o.reason._tag
  })
})

describe("standing and queries in every delivery order", () => {
  it("give the same state and the same outcome for every event, however events arrive", () => {
    const seen = new Map<string, number>()
    fc.assert(
      fc.property(fc.array(act, { minLength: 4, maxLength: 16 }), fc.array(fc.double({ noNaN: true }), { minLength: 32, maxLength: 32 }), (acts, weights) => {
        const events = history(acts)
        const inOrder = open(events[0]!)
        inOrder.ingest(events.slice(1))
        const expected = summary(inOrder, events)
        for (const o of expected.outcomes) for (const tag of o.split(/[ ,]/)) seen.set(tag, (seen.get(tag) ?? 0) + 1)
        seen.set("refolds", (seen.get("refolds") ?? 0) + inOrder.stats.refolds)
        const rest = events.slice(1).map((e, i) => [weights[i % weights.length]! + i * 1e-9, e] as const)
        const shuffled = [...rest].sort((x, y) => x[0] - y[0]).map(([, e]) => e)
        const oneByOne = open(events[0]!)
        for (const e of shuffled) oneByOne.ingest([e])
        expect(summary(oneByOne, events)).toEqual(expected)
        const reversed = open(events[0]!)
        reversed.ingest([...shuffled].reverse())
        expect(summary(reversed, events)).toEqual(expected)
      }),
      { numRuns: 60 }
    )
    // The histories did meet restrictions (directly and on actions), refusals by query, and refolds.
    for (const tag of ["Restricted", "NoBadge", "Applied", "ok"]) expect(seen.get(tag) ?? 0).toBeGreaterThan(0)
  })
})
