/**
 * Writes the conformance vectors of the administration module,
 * `conformance/vectors/administration.json` (`docs/protocol.md` §14, and the kernel
 * pieces of `docs/protocol.md` (§8, §9, §12 G8a)).
 *
 * Every key comes from fixed secret bytes, every time is fixed, and Ed25519 signatures are
 * deterministic, so running the generator again gives a byte-identical file. The outcome of
 * every event is written here by hand and checked against this SDK before anything is written;
 * the rankings of lots are recomputed here from the rules with `node:crypto` alone (not with
 * the SDK's code) and must agree with the SDK's state. Only state hashes are taken from the
 * SDK, and checked to be equal when the events are delivered in reverse order.
 *
 * ```sh
 * node --conditions=@affinity/source conformance/administration/generate.ts          # write the file
 * node --conditions=@affinity/source conformance/administration/generate.ts --check  # only compare
 * ```
 *
 * @module
 */
import * as nodeCrypto from "node:crypto"
import { readFile, writeFile } from "node:fs/promises"
import { Bytes, type Cbor, type Event, Replica } from "../../packages/core/src/index.ts"
import { type TestKey, testKey } from "../../packages/core/src/testing/Signer.ts"
import { TestCommunity } from "../../packages/core/src/testing/TestCommunity.ts"
import * as Governance from "../../packages/governance/src/index.ts"
import * as Administration from "../../packages/administration/src/index.ts"

const HOUR = 60 * 60 * 1000
const DAY = 24 * HOUR
const hex = Bytes.toHex

const alice = testKey(0x01, "alice")
const bob = testKey(0x02, "bob")
const carol = testKey(0x03, "carol")
const dave = testKey(0x04, "dave")
const erin = testKey(0x07, "erin")
const spam = testKey(0x09, "spam")

type Draft = { readonly module: string; readonly type: string; readonly body: Cbor.Value }
type Step = { readonly label: string; readonly event: Event.Event; readonly expect: string }

/** A scenario: a test community of alice, bob and carol (one time witness), and the steps with their expected outcomes. */
class Scenario {
  readonly c: TestCommunity<TestKey>
  readonly steps: Array<Step> = []
  readonly name: string
  readonly about: string
  private decisions = 0
  constructor(name: string, about: string) {
    this.name = name
    this.about = about
    this.c = new TestCommunity([alice, bob, carol], { timeWitnesses: 1 }, 1_700_000_000_000, name)
  }

  add(label: string, key: TestKey, draft: Draft, expect: string, options: { readonly parents?: ReadonlyArray<Event.Event> } = {}): Event.Event {
    const event = this.c.send(key, draft, options)
    this.steps.push({ label, event, expect })
    return event
  }

  apply(label: string, key: TestKey, expect: string, options: { readonly parents?: ReadonlyArray<Event.Event> } = {}): Event.Event {
    const event = this.c.join(key, options)
    this.steps.push({ label, event, expect })
    return event
  }

  /** Alice's and Bob's clocks attest `time`: community time reaches it. */
  witness(label: string, time: number): void {
    const a = this.c.tick(alice, time)
    const b = this.c.tick(bob, time)
    this.steps.push({ label: `${label} (alice's clock)`, event: a, expect: "Applied" }, { label: `${label} (bob's clock)`, event: b, expect: "Applied" })
  }

  /** A community decision carrying `actions`: opened by alice, agreed by all three, closed by alice after the deadline. */
  decide(label: string, actions: ReadonlyArray<Draft>, expect: string, body?: Governance.Deciders, voters: ReadonlyArray<TestKey> = [alice, bob, carol]): Event.Event {
    const n = ++this.decisions
    const deadline = this.c.time + 2 * HOUR
    const open = this.add(`decision ${n}: open`, voters[0]!, Governance.propose({ title: label, deadline, ...(body === undefined ? {} : { body }), ...(actions.length === 1 ? { action: actions[0]! } : { actions }) }), "Applied")
    for (const v of voters) this.add(`decision ${n}: ${v.name} agrees`, v, Governance.stance(open.key, "agree"), "Applied")
    const a = this.c.tick(voters[0]!, deadline + 1000)
    const b = this.c.tick(voters[1] ?? voters[0]!, deadline + 1000)
    this.steps.push({ label: `decision ${n}: clock`, event: a, expect: "Applied" }, { label: `decision ${n}: clock`, event: b, expect: "Applied" })
    return this.add(label, voters[0]!, Governance.close(open.key), expect)
  }
}

const sha256 = (...parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  const h = nodeCrypto.createHash("sha256")
  for (const p of parts) h.update(p)
  return new Uint8Array(h.digest())
}

/** The lot's ranking, from the rules (A5), with node:crypto. */
const rankByRules = (seed: string, group: string, role: string, round: number, pool: ReadonlyArray<string>): ReadonlyArray<{ identity: string; score: string }> =>
  pool
    .map((m) => {
      const r = Buffer.alloc(4)
      r.writeUInt32BE(round)
      const score = hex(sha256(Buffer.from("affinity/administration/lot/v1\u0000", "utf8"), Buffer.from(seed, "hex"), Buffer.from(group, "hex"), Buffer.from(role, "utf8"), Uint8Array.of(0), r, Buffer.from(m, "hex")))
      return { identity: m, score }
    })
    .sort((a, b) => (a.score < b.score ? -1 : a.score > b.score ? 1 : a.identity < b.identity ? -1 : 1))

// --- scenarios ---------------------------------------------------------------------------------

const qualifications = (): Scenario => {
  const s = new Scenario("qualifications", "A qualification granted by two vouches from holders past a 10-day probation; a working group that requires it refuses a member without it; a revocation, concurrent with a vouch by the revoked member, stops both the holding and that vouch.")
  const firstAid = Administration.define({ id: "first-aid", name: "First aid", criteria: "A first-aid course in the last year", grantedBy: "vouches", vouches: 2, probationDays: 10, expiryDays: 60 })
  s.decide("define first aid, grant it to alice and bob", [firstAid, Administration.grant("first-aid", alice.id, "course"), Administration.grant("first-aid", bob.id, "course")], "Applied; administration/qualification.define Applied; administration/qualification.grant Applied; administration/qualification.grant Applied")
  const group = s.decide("create the first-aid team, which requires first aid", [Governance.createGroup({ name: "First-aid team", purpose: "keep the kit", mandate: ["administration/qualification.revoke"], members: [alice.id], requires: { module: "administration", qualification: "first-aid" } })], "Applied; governance/group.create Applied")
  s.add("alice vouches for carol during her probation", alice, Administration.vouch("first-aid", carol.id, "certificate"), "InProbation")
  s.add("carol joins the team without first aid", carol, Governance.joinGroup(group.key), "NotQualified")
  s.witness("eleven days later", s.c.time + 11 * DAY)
  s.add("alice vouches for carol", alice, Administration.vouch("first-aid", carol.id, "certificate"), "Applied")
  s.add("alice vouches again", alice, Administration.vouch("first-aid", carol.id), "AlreadyVouched")
  s.add("carol vouches for herself", carol, Administration.vouch("first-aid", carol.id), "SelfVouch")
  s.add("bob vouches for carol", bob, Administration.vouch("first-aid", carol.id, "certificate"), "Applied")
  s.add("carol joins the team", carol, Governance.joinGroup(group.key), "Applied")
  s.add("alice signs a revocation directly", alice, Administration.revoke("first-aid", bob.id, "x"), "NeedsDecision")
  s.decide("revoke bob's first aid", [Administration.revoke("first-aid", bob.id, "the certificate was not his")], "Applied; administration/qualification.revoke Applied")
  s.add("bob vouches after the revocation", bob, Administration.vouch("first-aid", alice.id), "NotAHolder")
  return s
}

const membership = (): Scenario => {
  const s = new Scenario("membership", "Applications need a full member's invitation and at most 2 are taken per 7 days; admission needs one vouch by a full member past a 14-day probation (K1).")
  s.decide("set the membership rules", [Administration.setRules({ application: "invitation", perWindow: 2, windowDays: 7, admitVouches: 1, probationDays: 14 })], "Applied; administration/rules.set Applied")
  s.apply("a stranger applies without an invitation", spam, "ApplicationRefused")
  s.add("bob invites dave", bob, Administration.invite(dave.id), "Applied")
  s.add("bob invites erin", bob, Administration.invite(erin.id), "Applied")
  s.apply("dave applies", dave, "Applied")
  s.decide("admit dave before anyone vouched", [Governance.admit(dave.id)], "Applied; core/member.admit AdmissionRefused")
  s.add("carol vouches for dave", carol, Administration.vouchAdmission(dave.id), "Applied")
  s.decide("admit dave", [Governance.admit(dave.id)], "Applied; core/member.admit Applied")
  s.apply("erin applies", erin, "Applied")
  s.add("dave, in his probation, vouches for erin", dave, Administration.vouchAdmission(erin.id), "InProbation")
  s.add("alice invites the stranger", alice, Administration.invite(spam.id), "Applied")
  s.apply("the stranger applies again, past the rate", spam, "TooManyApplications")
  return s
}

const lotAndCaps = (): Scenario => {
  const s = new Scenario("lot and caps", "An assignment by lot from an opt-in pool ranked with the term's seed, a member at the cap of 2 roles refused a third (by assignment and by group.join), an hours cap and a holiday freeze from the next 28-day cycle.")
  const kitchen = s.decide("create the kitchen group", [Governance.createGroup({ name: "Kitchen", purpose: "cook", mandate: ["administration/assign", "administration/assign.lot"], members: [] })], "Applied; governance/group.create Applied")
  const garden = s.decide("create the garden group", [Governance.createGroup({ name: "Garden", purpose: "grow", mandate: ["administration/assign"], members: [alice.id] })], "Applied; governance/group.create Applied")
  const bar = s.decide("create the bar group", [Governance.createGroup({ name: "Bar", purpose: "pour", mandate: [], members: [] })], "Applied; governance/group.create Applied")
  s.decide("set an hours cap", [Administration.setRules({ hoursPerCycle: 6 })], "Applied; administration/rules.set Applied")
  s.add("alice draws term 0", alice, Governance.draw(0), "Applied")
  for (const k of [alice, bob, carol]) s.add(`${k.name} opts in to the kitchen`, k, Administration.joinPool(kitchen.key), "Applied")
  s.add("bob opts in twice", bob, Administration.joinPool(kitchen.key), "AlreadyInPool")
  s.decide("draw two cooks by lot", [Administration.assignByLot({ group: kitchen.key, role: "cook", seats: 2, hours: 3 })], "Applied; administration/assign.lot Applied")
  s.decide("assign alice to the garden", [Administration.assign({ group: garden.key, role: "waterer", member: alice.id, hours: 2 })], "Applied; administration/assign Applied")
  s.add("alice, a cook and a gardener, joins the bar", alice, Governance.joinGroup(bar.key), "RoleCap")
  s.decide("assign alice a third role at the bar", [Administration.assign({ group: bar.key, role: "bartender", member: alice.id })], "Applied; administration/assign RoleCap")
  s.add("bob joins the bar", bob, Governance.joinGroup(bar.key), "Applied")
  s.decide("assign carol 4 more hours", [Administration.assign({ group: garden.key, role: "weeder", member: carol.id, hours: 4 })], "Applied; administration/assign HoursCap")
  s.add("carol asks for a holiday", carol, Administration.freeze(1), "Applied")
  return s
}

const stewardship = (): Scenario => {
  const s = new Scenario("stewardship", "A drill stewarded by the community and the tool-shed group: a rule change takes both stewards' consent, custody moves with the custodian and one steward, personal property is outside decisions, and of two concurrent bookings of one time the first in fold order holds.")
  const shed = s.decide("create the tool-shed group", [Governance.createGroup({ name: "Tool shed", purpose: "keep the tools", mandate: ["administration/resource.consent"], members: [alice.id, bob.id] })], "Applied; governance/group.create Applied")
  const drill = s.decide("register the drill", [Administration.register({ name: "Drill", kind: "tool", stewards: ["community", shed.key], custodian: bob.id, rules: "Return it charged" })], "Applied; administration/resource.register Applied")
  s.decide("the community consents to new rules", [Administration.consent(drill.key, { rules: "Return it charged, within a week" })], "Applied; administration/resource.consent Applied")
  s.decide("the tool shed consents to new rules", [Administration.consent(drill.key, { rules: "Return it charged, within a week" })], "Applied; administration/resource.consent Applied", { group: shed.key }, [alice, bob])
  s.add("carol hands over the drill", carol, Administration.handover(drill.key, carol.id), "NotCustodian")
  s.add("bob hands the drill to carol", bob, Administration.handover(drill.key, carol.id), "Applied")
  s.decide("the community consents to carol's custody", [Administration.consent(drill.key, { custody: carol.id })], "Applied; administration/resource.consent Applied")
  const ladder = s.add("alice registers her ladder", alice, Administration.registerPersonal({ name: "Ladder", kind: "tool" }), "Applied")
  s.decide("the community tries to set the ladder's rules", [Administration.consent(ladder.key, { rules: "ours" })], "Applied; administration/resource.consent Personal")
  const t = s.c.time
  const base = s.c.heads()
  const a = s.add("alice books the drill", alice, Administration.book(drill.key, t + DAY, t + 2 * DAY, "shelves"), "", { parents: base })
  const b = s.add("bob books the drill at the same time, concurrently", bob, Administration.book(drill.key, t + DAY, t + 2 * DAY, "door"), "", { parents: base })
  // Equal depth: the one with the lower id comes first in fold order (§7) and holds.
  for (const st of s.steps.splice(-2)) s.steps.push({ ...st, expect: st.event.key === (a.key < b.key ? a.key : b.key) ? "Applied" : "Overlap" })
  const lent = s.add("alice lends her ladder to bob", alice, Administration.lend(ladder.key, bob.id, t + 3 * DAY), "Applied")
  s.add("bob returns the ladder", bob, Administration.giveBack(lent.key), "Applied")
  return s
}

// --- checking and writing ------------------------------------------------------------------------

const outcomeText = (o: Replica.Outcome | undefined): string =>
  !o ? "missing" : o._tag === "Rejected" ? o.reason._tag : ["Applied", ...o.actions.map((a) => `${a.module}/${a.type} ${a._tag === "Applied" ? "Applied" : a.reason._tag}`)].join("; ")

const fold = (s: Scenario, order: ReadonlyArray<Event.Event>): Replica.Replica => {
  const opened = Replica.Replica.open(s.c.genesis, { modules: [Governance.module, Administration.module] })
  if (!opened.ok) throw new Error(opened.error.message)
  opened.replica.ingest(order)
  return opened.replica
}

const build = (s: Scenario) => {
  const events = s.c.events.slice(1)
  const r = fold(s, events)
  const labels = new Map(s.steps.map((st) => [st.event.key, st]))
  const outcomes = events.map((e) => {
    const st = labels.get(e.key)
    if (!st) throw new Error(`${s.name}: an event without a label`)
    const got = outcomeText(r.outcome(e.key))
    if (got !== st.expect) throw new Error(`${s.name}: "${st.label}" was ${got}, expected ${st.expect}`)
    return { label: st.label, outcome: got }
  })
  const hash = hex(r.stateHash())
  const reversed = hex(fold(s, [...events].reverse()).stateHash())
  if (reversed !== hash) throw new Error(`${s.name}: the state hash depends on the delivery order`)
  const state = r.state<Administration.State>("administration")
  const lots = state.lots.map((l) => {
    const ranking = rankByRules(l.seed, l.group, l.role, l.round, [...l.ranked].sort())
    if (ranking.map((x) => x.identity).join() !== l.ranked.join()) throw new Error(`${s.name}: the lot's ranking differs from the rules`)
    return { group: l.group, role: l.role, term: l.term, seed: l.seed, round: l.round, ranking, drawn: l.drawn }
  })
  const past = Administration.Records.now(state, r.communityTime())
  const holders = Object.fromEntries([...new Set(state.definitions.map((d) => d.id))].sort().map((q) => [q, [...Administration.Records.holders(state, q, past)]]))
  return {
    name: s.name,
    about: s.about,
    genesis: hex(s.c.genesis.bytes),
    events: events.map((e) => ({ label: labels.get(e.key)!.label, id: e.key, wire: hex(e.bytes) })),
    expected: {
      outcomes,
      ...(lots.length === 0 ? {} : { lots }),
      holders,
      resources: Object.values(state.resources).map((x) => ({ name: x.name, custodian: x.custodian, stewards: x.stewards, rules: x.rules, personal: x.personal })),
      stateHash: hash
    }
  }
}

const file = {
  description:
    "Conformance vectors of the administration module (docs/protocol.md §14) and of the kernel pieces it relies on (docs/protocol.md (§8, §9, §12 G8a)): qualifications granted, vouched, required by a working group and revoked; membership rules the core module enforces (invitations, a rate of applications, admission vouches); assignments by lot with caps and a freeze; stewardship with consents, custody, personal property and bookings. Keys: secret seeds of 32 bytes 0x01 (alice), 0x02 (bob), 0x03 (carol), 0x04 (dave), 0x07 (erin), 0x09 (spam). Founders: alice, bob, carol; one time witness.",
  procedure:
    "For each scenario: open a replica from `genesis` (wire hex) with the core, governance and administration modules, deliver `events` (wire hex) in order, then check the outcome of every event ('Applied', followed by '; module/type Applied|<reason>' for each action it carried, or the rejection tag), each lot's ranking (recompute the scores from the seed by the rule of section A5), who holds each qualification at the end (community time of the last event), the resources, and the state hash. Delivering the events in any other order gives the same outcomes and state hash.",
  scenarios: [qualifications(), membership(), lotAndCaps(), stewardship()].map(build)
}

const text = `${JSON.stringify(file, null, 2)}\n`
const target = new URL("../vectors/administration.json", import.meta.url)
if (process.argv.includes("--check")) {
  const current = await readFile(target, "utf8").catch(() => undefined)
  console.log(current === text ? "administration.json is up to date" : "administration.json differs from what the generator writes")
  process.exitCode = current === text ? 0 : 1
} else {
  await writeFile(target, text)
  console.log(`wrote conformance/vectors/administration.json (${text.length} bytes)`)
}
