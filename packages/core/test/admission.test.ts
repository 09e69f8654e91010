import { describe, expect, it } from "vitest"
import { Body, Module, Query } from "@affinity/core/module"
import { Replica } from "@affinity/core"
import { TestCommunity, testKey } from "@affinity/core/testing"

const ada = testKey(1, "Ada")
const bo = testKey(2, "Bo")

/**
 * A test module that keeps membership rules: `invite` (member) lets one device key apply;
 * `rate` sets how many applications a window takes; `vouch` (member) counts toward admission,
 * which needs one vouch; `seniority` records what `fullSince` says about the author.
 */
type Rules = {
  readonly invited: ReadonlyArray<{ readonly device: string; readonly key: string }>
  readonly perWindow: number
  readonly vouched: ReadonlyArray<{ readonly identity: string; readonly key: string }>
  readonly since: ReadonlyArray<number | null>
}
const Key = Body.pattern(/^[0-9a-f]{64}$/, "64 hex digits")
const rules = Module.make<Rules>({
  name: "rules",
  init: () => ({ invited: [], perWindow: 0, vouched: [], since: [] }),
  events: {
    invite: Module.eventType<Rules, { readonly device: string }>({
      body: Body.strict({ device: Key }),
      authority: "member",
      apply: (s, b, ctx) => ({ ...s, invited: [...s.invited, { device: b.device, key: ctx.key }] })
    }),
    rate: Module.eventType<Rules, { readonly perWindow: number }>({
      body: Body.strict({ perWindow: Body.int(0, 100) }),
      authority: "member",
      apply: (s, b) => ({ ...s, perWindow: b.perWindow })
    }),
    vouch: Module.eventType<Rules, { readonly identity: string }>({
      body: Body.strict({ identity: Key }),
      authority: "member",
      apply: (s, b, ctx) => ({ ...s, vouched: [...s.vouched, { identity: b.identity, key: ctx.key }] })
    }),
    "last-seen": Module.eventType<Rules, { readonly identity: string }>({
      body: Body.strict({ identity: Key }),
      authority: "anyone",
      apply: (s, b, ctx) => ({ ...s, since: [...s.since, ctx.lastSeen?.(b.identity) ?? null] })
    }),
    seniority: Module.eventType<Rules, Record<string, never>>({
      body: Body.strict({}),
      authority: "anyone",
      apply: (s, _b, ctx) => ({ ...s, since: [...s.since, ctx.fullSince?.(ctx.identity ?? "") ?? null] })
    })
  },
  queries: {
    "membership.apply": Query.make<Rules, { readonly device: string }, { readonly refusal: string | null; readonly perWindow: number; readonly window: number }>({
      args: Body.strict({ device: Key }),
      answer: (s, a, ctx) => ({
        refusal: s.invited.some((i) => i.device === a.device && ctx.happenedBefore(i.key)) ? null : "an invitation is needed",
        perWindow: s.perWindow,
        window: 86_400_000
      })
    }),
    "membership.admit": Query.make<Rules, { readonly identity: string }, { readonly refusal: string | null }>({
      args: Body.strict({ identity: Key }),
      answer: (s, a, ctx) => ({ refusal: s.vouched.some((v) => v.identity === a.identity && ctx.happenedBefore(v.key)) ? null : "a vouch is needed" })
    })
  }
})

/** A community decision admitting `identity`, as a test module carries it: `decide` (community authority is carried by the decider only, so this one is the decider). */
const decider = Module.make<{ readonly n: number }>({
  name: "decider",
  init: () => ({ n: 0 }),
  events: {
    admit: Module.eventType<{ readonly n: number }, { readonly identity: Uint8Array }>({
      body: Body.strict({ identity: Body.bytes(32) }),
      authority: "member",
      apply: (s) => ({ n: s.n + 1 }),
      effects: (_s, b, ctx) => [{ _tag: "Apply", module: "core", type: "member.admit", body: { identity: b.identity }, warrant: { _tag: "Decision", body: { _tag: "Community" }, decision: ctx.key } }]
    })
  }
})

/** A replica of `c` running `rules` and `decider`, the community's decision process. */
const deciding = (c: TestCommunity): Replica.Replica => {
  const opened = Replica.Replica.open(c.genesis, { modules: [rules, decider], decider: "decider" })
  if (!opened.ok) throw new Error(opened.error.message)
  opened.replica.ingest(c.events.slice(1))
  return opened.replica
}

const outcomeOf = (r: ReturnType<TestCommunity["replica"]>, key: string): string => {
  const o = r.outcome(key)!
  return o._tag === "Rejected" ? o.reason._tag : ["Applied", ...o.actions.map((a) => (a._tag === "Applied" ? "Applied" : a.reason._tag))].join(" ")
}

describe("membership rules the fold enforces", () => {
  it("an application without the invitation the rules ask for is refused ApplicationRefused, with the module's words", () => {
    const c = new TestCommunity([ada, bo])
    const spam = testKey(50, "spam")
    const guest = testKey(51, "guest")
    const refused = c.join(spam)
    c.add(ada, "rules", "invite", { device: guest.id })
    const invited = c.join(guest)
    const r = c.replica(c.events, [rules])
    expect(outcomeOf(r, refused.key)).toBe("ApplicationRefused")
    const o = r.outcome(refused.key)!
    expect(o._tag === "Rejected" && o.reason.message).toBe("an invitation is needed")
    expect(outcomeOf(r, invited.key)).toBe("Applied")
    expect(r.core.identities).toBeDefined()
  })

  it("a community whose modules keep no membership rules takes every application, as before", () => {
    const c = new TestCommunity([ada, bo])
    const e = c.join(testKey(50, "anyone"))
    expect(outcomeOf(c.replica(c.events, []), e.key)).toBe("Applied")
  })

  it("counts applications per window in fold order: past the rate, the next is refused TooManyApplications in every delivery order", () => {
    const c = new TestCommunity([ada, bo])
    c.add(ada, "rules", "rate", { perWindow: 2 })
    const keys = [60, 61, 62, 63].map((n) => testKey(n, `k${n}`))
    for (const k of keys) c.add(ada, "rules", "invite", { device: k.id })
    const base = c.heads()
    const apps = keys.map((k) => c.join(k, { parents: base }))
    const forward = c.replica(c.events, [rules])
    const backward = c.replica([...c.events.slice(0, 1), ...c.events.slice(1).reverse()], [rules])
    const tags = (r: ReturnType<TestCommunity["replica"]>) => apps.map((a) => outcomeOf(r, a.key))
    expect(tags(forward).filter((t) => t === "Applied").length).toBe(2)
    expect(tags(forward).filter((t) => t === "TooManyApplications").length).toBe(2)
    expect(tags(backward)).toEqual(tags(forward))
    expect(Buffer.from(backward.stateHash()).toString("hex")).toBe(Buffer.from(forward.stateHash()).toString("hex"))
  })

  it("an admission the rules do not allow fails AdmissionRefused; with the vouch in its past it applies", () => {
    const c = new TestCommunity([ada, bo])
    const dee = testKey(4, "Dee")
    c.add(ada, "rules", "invite", { device: dee.id })
    c.join(dee)
    const early = c.add(ada, "decider", "admit", { identity: dee.publicKey })
    c.add(bo, "rules", "vouch", { identity: dee.id })
    const later = c.add(ada, "decider", "admit", { identity: dee.publicKey })
    const r = deciding(c)
    expect(outcomeOf(r, early.key)).toBe("Applied AdmissionRefused")
    expect(outcomeOf(r, later.key)).toBe("Applied Applied")
  })

  it("fullSince gives the community time a member became full in the event's past (the genesis for founders, none for others)", () => {
    const c = new TestCommunity([ada, bo])
    const dee = testKey(4, "Dee")
    c.add(ada, "rules", "invite", { device: dee.id })
    c.join(dee)
    c.add(ada, "rules", "seniority", {})
    c.add(dee, "rules", "seniority", {})
    c.add(bo, "rules", "vouch", { identity: dee.id })
    const admit = c.add(ada, "decider", "admit", { identity: dee.publicKey })
    c.witness(c.time + 60_000)
    c.add(dee, "rules", "seniority", {})
    const r = deciding(c)
    const since = r.state<Rules>("rules").since
    expect(since[0]).toBe(c.genesis.header.time)
    expect(since[1]).toBeNull()
    expect(since[2]).toBe(r.communityTimeAt(r.orderedKeys().indexOf(admit.key)))
  })

  it("lastSeen gives the claimed time of an identity's latest event in the event's past, capped at its community time", () => {
    const c = new TestCommunity([ada, bo])
    const t0 = c.genesis.header.time
    const base = c.heads()
    c.tick(bo, t0 + 5_000, { parents: base })
    const aside = c.tick(ada, t0 + 9_000, { parents: base }) // concurrent with Bo's tick
    c.add(ada, "rules", "last-seen", { identity: bo.id }, { parents: [aside] }) // has not seen Bo's tick
    c.add(ada, "rules", "last-seen", { identity: bo.id }) // has
    c.add(bo, "rules", "last-seen", { identity: ada.id }, { time: t0 + 10 * 86_400_000 }) // Bo claims a far time: capped
    c.add(ada, "rules", "last-seen", { identity: testKey(77, "nobody").id })
    const r = deciding(c)
    const [notSeen, seen, capped, nobody] = r.state<Rules>("rules").since
    expect(notSeen).toBe(t0) // founders count from the genesis
    expect(seen).toBe(t0 + 5_000)
    expect(capped!).toBeLessThan(t0 + 10 * 86_400_000)
    expect(nobody).toBeNull()
  })
})
