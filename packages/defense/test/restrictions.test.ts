import { describe, expect, it } from "vitest"
import { ada, bo, cy, DAY, Defense, defense, HOUR, mallory, messageOf, T0, tagOf, World } from "./support/world.ts"

const malloryKey = { key: mallory.publicKey }

describe("restrictions on outsiders", () => {
  it("a restricted key's application to join is refused with the reason, until the restriction expires", () => {
    const w = new World()
    const close = w.decide(Defense.restrict(malloryKey, { scope: ["join"], reason: "sent threats to three members", evidence: "screenshots in case 12" }))
    const apply = w.join(mallory)
    let r = w.replica()
    expect(tagOf(r, close)).toBe("Applied Applied")
    expect(tagOf(r, apply)).toBe("Restricted")
    expect(messageOf(r, apply)).toMatch(/^a community decision restricted this from core\/member\.apply until \d{4}-\d\d-\d\d \d\d:\d\d UTC: sent threats to three members$/)
    const restriction = Object.values(defense(r).restrictions)[0]!
    expect(restriction.expires).toBe(restriction.at + Defense.DEFAULT_EXPIRY)
    expect(restriction.evidence).toBe("screenshots in case 12")
    // 90 days later it has expired by itself: no event lifts it.
    w.at(restriction.expires)
    const again = w.join(mallory)
    r = w.replica()
    expect(tagOf(r, again)).toBe("Applied")
  })

  it("a lift ends it early; lifting twice is refused", () => {
    const w = new World()
    w.decide(Defense.restrict(malloryKey, { scope: ["join"], reason: "spam" }))
    const id = Object.keys(defense(w.replica()).restrictions)[0]!
    const lifted = w.decide(Defense.lift(id, "they apologised and the members agreed"))
    const twice = w.decide(Defense.lift(id, "again"))
    const apply = w.join(mallory)
    const r = w.replica()
    expect(tagOf(r, lifted)).toBe("Applied Applied")
    expect(tagOf(r, twice)).toBe("Applied AlreadyLifted")
    expect(tagOf(r, apply)).toBe("Applied")
    expect(Defense.Feed.entries(defense(r)).map((e) => e.op)).toEqual(["add", "lift"])
  })

  it("an application concurrent with the restriction does not count, though it sorts before it (a strong fact)", () => {
    const w = new World()
    const base = w.heads()
    const close = w.decide(Defense.restrict(malloryKey, { scope: ["join"], reason: "spam" }))
    const apply = w.join(mallory, { parents: base })
    const orders = [w.events, [...w.events].reverse()]
    for (const order of orders) {
      const r = w.replica(order.filter((e) => e.key !== w.genesis.key))
      expect(r.orderedKeys().indexOf(apply.key)).toBeLessThan(r.orderedKeys().indexOf(close.key))
      expect(tagOf(r, apply)).toBe("Restricted")
    }
  })

  it("a restricted key cannot be added as someone's device either", () => {
    const w = new World()
    w.decide(Defense.restrict(malloryKey, { scope: ["join"], reason: "stolen key" }))
    const add = w.add(bo, "core", "device.add", w.deviceAdd(bo, mallory))
    expect(tagOf(w.replica(), add)).toBe("Restricted")
  })

  it("a warning is recorded and shown but stops nothing", () => {
    const w = new World()
    w.decide(Defense.restrict(malloryKey, { scope: ["join"], reason: "posts scams elsewhere", severity: "warn" }))
    const apply = w.join(mallory)
    const r = w.replica()
    expect(tagOf(r, apply)).toBe("Applied")
    expect(Defense.Records.restrictions(defense(r), { now: r.communityTime() })[0]!.severity).toBe("warn")
  })

  it("refuses what does not fit, and changes nothing", () => {
    const w = new World()
    const direct = w.send(bo, Defense.restrict(malloryKey, { scope: ["join"], reason: "alone" }))
    const relayJoin = w.decide(Defense.restrict({ relay: "wss://relay.example" }, { scope: ["join"], reason: "x" }))
    const past = w.decide(Defense.restrict(malloryKey, { scope: ["join"], reason: "x", expires: T0 }))
    const tooLong = w.decide(Defense.restrict(malloryKey, { scope: ["join"], reason: "x", expires: w.time + 400 * DAY }))
    const own = w.decide(Defense.restrict({ community: w.community }, { scope: ["sync"], reason: "x" }))
    const badBody = w.add(bo, "defense", "restrict", { subject: { key: mallory.publicKey }, scope: ["join", "join"], severity: "block", reason: "x", evidence: "" })
    const unknownLift = w.decide(Defense.lift("00".repeat(32), "x"))
    const r = w.replica()
    expect(tagOf(r, direct)).toBe("NeedsDecision")
    expect(tagOf(r, relayJoin)).toBe("Applied ScopeNotApplicable")
    expect(tagOf(r, past)).toBe("Applied AlreadyOver")
    expect(tagOf(r, tooLong)).toBe("Applied TooLong")
    expect(tagOf(r, own)).toBe("Applied OwnCommunity")
    expect(tagOf(r, badBody)).toBe("InvalidBody")
    expect(messageOf(r, badBody)).toContain("name each scope once")
    expect(tagOf(r, unknownLift)).toBe("Applied UnknownRestriction")
    expect(defense(r).restrictions).toEqual({})
  })

  it("the sync layer's policy refuses a restricted relay and a restricted peer key, and the query answers on the causal past", () => {
    const w = new World()
    w.decide(Defense.restrict({ relay: "wss://relay.bad.example" }, { scope: ["sync"], reason: "drops and rewrites our traffic" }))
    w.decide(Defense.restrict(malloryKey, { scope: ["sync", "pay"], reason: "scraping members' posts" }))
    const r = w.replica()
    const state = defense(r)
    const now = r.communityTime()
    expect(Defense.SyncPolicy.refusal(state, { relay: "wss://relay.bad.example" }, now)?.message).toMatch(/restricted syncing with the relay wss:\/\/relay\.bad\.example until .*: drops and rewrites our traffic/)
    expect(Defense.SyncPolicy.refusal(state, { relay: "WSS://relay.bad.example/" }, now)?._tag).toBe("Restricted")
    expect(Defense.SyncPolicy.refusal(state, { relay: "wss://relay.good.example" }, now)).toBeUndefined()
    expect(Defense.SyncPolicy.refusal(state, { key: mallory.id }, now)?._tag).toBe("Restricted")
    expect(Defense.SyncPolicy.refusal(state, { key: mallory.id }, now + 91 * DAY)).toBeUndefined()
    const seenAll = { key: "ff".repeat(32), happenedBefore: () => true, communityTime: now }
    const seenNothing = { ...seenAll, happenedBefore: () => false }
    expect(Defense.Queries.restrictedAt(state, "key", mallory.id, "pay", seenAll)?.reason).toBe("scraping members' posts")
    expect(Defense.Queries.restrictedAt(state, "key", mallory.id, "join", seenAll)).toBeNull()
    expect(Defense.Queries.restrictedAt(state, "key", mallory.id, "pay", seenNothing)).toBeNull()
    expect(HOUR).toBe(3_600_000)
  })

  it("two restrictions carried by one decision get two ids", () => {
    const w = new World()
    const close = w.decide([
      Defense.restrict(malloryKey, { scope: ["join"], reason: "a" }),
      Defense.restrict({ relay: "wss://x.example" }, { scope: ["sync"], reason: "b" })
    ])
    const ids = Object.keys(defense(w.replica()).restrictions).sort()
    expect(ids).toEqual([close.key, `${close.key}.2`])
    expect(ada.id).not.toBe(cy.id)
  })
})
