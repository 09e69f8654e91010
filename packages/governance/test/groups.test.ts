import { describe, expect, it } from "vitest"
import * as Governance from "@affinity/governance"
import { garden, type GardenState, gov, HOUR, key, outcome, T0, tagOf, World } from "./support/world.ts"

const alice = key(1, "alice")
const bob = key(2, "bob")
const carol = key(3, "carol")
const dave = key(4, "dave")

const plant = (what: string): Governance.Draft => ({ module: "garden", type: "plant", body: { what } })

/** A community of three founders that creates the working group "Gardeners" (alice, bob) by consent. */
const withGroup = (mandate: ReadonlyArray<string> = ["garden/plant"], extra: { expiry?: number } = {}) => {
  const w = new World([alice, bob, carol], { timeWitnesses: 1 })
  w.modules = [garden]
  const create = w.send(
    alice,
    Governance.propose({
      title: "Form the gardeners",
      process: "consent",
      deadline: T0 + HOUR,
      action: Governance.createGroup({ name: "Gardeners", purpose: "Tend the beds", mandate, members: [alice.id, bob.id], ...extra })
    })
  )
  w.witness(T0 + HOUR)
  const closed = w.send(carol, Governance.close(create.key))
  return { w, group: closed.key, closed }
}

const t = (hours: number) => T0 + hours * HOUR

describe("working groups", () => {
  it("are created by a community decision, and decide within their mandate with a Group warrant", () => {
    const { w, group, closed } = withGroup()
    const open = w.send(alice, Governance.propose({ title: "Plant tomatoes", deadline: t(3), body: { group }, action: plant("tomatoes") }))
    w.send(alice, Governance.stance(open.key, "agree"))
    w.send(bob, Governance.stance(open.key, "agree"))
    w.witness(t(3))
    const close = w.send(carol, Governance.close(open.key))
    const r = w.replica()
    expect(outcome(r, closed)).toEqual({ _tag: "Applied", actions: [{ _tag: "Applied", module: "governance", type: "group.create" }] })
    const g = gov(r).groups[group]!
    expect(g).toMatchObject({ name: "Gardeners", mandate: ["garden/plant"], members: [alice.id, bob.id].sort(), disbanded: null })
    expect(tagOf(r, close)).toBe("Applied")
    expect(gov(r).proposals[open.key]!.decision).toMatchObject({ outcome: "passed", deciders: 2 })
    expect(r.state<GardenState>("garden").planted).toEqual([{ what: "tomatoes", by: `group:${group}` }])
  })

  it("refuses an action outside the mandate, at opening", () => {
    const { w, group } = withGroup()
    const open = w.send(alice, Governance.propose({ title: "Fence", deadline: t(3), body: { group }, action: { module: "garden", type: "fence", body: { what: "x" } } }))
    expect(tagOf(w.replica(), open)).toBe("OutsideMandate")
  })

  it("cannot apply an action that needs more than a mandate, even when its mandate lists it", () => {
    const { w, group } = withGroup(["core/member.admit", "garden/fence"])
    w.apply(dave)
    const open = w.send(alice, Governance.propose({ title: "Let dave in", deadline: t(3), body: { group }, action: Governance.admit(dave.id) }))
    w.send(alice, Governance.stance(open.key, "agree"))
    w.send(bob, Governance.stance(open.key, "agree"))
    w.witness(t(3))
    const close = w.send(bob, Governance.close(open.key))
    const r = w.replica()
    const o = outcome(r, close)
    expect(o._tag).toBe("Applied")
    expect(o._tag === "Applied" && o.actions[0]).toMatchObject({ _tag: "Failed", module: "core", type: "member.admit", reason: { _tag: "WarrantInsufficient" } })
    expect(r.core.identities[dave.id]!.status).toBe("applicant")
    const p = gov(r).proposals[open.key]!
    expect(Governance.Records.actionStatus(p, { outcomeOf: (k) => r.outcome(k) })).toMatch(/^failed: WarrantInsufficient/)
  })

  it("only members take stances; joining and leaving change who decides", () => {
    const { w, group } = withGroup()
    const open = w.send(alice, Governance.propose({ title: "Plant beans", deadline: t(3), body: { group }, action: plant("beans") }))
    const outsider = w.send(carol, Governance.stance(open.key, "block", "I want peas"))
    const join = w.send(carol, Governance.joinGroup(group))
    const again = w.send(carol, Governance.joinGroup(group))
    const inside = w.send(carol, Governance.stance(open.key, "agree"))
    const leave = w.send(bob, Governance.leaveGroup(group))
    w.send(alice, Governance.stance(open.key, "agree"))
    w.witness(t(3))
    w.send(carol, Governance.close(open.key))
    const r = w.replica()
    expect(tagOf(r, outsider)).toBe("NotInGroup")
    expect(tagOf(r, join)).toBe("Applied")
    expect(tagOf(r, again)).toBe("AlreadyInGroup")
    expect(tagOf(r, inside)).toBe("Applied")
    expect(tagOf(r, leave)).toBe("Applied")
    const d = gov(r).proposals[open.key]!.decision!
    expect(d).toMatchObject({ outcome: "passed", deciders: 2 })
    expect(gov(r).groups[group]!.members).toEqual([alice.id, carol.id].sort())
  })

  it("decide by consensus with a quorum over their members", () => {
    const { w, group } = withGroup()
    const open = w.send(alice, Governance.propose({ title: "Plant leeks", deadline: t(3), body: { group }, action: plant("leeks") }))
    const consent = w.send(alice, Governance.propose({ title: "Consent?", process: "consent", deadline: t(3), body: { group } }))
    w.witness(t(3))
    w.send(carol, Governance.close(open.key))
    const r = w.replica()
    expect(gov(r).proposals[open.key]!.decision).toMatchObject({ outcome: "failed", rule: "NoQuorum" })
    expect(tagOf(r, consent)).toBe("ProcessNotAllowed")
  })

  it("once disbanded, can neither open proposals nor pass those still open", () => {
    const { w, group } = withGroup()
    const open = w.send(alice, Governance.propose({ title: "Plant kale", deadline: t(5), body: { group }, action: plant("kale") }))
    w.send(alice, Governance.stance(open.key, "agree"))
    w.send(bob, Governance.stance(open.key, "agree"))
    const disband = w.send(
      carol,
      Governance.propose({ title: "Disband", process: "consent", deadline: t(3), action: Governance.disbandGroup(group, "done") })
    )
    w.witness(t(3))
    w.send(carol, Governance.close(disband.key))
    const late = w.send(alice, Governance.propose({ title: "Plant more", deadline: t(6), body: { group }, action: plant("more") }))
    const join = w.send(carol, Governance.joinGroup(group))
    w.witness(t(5))
    w.send(alice, Governance.close(open.key))
    const r = w.replica()
    expect(gov(r).groups[group]!.disbanded).toMatchObject({ reason: "done" })
    expect(tagOf(r, late)).toBe("GroupDisbanded")
    expect(tagOf(r, join)).toBe("GroupDisbanded")
    expect(gov(r).proposals[open.key]!.decision).toMatchObject({ outcome: "failed", rule: "GroupGone" })
    expect(r.state<GardenState>("garden").planted).toEqual([])
  })

  it("stop deciding at their expiry", () => {
    const { w, group } = withGroup(["garden/plant"], { expiry: t(4) })
    const open = w.send(alice, Governance.propose({ title: "Plant figs", deadline: t(5), body: { group }, action: plant("figs") }))
    w.send(alice, Governance.stance(open.key, "agree"))
    w.send(bob, Governance.stance(open.key, "agree"))
    w.witness(t(5))
    const late = w.send(alice, Governance.propose({ title: "Too late", deadline: t(7), body: { group } }))
    w.send(alice, Governance.close(open.key))
    const r = w.replica()
    expect(tagOf(r, late)).toBe("GroupExpired")
    expect(gov(r).proposals[open.key]!.decision).toMatchObject({ outcome: "failed", rule: "GroupGone" })
  })

  it("take only full members, and the creating decision needs the community", () => {
    const w = new World([alice, bob], { timeWitnesses: 1 })
    w.apply(dave)
    const create = w.send(
      alice,
      Governance.propose({
        title: "With dave",
        process: "consent",
        deadline: t(1),
        action: Governance.createGroup({ name: "G", purpose: "p", mandate: [], members: [alice.id, dave.id] })
      })
    )
    w.tick(alice, t(1))
    const close = w.send(bob, Governance.close(create.key))
    const r = w.replica()
    const o = outcome(r, close)
    expect(o._tag === "Applied" && o.actions[0]).toMatchObject({ _tag: "Failed", reason: { _tag: "NotAFullMember" } })
    expect(Object.keys(gov(r).groups)).toEqual([])
  })

  it("exports its records to JSON, CSV and Markdown", () => {
    const { w, group } = withGroup()
    const open = w.send(alice, Governance.propose({ title: "Plant \"peas\", early", text: "Line one\nLine two", deadline: t(3), body: { group }, action: plant("peas") }))
    w.send(alice, Governance.stance(open.key, "agree"))
    w.send(bob, Governance.stance(open.key, "object", "too early, frost"))
    w.witness(t(3))
    w.send(carol, Governance.close(open.key))
    const r = w.replica()
    const state = gov(r)
    const options = { outcomeOf: (k: string) => r.outcome(k), nameOf: (id: string) => ({ [alice.id]: "alice", [bob.id]: "bob", [carol.id]: "carol" })[id] }
    const json = JSON.parse(Governance.Records.toJson(state, options)) as Array<Record<string, unknown>>
    expect(json.map((x) => x["title"])).toEqual(["Form the gardeners", 'Plant "peas", early'])
    expect(json[1]).toMatchObject({ outcome: "passed", actionStatus: "applied", decided: new Date(t(3)).toISOString() })
    expect(json[1]!["stances"]).toHaveLength(2)
    expect(json[1]!["stances"]).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ member: "alice", stance: "agree", reason: null }),
        expect.objectContaining({ member: "bob", stance: "object", reason: "too early, frost" })
      ])
    )
    const csv = Governance.Records.toCsv(state, options)
    expect(csv.split("\r\n")[0]).toMatch(/^proposal,title,process/)
    expect(csv).toContain('"Plant ""peas"", early"')
    expect(csv).toContain("bob: object (too early, frost)")
    const markdown = Governance.Records.toMarkdown(state, options)
    expect(markdown).toContain('## Plant "peas", early')
    expect(markdown).toContain("- Action: garden/plant: applied")
    expect(markdown).toContain("| bob | object | too early, frost |")
    expect(markdown).toContain("> Line one")
  })
})
