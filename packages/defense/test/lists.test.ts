import { describe, expect, it } from "vitest"
import { testKey } from "@affinity/core/testing"
import { ada, bo, cy, dee, Defense, defense, mallory, messageOf, tagOf, World } from "./support/world.ts"

const pubA = testKey(81, "Hillside's publisher")
const pubB = testKey(82, "Lakeside's publisher")
const pubC = testKey(83, "Meadow's publisher")

/** An allied community that restricts `subject` and exports its feed, signed by `publisher`. */
const ally = (name: string, publisher: typeof pubA, restrictions: ReadonlyArray<ReturnType<typeof Defense.restrict>>) => {
  const w = new World([testKey(90 + name.length, `${name} founder`)], {}, undefined, name)
  for (const r of restrictions) w.decide(r, { proposer: w.founders[0]!, closer: w.founders[0]! })
  const state = defense(w.replica())
  return { id: Buffer.from(w.community).toString("hex"), state, w, feed: (from = 1) => Defense.Feed.sign({ source: Buffer.from(w.community).toString("hex"), from, entries: Defense.Feed.entries(state, from) }, publisher.secret) }
}

const block = Defense.restrict({ key: mallory.publicKey }, { scope: ["join"], reason: "ran a fake-fundraiser scam", evidence: "https://hillside.example/case/4" })

describe("lists shared between communities", () => {
  it("an entry applies on its own only when k of the subscribed lists agree; before that it is an advisory, and every change is recorded", () => {
    const hill = ally("Hillside", pubA, [block])
    const lake = ally("Lakeside", pubB, [Defense.restrict({ key: mallory.publicKey }, { scope: ["join"], reason: "harassed members" })])
    const w = new World()
    w.decide([Defense.subscribe(hill.id, "Hillside", [pubA.id]), Defense.subscribe(lake.id, "Lakeside", [pubB.id])])
    const first = w.send(bo, Defense.importList(hill.feed()))
    const early = w.join(mallory)
    let r = w.replica()
    expect(tagOf(r, first)).toBe("Applied")
    expect(tagOf(r, early)).toBe("Applied") // one list of two: an advisory only
    let state = defense(r)
    expect(state.changes.map((c) => c.effect)).toEqual(["advisory"])
    expect(Defense.Records.advisories(state, { now: r.communityTime() }).map((a) => a.source)).toEqual(["Hillside"])

    const w2 = new World()
    w2.decide([Defense.subscribe(hill.id, "Hillside", [pubA.id]), Defense.subscribe(lake.id, "Lakeside", [pubB.id])])
    w2.send(bo, Defense.importList(hill.feed()))
    const second = w2.send(cy, Defense.importList(lake.feed()))
    const late = w2.join(mallory)
    r = w2.replica()
    expect(tagOf(r, second)).toBe("Applied")
    expect(tagOf(r, late)).toBe("Restricted")
    expect(messageOf(r, late)).toMatch(/allied communities' lists \(2 of them agree\)/)
    state = defense(r)
    expect(state.changes.map((c) => `${c.effect}`)).toEqual(["advisory", "applied"])
    const changes = Defense.Records.changes(state, { now: r.communityTime() })
    expect(changes.map((c) => c.source)).toEqual(["Hillside", "Lakeside"])
    expect(changes[0]!.evidence).toBe("https://hillside.example/case/4")
    expect(Defense.Records.advisories(state, { now: r.communityTime() })).toEqual([])
  })

  it("existing members are exempt from lists; a local decision can still accept the entry", () => {
    const hill = ally("Hillside", pubA, [Defense.restrict({ key: dee.publicKey }, { scope: ["join", "pay"], reason: "accused elsewhere" })])
    const lake = ally("Lakeside", pubB, [Defense.restrict({ key: dee.publicKey }, { scope: ["pay"], reason: "accused elsewhere" })])
    const w = new World([ada, bo, cy, dee])
    w.decide([Defense.subscribe(hill.id, "Hillside", [pubA.id]), Defense.subscribe(lake.id, "Lakeside", [pubB.id])])
    w.send(bo, Defense.importList(hill.feed()))
    w.send(bo, Defense.importList(lake.feed()))
    let r = w.replica()
    let state = defense(r)
    expect(state.changes.map((c) => c.effect)).toEqual(["exempt", "exempt"])
    const ctx = { key: "ff".repeat(32), happenedBefore: () => true, communityTime: r.communityTime() }
    expect(Defense.Queries.restrictedAt(state, "key", dee.id, "pay", ctx)).toBeNull()
    const entry = Object.values(state.listed).find((l) => l.source === hill.id)!.entry
    const accepted = w.decide(Defense.acceptAdvisory(hill.id, entry))
    r = w.replica()
    state = defense(r)
    expect(tagOf(r, accepted)).toBe("Applied Applied")
    expect(Defense.Queries.restrictedAt(state, "key", dee.id, "pay", { ...ctx, communityTime: r.communityTime() })?.by).toBe("a community decision")
    expect(Defense.Records.restrictions(state, { now: r.communityTime() })[0]!.source).toBe("Hillside")
  })

  it("a source's lift is imported from where the last import stopped, and the agreement ends", () => {
    const w = new World()
    const hillW = new World([testKey(95, "Hill")], {}, undefined, "Hillside")
    hillW.decide(block, { proposer: hillW.founders[0]!, closer: hillW.founders[0]! })
    const lake = ally("Lakeside", pubB, [block])
    const hillId = Buffer.from(hillW.community).toString("hex")
    const sign = (from: number) => Defense.Feed.sign({ source: hillId, from, entries: Defense.Feed.entries(defense(hillW.replica()), from) }, pubA.secret)
    w.decide([Defense.subscribe(hillId, "Hillside", [pubA.id]), Defense.subscribe(lake.id, "Lakeside", [pubB.id])])
    w.send(bo, Defense.importList(sign(1)))
    w.send(bo, Defense.importList(lake.feed()))
    const id = Object.keys(defense(hillW.replica()).restrictions)[0]!
    hillW.decide(Defense.lift(id, "it was a misunderstanding"), { proposer: hillW.founders[0]!, closer: hillW.founders[0]! })
    const repeat = w.send(cy, Defense.importList(sign(1)))
    const resumed = w.send(cy, Defense.importList(sign(2)))
    const apply = w.join(mallory)
    const r = w.replica()
    expect(tagOf(r, repeat)).toBe("Applied") // entry 1 again, with entry 2: only entry 2 is new
    expect(tagOf(r, resumed)).toBe("NothingNew")
    expect(tagOf(r, apply)).toBe("Applied")
    expect(defense(r).changes.map((c) => c.effect)).toEqual(["advisory", "applied", "lifted"])
  })

  it("refuses exports that are not what the subscription names", () => {
    const hill = ally("Hillside", pubA, [block])
    const meadow = ally("Meadow", pubC, [block])
    const w = new World()
    w.decide(Defense.subscribe(hill.id, "Hillside", [pubA.id]))
    const forged = Defense.Feed.sign({ source: hill.id, from: 1, entries: Defense.Feed.entries(hill.state) }, pubC.secret)
    const opened = Defense.Feed.open(hill.feed())
    if (!opened.ok) throw new Error(opened.message)
    const tampered = Defense.Feed.seal(Defense.Feed.unsigned({ ...opened.value, entries: opened.value.entries.map((e) => ({ ...e, reason: "something else" })) }), opened.value.sig)
    const gap = Defense.Feed.sign({ source: hill.id, from: 3, entries: Defense.Feed.entries(hill.state).map((e) => ({ ...e, seq: 3 })) }, pubA.secret)
    const tags = [
      w.send(bo, Defense.importList(meadow.feed())),
      w.send(bo, Defense.importList(forged)),
      w.send(bo, Defense.importList(tampered)),
      w.send(bo, Defense.importList(gap)),
      w.send(bo, Defense.importList(new Uint8Array([1, 2, 3]))),
      w.send(mallory, Defense.importList(hill.feed()))
    ]
    const r = w.replica()
    expect(tags.map((e) => tagOf(r, e))).toEqual(["NotSubscribed", "UnknownPublisher", "BadSignature", "FeedGap", "BadFeed", "UnknownAuthor"])
    expect(defense(r).listed).toEqual({})
    expect(defense(r).subscriptions[hill.id]!.last).toBe(0)
  })

  it("unsubscribing ends what a list brought in", () => {
    const hill = ally("Hillside", pubA, [block])
    const lake = ally("Lakeside", pubB, [block])
    const w = new World()
    w.decide([Defense.subscribe(hill.id, "Hillside", [pubA.id]), Defense.subscribe(lake.id, "Lakeside", [pubB.id])])
    w.send(bo, Defense.importList(hill.feed()))
    w.send(bo, Defense.importList(lake.feed()))
    const ended = w.decide(Defense.unsubscribe(lake.id, "they stopped giving receipts"))
    const apply = w.join(mallory)
    const r = w.replica()
    expect(tagOf(r, ended)).toBe("Applied Applied")
    expect(tagOf(r, apply)).toBe("Applied")
  })
})

describe("list refusals", () => {
  it("subscribing twice or to oneself, accepting what is not there or twice, and a warning entry", () => {
    const hill = ally("Hillside", pubA, [Defense.restrict({ key: mallory.publicKey }, { scope: ["join"], reason: "posts scams", severity: "warn" }), block])
    const w = new World()
    const first = w.decide(Defense.subscribe(hill.id, "Hillside", [pubA.id]))
    const twice = w.decide(Defense.subscribe(hill.id, "Hillside again", [pubB.id]))
    const self = w.decide(Defense.subscribe(w.community, "Ourselves", [pubA.id]))
    const nothing = w.decide(Defense.acceptAdvisory(hill.id, "nope"))
    w.send(bo, Defense.importList(hill.feed()))
    const state = defense(w.replica())
    expect(state.changes.map((c) => c.effect)).toEqual(["warning", "advisory"])
    const entry = state.changes[1]!.entry
    const accepted = w.decide(Defense.acceptAdvisory(hill.id, entry))
    const again = w.decide(Defense.acceptAdvisory(hill.id, entry))
    const r = w.replica()
    expect([first, twice, self, nothing, accepted, again].map((e) => tagOf(r, e))).toEqual([
      "Applied Applied",
      "Applied AlreadySubscribed",
      "Applied OwnCommunity",
      "Applied UnknownEntry",
      "Applied Applied",
      "Applied AlreadyAccepted"
    ])
    const apply = w.join(mallory) // held here by the local decision that accepted the advisory
    expect(tagOf(w.replica(), apply)).toBe("Restricted")
  })
})
