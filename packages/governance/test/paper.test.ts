/**
 * Decisions taken on paper (§12 G6a): entered afterwards by a member, signed by each witness
 * with their own key, carrying no power.
 */
import { describe, expect, it } from "vitest"
import * as Governance from "@affinity/governance"
import { gov, HOUR, key, T0, tagOf, World } from "./support/world.ts"

const alice = key(1, "alice")
const bob = key(2, "bob")
const carol = key(3, "carol")
const dave = key(4, "dave")

const paper = (witnesses = [alice.id, bob.id, carol.id], decided = T0) =>
  Governance.Paper.record({ title: "Open the pantry on Sundays", text: "Agreed by the twelve people in the hall.", decided, witnesses })

describe("decisions taken on paper", () => {
  it("are entered by a member and signed by each witness; every witness agreeing makes them witnessed", () => {
    const w = new World([alice, bob, carol], { timeWitnesses: 1 })
    w.witness(T0 + 2 * HOUR)
    const entered = w.send(alice, paper())
    w.send(alice, Governance.Paper.attest(entered.key, "agree"))
    w.send(bob, Governance.Paper.attest(entered.key, "agree"))
    let r = w.replica()
    expect(tagOf(r, entered)).toBe("Applied")
    let p = gov(r).paper![entered.key]!
    expect(Governance.Paper.status(p)).toBe("awaiting")
    expect(Governance.Paper.unsigned(p)).toEqual([carol.id])
    expect(p).toMatchObject({ by: alice.id, decided: T0, witnesses: [alice.id, bob.id, carol.id].sort() })
    w.send(carol, Governance.Paper.attest(entered.key, "agree"))
    r = w.replica()
    p = gov(r).paper![entered.key]!
    expect(Governance.Paper.status(p)).toBe("witnessed")
    expect(p.signatures.map((s) => s.witness)).toEqual([alice.id, bob.id, carol.id])
    expect(Governance.Paper.all(gov(r)).map((x) => x.id)).toEqual([entered.key])
  })

  it("a witness who disputes the record says why, and the record shows it disputed", () => {
    const w = new World([alice, bob, carol], { timeWitnesses: 1 })
    w.witness(T0 + 2 * HOUR)
    const entered = w.send(alice, paper())
    const noReason = w.send(bob, { module: "governance", type: "paper.attest", body: { paper: entered.id, verdict: "dispute" } })
    const disputed = w.send(bob, Governance.Paper.attest(entered.key, "dispute", "we agreed on Saturdays, not Sundays"))
    const r = w.replica()
    expect(tagOf(r, noReason)).toBe("InvalidBody")
    expect(tagOf(r, disputed)).toBe("Applied")
    const p = gov(r).paper![entered.key]!
    expect(Governance.Paper.status(p)).toBe("disputed")
    expect(p.signatures).toEqual([{ witness: bob.id, agree: false, reason: "we agreed on Saturdays, not Sundays", key: disputed.key, at: expect.any(Number) }])
  })

  it("refuses a date after now, a repeated witness, a witness who is not a full member", () => {
    const w = new World([alice, bob, carol], { timeWitnesses: 1 })
    w.apply(dave)
    w.witness(T0 + 2 * HOUR)
    const future = w.send(alice, paper([bob.id], T0 + 10 * HOUR))
    const repeated = w.send(alice, paper([bob.id, bob.id]))
    const applicant = w.send(alice, paper([bob.id, dave.id]))
    const r = w.replica()
    expect(tagOf(r, future)).toBe("DecidedInFuture")
    expect(tagOf(r, repeated)).toBe("RepeatedWitness")
    expect(tagOf(r, applicant)).toBe("WitnessNotAMember")
    expect(gov(r).paper).toBeUndefined()
  })

  it("only a named witness signs, once, and only a record in the event's past", () => {
    const w = new World([alice, bob, carol], { timeWitnesses: 1 })
    w.witness(T0 + 2 * HOUR)
    const before = w.events.at(-1)!
    const entered = w.send(alice, paper([alice.id, bob.id]))
    const unseen = w.send(bob, Governance.Paper.attest(entered.key, "agree"), { parents: [before] })
    const notWitness = w.send(carol, Governance.Paper.attest(entered.key, "agree"))
    const first = w.send(bob, Governance.Paper.attest(entered.key, "agree"))
    const twice = w.send(bob, Governance.Paper.attest(entered.key, "agree"))
    const r = w.replica()
    expect(tagOf(r, notWitness)).toBe("NotAWitness")
    expect(tagOf(r, first)).toBe("Applied")
    expect(tagOf(r, twice)).toBe("AlreadySigned")
    expect(tagOf(r, unseen)).toBe("UnknownPaper")
    expect(gov(r).paper![entered.key]!.signatures).toHaveLength(1)
  })

  it("cannot be carried by a decision: entering and signing are each member's own act", () => {
    const w = new World([alice, bob, carol], { timeWitnesses: 1 })
    const open = w.send(alice, Governance.propose({ title: "Enter it for them", deadline: T0 + 2 * HOUR, action: paper([bob.id]) }))
    const r = w.replica()
    expect(tagOf(r, open)).toBe("NotAnAction")
    expect(gov(r).paper).toBeUndefined()
  })

  it("the binder prints them with each witness's signature by name, and who has not signed yet", () => {
    const w = new World([alice, bob, carol], { timeWitnesses: 1 })
    w.witness(T0 + 2 * HOUR)
    const entered = w.send(alice, paper())
    w.send(bob, Governance.Paper.attest(entered.key, "dispute", "we said <Saturdays>"))
    const r = w.replica()
    const names: Record<string, string> = { [alice.id]: "Ada", [bob.id]: "Bo", [carol.id]: "Cy" }
    const page = Governance.Binder.html(gov(r), r.core, { nameOf: (id) => names[id] })
    expect(page).toContain("<h3>Decided on paper</h3>")
    expect(page).toContain("<strong>Disputed</strong>: decided on paper on")
    expect(page).toContain("entered by Ada")
    expect(page).toMatch(/<td>Bo<\/td><td>disputed<\/td><td><span class="said">we said &lt;Saturdays&gt;<\/span><\/td>/)
    expect(page).toMatch(/<td>Cy<\/td><td>not yet<\/td>/)
    expect(page).toContain("Decisions taken on paper")
  })

  it("folds to the same state in every delivery order", () => {
    const w = new World([alice, bob, carol], { timeWitnesses: 1 })
    w.witness(T0 + 2 * HOUR)
    const entered = w.send(alice, paper())
    w.send(bob, Governance.Paper.attest(entered.key, "agree"))
    w.send(carol, Governance.Paper.attest(entered.key, "dispute", "not what I heard"))
    const hash = w.replica().stateHash
    expect(w.replica([...w.events].reverse()).stateHash).toEqual(hash)
  })
})
