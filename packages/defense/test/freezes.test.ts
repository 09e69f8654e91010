import { describe, expect, it } from "vitest"
import { ada, bo, cy, DAY, Defense, defense, dee, Governance, HOUR, mallory, messageOf, tagOf, World } from "./support/world.ts"

describe("protective freezes", () => {
  it("two members freeze admissions at once; it ends by itself after 72 hours", () => {
    const w = new World()
    const one = w.send(ada, Defense.freeze("admissions", "a wave of fake applications"))
    const before = w.join(dee)
    const two = w.send(bo, Defense.freeze("admissions", "same names as last week's spam"))
    const during = w.join(mallory)
    const admit = w.decide(Governance.admit(dee.id))
    let r = w.replica()
    expect(tagOf(r, one)).toBe("Applied")
    expect(tagOf(r, before)).toBe("Applied") // one member alone freezes nothing
    expect(tagOf(r, two)).toBe("Applied")
    expect(tagOf(r, during)).toBe("Restricted")
    expect(messageOf(r, during)).toMatch(/^a protective freeze called by 2 members restricted this from core\/member\.apply until .*: a wave of fake applications; same names as last week's spam$/)
    expect(tagOf(r, admit)).toBe("Applied Restricted") // a decision's admission waits too
    const f = Object.values(defense(r).freezes)[0]!
    expect(f.until - f.at).toBe(72 * HOUR)
    expect(f.callers).toEqual([ada.id, bo.id])
    w.at(f.until)
    const after = w.join(mallory)
    r = w.replica()
    expect(tagOf(r, after)).toBe("Applied")
    expect(Defense.Records.freezes(defense(r), { now: r.communityTime() })[0]!.status).toBe("over")
  })

  it("one member cannot call twice; calls more than 24 hours apart do not add up", () => {
    const w = new World()
    w.send(ada, Defense.freeze("payments", "a stolen phone is paying people"))
    const again = w.send(ada, Defense.freeze("payments", "really"))
    w.at(w.time + 25 * HOUR)
    const late = w.send(bo, Defense.freeze("payments", "I agree"))
    const r = w.replica()
    expect(tagOf(r, again)).toBe("AlreadyCalled")
    expect(tagOf(r, late)).toBe("Applied")
    expect(defense(r).freezes).toEqual({})
  })

  it("ending early or extending takes a decision; a member cannot end it alone", () => {
    const w = new World()
    w.send(ada, Defense.freeze({ channel: "general" }, "doxxing posts"))
    const start = w.send(bo, Defense.freeze({ channel: "general" }, "doxxing posts"))
    const id = start.key
    const alone = w.send(cy, Defense.endFreeze(id, "I think it's over"))
    const tooLong = w.decide(Defense.extendFreeze(id, w.time + 8 * DAY, "still bad"))
    const extended = w.decide(Defense.extendFreeze(id, w.time + 5 * DAY, "still bad"))
    const ended = w.decide(Defense.endFreeze(id, "the posts are gone"))
    const endedTwice = w.decide(Defense.endFreeze(id, "again"))
    const r = w.replica()
    expect(tagOf(r, alone)).toBe("NeedsDecision")
    expect(tagOf(r, tooLong)).toBe("Applied TooLong")
    expect(tagOf(r, extended)).toBe("Applied Applied")
    expect(tagOf(r, ended)).toBe("Applied Applied")
    expect(tagOf(r, endedTwice)).toBe("Applied FreezeOver")
    const f = defense(r).freezes[id]!
    expect(f.extensions).toHaveLength(1)
    expect(f.ended?.reason).toBe("the posts are gone")
    expect(f.scope).toBe("channel:general")
    expect(Defense.Restrictions.freezeScopes(f.scope)).toEqual([{ module: "expression", where: { channel: "general" } }])
  })

  it("a member's call while a freeze holds joins it", () => {
    const w = new World()
    w.send(ada, Defense.freeze("admissions", "spam"))
    const start = w.send(bo, Defense.freeze("admissions", "spam"))
    const third = w.send(cy, Defense.freeze("admissions", "me too"))
    const again = w.send(bo, Defense.freeze("admissions", "me again"))
    const r = w.replica()
    expect(tagOf(r, third)).toBe("Applied")
    expect(tagOf(r, again)).toBe("AlreadyFrozen")
    expect(defense(r).freezes[start.key]!.callers).toEqual([ada.id, bo.id, cy.id])
  })

  it("the number of members a freeze needs is a community decision, never below two", () => {
    const w = new World()
    const three = w.decide(Defense.setParams({ freezeCallers: 3 }))
    const one = w.decide(Defense.setParams({ freezeCallers: 1 }))
    w.send(ada, Defense.freeze("admissions", "spam"))
    w.send(bo, Defense.freeze("admissions", "spam"))
    const r = w.replica()
    expect(tagOf(r, three)).toBe("Applied Applied")
    expect(tagOf(r, one)).toBe("Applied InvalidBody")
    expect(defense(r).freezes).toEqual({})
  })
})

describe("the frozen query", () => {
  it("answers on the asking event's causal past, extensions included once seen", () => {
    const w = new World()
    w.send(ada, Defense.freeze("payments", "stolen phone"))
    const start = w.send(bo, Defense.freeze("payments", "stolen phone"))
    const extended = w.decide(Defense.extendFreeze(start.key, w.time + 6 * DAY, "still investigating"))
    const r = w.replica()
    const state = defense(r)
    const frozen = Defense.module.queries!.frozen!
    const ask = (seen: (k: string) => boolean, time: number) =>
      frozen.answer(state, { scope: "payments" }, { key: "ff".repeat(32), happenedBefore: seen, communityTime: time } as never)
    const f = state.freezes[start.key]!
    expect(ask(() => true, f.at + 4 * DAY)).toMatchObject({ until: f.until, key: start.key })
    expect(ask((k) => k !== extended.key, f.at + 4 * DAY)).toBeNull()
    expect(ask((k) => k !== extended.key, f.at + DAY)).toMatchObject({ until: f.at + 72 * HOUR })
    expect(ask((k) => k !== start.key, f.at + DAY)).toBeNull()
    expect(frozen.decode({ scope: "admissions" }).ok).toBe(true)
    expect(cy.id).not.toBe(mallory.id)
  })

  it("a mandate's freeze is refused while one holds on that scope", () => {
    const w = new World()
    w.send(ada, Defense.freeze("admissions", "bots"))
    w.send(bo, Defense.freeze("admissions", "bots"))
    const imposed = w.decide(Defense.impose("admissions", "also bots"))
    expect(tagOf(w.replica(), imposed)).toBe("Applied AlreadyFrozen")
    expect(Governance.HOUR).toBe(HOUR)
  })
})
