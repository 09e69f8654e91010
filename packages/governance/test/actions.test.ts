/**
 * Decisions that do several things: a proposal carrying an ordered list of actions, applied
 * in order and all or none; the checks on each action; amendments with actions; what became
 * of each action in `decision`, the records, the explanation and the binder; and the module
 * laws over a history of such decisions.
 */
import { describe, expect, it } from "vitest"
import { type Cbor, Client, type Membership, Storage } from "@affinity/core"
import { moduleLaws, testKey } from "@affinity/core/testing"
import * as Governance from "@affinity/governance"
import { garden, type GardenState, gov, HOUR, key, outcome, T0, tagOf, World } from "./support/world.ts"

const { DAY } = Governance
const client = () => Client.make({ storage: Storage.layerMemory, modules: [Governance.module] })

const alice = key(1, "alice")
const bob = key(2, "bob")
const carol = key(3, "carol")
const dave = key(4, "dave")
const erin = key(5, "erin")

const admitted = { _tag: "Applied", module: "core", type: "member.admit" } as const

describe("a decision that does several things, through the Promise API", () => {
  it("applies every action in order when all can be applied, and none when one fails", async () => {
    const c = await client()
    const [me, ada, bo, cy, stranger] = [await c.generateKey(), await c.generateKey(), await c.generateKey(), await c.generateKey(), await c.generateKey()]
    const start = Date.now() - DAY
    const community = await c.create({ name: "Garden", author: me, time: start })
    for (const applicant of [ada, bo, cy]) await community.append(applicant, "core", "member.apply", { note: "I grow beans" }, { time: start })
    const deadline = start + HOUR
    const open = async (draft: Governance.EventDraft<"proposal.open">) => {
      const { key, outcome } = await community.append(me, draft, { time: start })
      expect(outcome._tag).toBe("Applied")
      await community.append(me, Governance.stance(key, "agree"), { time: start })
      return key
    }
    const both = await open(
      Governance.propose({ title: "Admit Ada and Bo", process: "consent", deadline, actions: [Governance.admit(ada.id), Governance.admit(bo.id)] })
    )
    const mixed = await open(
      Governance.propose({ title: "Admit Cy and a stranger", process: "consent", deadline, actions: [Governance.admit(cy.id), Governance.admit(stranger.id)] })
    )
    await community.append(me, "core", "tick", {})

    // The stranger never applied: the decision passes, and neither action takes effect.
    const expectedMixed = {
      _tag: "Applied",
      actions: [
        {
          _tag: "Failed",
          module: "core",
          type: "member.admit",
          reason: { _tag: "NotApplied", message: expect.stringContaining("action 2 (core/member.admit) failed, so this one was undone") }
        },
        { _tag: "Failed", module: "core", type: "member.admit", reason: { _tag: "NotAnApplicant" } }
      ]
    }
    expect(await community.check(me, Governance.close(mixed))).toMatchObject(expectedMixed)
    expect((await community.append(me, Governance.close(mixed))).outcome).toMatchObject(expectedMixed)
    expect(community.members()).not.toContain(cy.id)
    const failed = Governance.decision(community, mixed)!
    expect(failed.decision).toMatchObject({ outcome: "passed", actionEvent: failed.decision.key })
    expect(Governance.actionsOf(failed.decision).map((a) => a.body)).toEqual([Governance.admit(cy.id).body, Governance.admit(stranger.id).body])
    expect(failed.actions.map((a) => (a._tag === "Failed" ? a.reason._tag : a._tag))).toEqual(["NotApplied", "NotAnApplicant"])
    // `action` is the first action's outcome.
    expect(failed.action).toBe(failed.actions[0])

    const closed = await community.append(me, Governance.close(both))
    expect(closed.outcome).toEqual({ _tag: "Applied", actions: [admitted, admitted] })
    expect(community.members()).toEqual(expect.arrayContaining([ada.id, bo.id]))
    expect(community.members()).not.toContain(cy.id)
    const passed = Governance.decision(community, both)!
    expect(passed.actions).toEqual([admitted, admitted])
    expect(passed.action).toEqual(admitted)
    expect(Governance.decisions(community).map((d) => [d.proposal.id, d.actions.length])).toEqual([
      [mixed, 2],
      [both, 2]
    ])

    // The records say what became of each action, in order.
    const state = community.state<Governance.State>("governance")
    const options = { outcomeOf: community.outcome }
    const markdown = Governance.Records.toMarkdown(state, options)
    expect(markdown).toContain("- Actions (2, applied together or not at all): applied\n  1. core/member.admit: applied\n  2. core/member.admit: applied")
    expect(markdown).toContain("- Actions (2, applied together or not at all): failed: action 2 of 2 (core/member.admit): NotAnApplicant: ")
    expect(markdown).toMatch(/\n {2}1\. core\/member\.admit: failed: NotApplied: not applied: [^\n]*action 2 \(core\/member\.admit\) failed/)
    expect(markdown).toMatch(/\n {2}2\. core\/member\.admit: failed: NotAnApplicant: /)
    const records = JSON.parse(Governance.Records.toJson(state, options)) as ReadonlyArray<Governance.Records.DecisionRecord>
    const byTitle = (title: string) => records.find((r) => r.title === title)!
    expect(byTitle("Admit Ada and Bo").actions.map((a) => [a.type, a.status, a.body])).toEqual([
      ["member.admit", "applied", { identity: { $bytes: ada.id } }],
      ["member.admit", "applied", { identity: { $bytes: bo.id } }]
    ])
    expect(byTitle("Admit Cy and a stranger").actions.map((a) => a.status.split(":").slice(0, 2).join(":"))).toEqual(["failed: NotApplied", "failed: NotAnApplicant"])
    expect(byTitle("Admit Cy and a stranger").action).toEqual({ module: "core", type: "member.admit", body: { identity: { $bytes: cy.id } } })
    const csv = Governance.Records.toCsv(state, options).split("\r\n")
    const row = csv.find((line) => line.includes("Admit Ada and Bo"))!
    expect(row).toContain(",core/member.admit | core/member.admit,applied | applied,")

    // In words, with names: the binder and the explanation.
    const names: Record<string, string> = { [me.id]: "Mo", [ada.id]: "Ada", [bo.id]: "Bo", [cy.id]: "Cy", [stranger.id]: "Sam" }
    const page = Governance.Binder.html(state, community.state<Membership.State>("core"), { nameOf: (id) => names[id], outcomeOf: community.outcome, timeZone: "UTC" })
    expect(page).toContain("Applied in this order, together or not at all:<ol class=\"actions\"><li>Admit Ada as a full member: carried out.</li><li>Admit Bo as a full member: carried out.</li></ol>")
    expect(page).toContain(
      "<li>Admit Cy as a full member: not carried out: a decision&#39;s actions take effect together, and action 2 (admit Sam as a full member) could not be.</li>"
    )
    expect(page).toMatch(/<li>Admit Sam as a full member: could not be carried out: [^<]*; so none of the decision&#39;s actions took effect\.<\/li>/)
    const told = Governance.Explain.actions(state, failed.decision, failed.actions, { name: (id) => names[id] ?? "someone", number: () => 1 })
    expect(told.map((a) => [a.what, a.result])).toEqual([
      ["admit Cy as a full member", "notApplied"],
      ["admit Sam as a full member", "failed"]
    ])
    await c.close()
  })

  it("amends a proposal to carry several actions, and the close carries the amended list", async () => {
    const c = await client()
    const [me, ada, bo] = [await c.generateKey(), await c.generateKey(), await c.generateKey()]
    const start = Date.now() - DAY
    const community = await c.create({ name: "Garden", author: me, time: start })
    for (const applicant of [ada, bo]) await community.append(applicant, "core", "member.apply", { note: "hello" }, { time: start })
    const { key } = await community.append(me, Governance.propose({ title: "Admit Ada", process: "consent", deadline: start + HOUR, action: Governance.admit(ada.id) }), { time: start })
    const amended = await community.append(
      me,
      Governance.amend(key, { text: "and Bo", actions: [Governance.admit(ada.id), Governance.admit(bo.id)], deadline: start + HOUR }),
      { time: start }
    )
    expect(amended.outcome._tag).toBe("Applied")
    // An amendment whose second action is a member's own act is refused, naming the action.
    const refused = await community.append(me, Governance.amend(key, { text: "x", actions: [Governance.admit(ada.id), Governance.close(key)], deadline: start + HOUR }), {
      time: start
    })
    expect(refused.outcome).toMatchObject({
      _tag: "Rejected",
      reason: { _tag: "NotAnAction", message: "action 2 of 2: governance/proposal.close is a member's own act; a decision cannot carry it" }
    })
    const versions = community.state<Governance.State>("governance").proposals[key]!.versions
    expect(versions.map((v) => Governance.actionsOf(v).length)).toEqual([1, 2])
    // A version with one action keeps the layout it always had: no `actions` key.
    expect("actions" in versions[0]!).toBe(false)
    expect(versions[1]!.action).toEqual(versions[1]!.actions![0])

    await community.append(me, Governance.stance(key, "agree"), { time: start })
    await community.append(me, "core", "tick", {})
    const closed = await community.append(me, Governance.close(key))
    expect(closed.outcome).toEqual({ _tag: "Applied", actions: [admitted, admitted] })
    expect(Governance.decision(community, key)?.decision).toMatchObject({ version: 1, text: "and Bo" })
    expect(community.members()).toEqual(expect.arrayContaining([ada.id, bo.id]))
    await c.close()
  })

  it("a list of one is sent as the single action, and a decision without actions has none to report", async () => {
    const c = await client()
    const me = await c.generateKey()
    const start = Date.now() - DAY
    const community = await c.create({ name: "Garden", author: me, time: start })
    const draft = Governance.propose({ title: "Admit", deadline: start + HOUR, actions: [Governance.admit(me.id)] })
    expect(draft.body.action).toEqual(Governance.admit(me.id))
    expect("actions" in draft.body).toBe(false)
    const { key } = await community.append(me, Governance.propose({ title: "Water", process: "consent", deadline: start + HOUR, actions: [] }), { time: start })
    await community.append(me, "core", "tick", {})
    await community.append(me, Governance.close(key))
    expect(Governance.decision(community, key)).toMatchObject({ decision: { outcome: "passed", actionEvent: null }, action: undefined, actions: [] })
    await c.close()
  })
})

describe("the checks on each action", () => {
  const admit = Governance.admit
  const open = (w: World, body: { readonly [key: string]: Cbor.Value }) =>
    w.add(alice, "governance", "proposal.open", { title: "x", text: "", process: "consensus", deadline: T0 + 2 * HOUR, ...body })

  it("refuses a body with both action and actions, a list of one or of more than eight, and a bad action in the list", () => {
    const w = new World([alice, bob, carol], { timeWitnesses: 1 })
    const a = admit(dave.id)
    const both = open(w, { action: a, actions: [a, admit(erin.id)] })
    const one = open(w, { actions: [a] })
    const nine = open(w, { actions: Array.from({ length: 9 }, () => a) })
    const bad = open(w, { actions: [a, { ...a, module: "Core" }] })
    const r = w.replica()
    const refusal = (e: typeof both) => {
      const o = outcome(r, e)
      return o._tag === "Rejected" ? o.reason : undefined
    }
    expect(refusal(both)).toEqual({
      _tag: "InvalidBody",
      message:
        'governance/proposal.open: a proposal carries either "action" (one) or "actions" (2 to 8, applied together or not at all), not both; move the single action into the list'
    })
    expect(refusal(one)).toEqual({ _tag: "InvalidBody", message: 'governance/proposal.open: actions: list 2 to 8 actions here; a single action goes in "action"' })
    expect(refusal(nine)).toEqual({ _tag: "InvalidBody", message: "governance/proposal.open: actions: must have at most 8 items" })
    expect(refusal(bad)?.message).toContain("actions[1].module: expected a module name")
    expect(Object.keys(gov(r).proposals)).toEqual([])
  })

  it("refuses an own act anywhere in the list, and any list on a poll", () => {
    const w = new World([alice, bob, carol], { timeWitnesses: 1 })
    const first = w.send(alice, Governance.propose({ title: "x", deadline: T0 + 2 * HOUR }))
    const own = w.send(alice, Governance.propose({ title: "y", deadline: T0 + 2 * HOUR, actions: [admit(dave.id), Governance.stance(first.key, "agree")] }))
    const poll = w.send(alice, Governance.propose({ title: "z", process: "poll", deadline: T0 + 2 * HOUR, actions: [admit(dave.id), admit(erin.id)] }))
    const r = w.replica()
    expect(outcome(r, own)).toEqual({
      _tag: "Rejected",
      reason: { _tag: "NotAnAction", message: "action 2 of 2: governance/stance is a member's own act; a decision cannot carry it" }
    })
    expect(tagOf(r, poll)).toBe("PollCarriesNoAction")
  })

  it("a prime group decides only its own module's actions, each of them", () => {
    const w = new World([alice, bob, carol], { timeWitnesses: 1 })
    const g = "11".repeat(32)
    const prime = { prime: "governance" } as const
    const mixed = w.send(alice, Governance.propose({ title: "x", deadline: T0 + 2 * HOUR, body: prime, actions: [Governance.renewGroup(g, null), admit(dave.id)] }))
    const own = w.send(alice, Governance.propose({ title: "y", deadline: T0 + 2 * HOUR, body: prime, actions: [Governance.renewGroup(g, null), Governance.disbandGroup(g, "done")] }))
    const r = w.replica()
    expect(outcome(r, mixed)).toMatchObject({
      _tag: "Rejected",
      reason: { _tag: "OutsideMandate", message: expect.stringMatching(/^action 2 of 2: the governance prime group decides governance actions only; core\/member\.admit/) }
    })
    // Both actions are the group's own: the proposal gets past the mandate, to the seats (none drawn).
    expect(tagOf(r, own)).toBe("PrimeShortOfSeats")
  })

  it("a working group decides only actions in its mandate, each of them, and its several actions apply together under its warrant", () => {
    const w = new World([alice, bob, carol], { timeWitnesses: 1 })
    w.modules = [garden]
    w.apply(dave)
    const create = w.send(
      alice,
      Governance.propose({
        title: "Form the gardeners",
        process: "consent",
        deadline: T0 + HOUR,
        action: Governance.createGroup({ name: "Gardeners", purpose: "Tend the beds", mandate: ["garden/plant", "core/member.admit"], members: [alice.id, bob.id] })
      })
    )
    w.witness(T0 + HOUR)
    const group = w.send(carol, Governance.close(create.key)).key
    const plant = (what: string) => ({ module: "garden", type: "plant", body: { what } })
    const deadline = T0 + 3 * HOUR
    const outside = w.send(alice, Governance.propose({ title: "x", deadline, body: { group }, actions: [plant("peas"), { module: "garden", type: "fence", body: { what: "x" } }] }))
    const beds = w.send(alice, Governance.propose({ title: "Beds", deadline, body: { group }, actions: [plant("peas"), plant("beans")] }))
    const over = w.send(alice, Governance.propose({ title: "Over", deadline, body: { group }, actions: [plant("kale"), admit(dave.id)] }))
    for (const p of [beds, over]) for (const k of [alice, bob]) w.send(k, Governance.stance(p.key, "agree"))
    w.witness(deadline)
    const bedsClosed = w.send(carol, Governance.close(beds.key))
    const overClosed = w.send(carol, Governance.close(over.key))
    const r = w.replica()
    expect(outcome(r, outside)).toMatchObject({
      _tag: "Rejected",
      reason: { _tag: "OutsideMandate", message: expect.stringMatching(/^action 2 of 2: garden\/fence is outside the mandate of "Gardeners"/) }
    })
    expect(outcome(r, bedsClosed)).toEqual({
      _tag: "Applied",
      actions: [
        { _tag: "Applied", module: "garden", type: "plant" },
        { _tag: "Applied", module: "garden", type: "plant" }
      ]
    })
    // The mandate lists core/member.admit, but a group's warrant cannot admit: the kale is not planted either.
    expect(outcome(r, overClosed)).toMatchObject({
      _tag: "Applied",
      actions: [
        { _tag: "Failed", module: "garden", type: "plant", reason: { _tag: "NotApplied" } },
        { _tag: "Failed", module: "core", type: "member.admit", reason: { _tag: "WarrantInsufficient" } }
      ]
    })
    expect(r.state<GardenState>("garden").planted).toEqual([
      { what: "peas", by: `group:${group}` },
      { what: "beans", by: `group:${group}` }
    ])
    expect(r.core.identities[dave.id]!.status).toBe("applicant")
  })

  it("every delivery order gives the same state and outcomes", () => {
    const w = new World([alice, bob, carol], { timeWitnesses: 1 })
    w.apply(dave)
    w.apply(erin)
    const p = w.send(alice, Governance.propose({ title: "Both", deadline: T0 + 2 * HOUR, actions: [admit(dave.id), admit(erin.id)] }))
    const q = w.send(bob, Governance.propose({ title: "Erin then Dave", process: "consent", deadline: T0 + 2 * HOUR, actions: [admit(erin.id), admit(dave.id)] }))
    w.send(alice, Governance.stance(p.key, "agree"))
    w.send(bob, Governance.stance(p.key, "agree"))
    w.witness(T0 + 2 * HOUR)
    const closes = w.heads()
    const first = w.send(carol, Governance.close(q.key), { parents: closes })
    const second = w.send(alice, Governance.close(p.key), { parents: closes })
    const reference = w.replica()
    const reversed = w.replica([...w.events].reverse())
    expect(reversed.stateHashHex()).toBe(reference.stateHashHex())
    for (const e of [first, second]) expect(outcome(reversed, e)).toEqual(outcome(reference, e))
    // Whichever close folds first admits both; the other finds them members already and applies neither.
    const tags = [first, second].map((e) => {
      const o = outcome(reference, e)
      return o._tag === "Applied" ? o.actions.map((a) => (a._tag === "Applied" ? "Applied" : a.reason._tag)).join(",") : o.reason._tag
    })
    expect(tags.sort()).toEqual(["Applied,Applied", "NotAnApplicant,NotApplied"].sort())
    expect(reference.core.identities[dave.id]!.status).toBe("full")
    expect(reference.core.identities[erin.id]!.status).toBe("full")
  })
})

// The module laws over decisions that do several things: one applies both its actions, one
// fails on its second and applies neither, and refusals of lists along the way.
const frank = testKey(6, "Frank")
const gina = testKey(8, "Gina")
moduleLaws(Governance.module, {
  params: { timeWitnesses: 1 },
  scenario: (c, [ada, bo, cy]) => {
    const deadline = T0 + 2 * HOUR
    c.join(frank)
    c.join(gina)
    const both = c.send(ada!, Governance.propose({ title: "Admit Frank and Gina", deadline, actions: [Governance.admit(frank.id), Governance.admit(gina.id)] }))
    const never = testKey(9, "Never")
    const mixed = c.send(bo!, Governance.propose({ title: "Admit Gina and Never", process: "consent", deadline, action: Governance.admit(gina.id) }))
    c.send(bo!, Governance.amend(mixed.key, { text: "and Never", actions: [Governance.admit(gina.id), Governance.admit(never.id)], deadline }))
    c.send(cy!, Governance.propose({ title: "x", process: "poll", deadline, actions: [Governance.admit(frank.id), Governance.admit(gina.id)] })) // refused
    const base = c.heads()
    c.send(ada!, Governance.stance(both.key, "agree"), { parents: base })
    c.send(bo!, Governance.stance(both.key, "agree"), { parents: base })
    c.witness(deadline)
    const closing = c.heads()
    c.send(cy!, Governance.close(mixed.key), { parents: closing })
    c.send(ada!, Governance.close(both.key), { parents: closing })
    c.send(frank, Governance.propose({ title: "Seed library", deadline: deadline + 2 * HOUR }))
  }
})
