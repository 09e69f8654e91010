import { describe, expect, it } from "vitest"
import { Bytes, Module, Replica, Standing } from "@affinity/core"
import type { Event } from "@affinity/core"
import * as v from "valibot"
import { Builder } from "./support/build.ts"
import { type Notes, notes, quiet } from "./support/kernel-modules.ts"
import { key } from "./support/world.ts"

const T0 = 1_700_000_000_000
const HOUR = 3_600_000

/** A stand-in decision process: a member's `decide` carries one action under a community warrant. */
const council = Module.make<{ readonly decided: number }>({
  name: "council",
  init: () => ({ decided: 0 }),
  events: {
    decide: Module.eventType<{ readonly decided: number }, { readonly module: string; readonly type: string; readonly body: Record<string, unknown> }>({
      body: v.strictObject({ module: v.string(), type: v.string(), body: v.record(v.string(), v.any()) }),
      authority: "member",
      apply: (state) => ({ decided: state.decided + 1 }),
      effects: (_state, body, ctx) => [
        { _tag: "Apply", module: body.module, type: body.type, body: body.body as never, warrant: { _tag: "Decision", body: { _tag: "Community" }, decision: ctx.key } }
      ]
    })
  }
})

const open = (genesis: Event.Event) => {
  const r = Replica.Replica.open(genesis, { modules: [quiet, notes, council], decider: "council" })
  if (!r.ok) throw new Error(r.error.message)
  return r.replica
}

const fold = (events: ReadonlyArray<Event.Event>) => {
  const r = open(events[0]!)
  r.ingest(events.slice(1))
  return r
}

const tag = (r: Replica.Replica, e: Event.Event): string => {
  const o = r.outcome(e.key)
  return o === undefined ? "missing" : o._tag === "Applied" ? "Applied" : o.reason._tag
}

const shuffles = <A>(xs: ReadonlyArray<A>): ReadonlyArray<ReadonlyArray<A>> => [
  xs,
  [...xs].reverse(),
  [...xs.filter((_, i) => i % 2 === 1), ...xs.filter((_, i) => i % 2 === 0)],
  [...xs.filter((_, i) => i % 3 === 2), ...xs.filter((_, i) => i % 3 !== 2).reverse()]
]

describe("standing: one gate for restrictions", () => {
  it("refuses a restricted member's acts in scope, with who decided and until when, and lets others through", () => {
    const [ada, bo, cy] = [key(1), key(2), key(3)]
    const b = new Builder([ada, bo, cy], {}, T0)
    const until = T0 + 10 * HOUR
    const decide = b.add(ada, "council", "decide", { module: "quiet", type: "restrict", body: { subject: bo.id, module: "notes", channel: "garden", until } })
    const inScope = b.add(bo, "notes", "post", { channel: "garden", text: "hello" })
    const otherChannel = b.add(bo, "notes", "post", { channel: "kitchen", text: "hello" })
    const someoneElse = b.add(cy, "notes", "post", { channel: "garden", text: "hi" })
    const leave = b.add(bo, "core", "member.leave", { note: "" })
    const r = fold(b.events)
    expect(r.outcome(decide.key)).toMatchObject({ _tag: "Applied", actions: [{ _tag: "Applied", module: "quiet", type: "restrict" }] })
    expect(r.outcome(inScope.key)).toEqual({
      _tag: "Rejected",
      reason: { _tag: "Restricted", message: "a community decision restricted this from notes/post until 2023-11-15 08:13 UTC: a cooling-off period agreed in a circle" }
    })
    expect(tag(r, otherChannel)).toBe("Applied")
    expect(tag(r, someoneElse)).toBe("Applied")
    // Leaving only takes power away: no restriction stops it.
    expect(tag(r, leave)).toBe("Applied")
  })

  it("ends on its own when community time reaches its end, and when a decision lifts it", () => {
    const [ada, bo, cy] = [key(1), key(2), key(3)]
    const b = new Builder([ada, bo, cy], {}, T0)
    b.add(ada, "council", "decide", { module: "quiet", type: "restrict", body: { subject: bo.id, module: null, channel: null, until: T0 + 2 * HOUR } }, { time: T0 + 1000 })
    const during = b.add(bo, "notes", "post", { channel: "garden", text: "too soon" }, { time: T0 + 2000 })
    // Two members' clocks pass the end: community time does too (w(3) = 2).
    b.add(ada, "notes", "post", { channel: "garden", text: "a" }, { time: T0 + 3 * HOUR })
    b.add(cy, "notes", "post", { channel: "garden", text: "b" }, { time: T0 + 3 * HOUR })
    const after = b.add(bo, "notes", "post", { channel: "garden", text: "back" }, { time: T0 + 3 * HOUR + 1000 })
    b.add(ada, "council", "decide", { module: "quiet", type: "restrict", body: { subject: cy.id, module: null, channel: null, until: null } })
    const refused = b.add(cy, "notes", "post", { channel: "garden", text: "c" })
    b.add(ada, "council", "decide", { module: "quiet", type: "lift", body: { subject: cy.id } })
    const lifted = b.add(cy, "notes", "post", { channel: "garden", text: "d" })
    const r = fold(b.events)
    expect(tag(r, during)).toBe("Restricted")
    expect(tag(r, after)).toBe("Applied")
    expect(r.outcome(refused.key)).toMatchObject({ reason: { _tag: "Restricted", message: expect.stringContaining("until it is lifted") } })
    expect(tag(r, lifted)).toBe("Applied")
  })

  it("is a strong fact: the subject's acts the restricting event had not seen do not count, in every delivery order", () => {
    const [ada, bo, cy] = [key(1), key(2), key(3)]
    const b = new Builder([ada, bo, cy], {}, T0)
    const start = b.add(cy, "notes", "post", { channel: "garden", text: "start" }, { parents: [b.genesis] })
    const base = b.add(cy, "notes", "post", { channel: "garden", text: "go on" }, { parents: [start] })
    const seen = b.add(bo, "notes", "post", { channel: "kitchen", text: "seen" }, { parents: [b.genesis] })
    // Bo posts again, concurrently with the decision that restricts him.
    const concurrent = b.add(bo, "notes", "post", { channel: "garden", text: "racing the decision" }, { parents: [seen] })
    const decide = b.add(ada, "council", "decide", { module: "quiet", type: "restrict", body: { subject: bo.id, module: "notes", channel: "garden", until: null } }, { parents: [base, seen] })
    const later = b.add(cy, "notes", "post", { channel: "garden", text: "later" })
    // The racing post sorts before the decision: without the strong fact it would count.
    const log = open(b.genesis)
    log.ingest(b.events.slice(1))
    expect(log.orderedKeys().indexOf(concurrent.key)).toBeLessThan(log.orderedKeys().indexOf(decide.key))
    const hashes = new Set<string>()
    for (const order of shuffles(b.events.slice(1))) {
      const r = open(b.genesis)
      for (const e of order) r.ingest([e])
      expect(tag(r, concurrent)).toBe("Restricted")
      expect(tag(r, seen)).toBe("Applied")
      expect(tag(r, later)).toBe("Applied")
      expect(tag(r, decide)).toBe("Applied")
      hashes.add(r.stateHashHex())
    }
    expect(hashes.size).toBe(1)
  })

  it("stops a restricted key that no member holds from applying", () => {
    const [ada, bo, stranger] = [key(1), key(2), key(9)]
    const b = new Builder([ada, bo], {}, T0)
    b.add(ada, "council", "decide", { module: "quiet", type: "restrict", body: { subject: stranger.id, module: "core", channel: null, until: null } })
    const apply = b.add(stranger, "core", "member.apply", { note: "let me in" })
    const r = fold(b.events)
    expect(r.outcome(apply.key)).toMatchObject({ _tag: "Rejected", reason: { _tag: "Restricted", message: expect.stringContaining("core/member.apply") } })
    expect(r.core.identities[stranger.id]).toBeUndefined()
  })

  it("judges an action a decision carries against the deciding body, not against whoever closed it", () => {
    const [ada, bo] = [key(1), key(2)]
    const b = new Builder([ada, bo], {}, T0)
    b.add(ada, "council", "decide", { module: "quiet", type: "restrict", body: { subject: bo.id, module: "notes", channel: null, until: null } })
    const own = b.add(bo, "notes", "post", { channel: "garden", text: "mine" })
    // Bo closes a decision whose action posts: the community decided it, so it is applied.
    const closed = b.add(bo, "council", "decide", { module: "notes", type: "post", body: { channel: "garden", text: "ours" } })
    // A restriction on the community itself stops what community decisions carry.
    b.add(ada, "council", "decide", { module: "quiet", type: "restrict", body: { subject: "community", module: "notes", channel: null, until: null } })
    const stopped = b.add(ada, "council", "decide", { module: "notes", type: "post", body: { channel: "garden", text: "again" } })
    const r = fold(b.events)
    expect(tag(r, own)).toBe("Restricted")
    expect(r.outcome(closed.key)).toMatchObject({ _tag: "Applied", actions: [{ _tag: "Applied", module: "notes", type: "post" }] })
    expect(r.outcome(stopped.key)).toMatchObject({ _tag: "Applied", actions: [{ _tag: "Failed", reason: { _tag: "Restricted" } }] })
    expect(r.state<Notes>("notes").posts).toEqual(["garden: ours"])
  })

  it("judges someone's eligibility asked at another event on the state, whatever else they signed", () => {
    type Picks = { readonly picks: ReadonlyArray<string> }
    // Records whether standing lets `subject` post in the garden, asked at the picking event.
    const picker = Module.make<Picks>({
      name: "picker",
      init: () => ({ picks: [] }),
      events: {
        pick: Module.eventType<Picks, { readonly subject: string }>({
          body: v.strictObject({ subject: v.string() }),
          authority: "member",
          apply: (state, body, ctx) => ({
            picks: [...state.picks, ctx.mayAct(body.subject, "notes", "post", { channel: "garden", text: "" }) === undefined ? "eligible" : "restricted"]
          })
        })
      }
    })
    const outcomes = (withTick: boolean) => {
      const [ada, bo, cy] = [key(1), key(2), key(3)]
      const b = new Builder([ada, bo, cy], {}, T0)
      const start = b.add(ada, "notes", "post", { channel: "kitchen", text: "a" }, { parents: [b.genesis] })
      const deeper = b.add(ada, "notes", "post", { channel: "kitchen", text: "b" }, { parents: [start] })
      // Bo's unrelated act, concurrent with the restriction, sorting before it.
      if (withTick) b.add(bo, "notes", "post", { channel: "kitchen", text: "unrelated" }, { parents: [b.genesis] })
      const pick = b.add(cy, "picker", "pick", { subject: bo.id }, { parents: [b.genesis] })
      b.add(ada, "council", "decide", { module: "quiet", type: "restrict", body: { subject: bo.id, module: "notes", channel: null, until: null } }, { parents: [deeper] })
      const r = Replica.Replica.open(b.genesis, { modules: [quiet, notes, council, picker], decider: "council" })
      if (!r.ok) throw new Error(r.error.message)
      r.replica.ingest(b.events.slice(1))
      expect(r.replica.outcome(pick.key)?._tag).toBe("Applied")
      return r.replica.state<Picks>("picker").picks
    }
    expect(outcomes(false)).toEqual(["eligible"])
    expect(outcomes(true)).toEqual(["eligible"])
  })

  it("answers modules through the context, for eligibility the host cannot see", () => {
    const scope: Standing.Scope = { module: "governance", types: ["seat"], where: { group: "justice" } }
    expect(Standing.covers(scope, { module: "governance", type: "seat", body: { group: "justice" } })).toBe(true)
    expect(Standing.covers(scope, { module: "governance", type: "seat", body: { group: "economy" } })).toBe(false)
    expect(Standing.covers({ where: { account: Bytes.toHex(new Uint8Array([1, 2])) } }, { module: "m", type: "t", body: { account: new Uint8Array([1, 2]) } })).toBe(true)
    expect(Standing.bodySubject({ _tag: "Group", group: "abc" })).toBe("group/abc")
  })
})
