/**
 * Writes the conformance vectors of the justice module, `conformance/vectors/justice.json`.
 *
 * Every key comes from fixed secret bytes, every time is fixed, and Ed25519 signatures are
 * deterministic, so running the generator again gives a byte-identical file. The expected
 * outcome of every event is written here by hand and checked against this SDK before anything
 * is written; appeal panels are recomputed here from the rule with `node:crypto` alone (not with
 * the SDK's panel code) and must agree with the SDK's state. Only state hashes are taken from the
 * SDK, and checked to be equal when the events are delivered in reverse.
 *
 * ```sh
 * node --conditions=@affinity/source conformance/justice/generate.ts          # write the file
 * node --conditions=@affinity/source conformance/justice/generate.ts --check  # only compare
 * ```
 *
 * @module
 */
import * as nodeCrypto from "node:crypto"
import { readFile, writeFile } from "node:fs/promises"
import { Bytes, type Event, Replica } from "../../packages/core/src/index.ts"
import type { TestKey } from "../../packages/core/src/testing/Signer.ts"
import { testKey } from "../../packages/core/src/testing/Signer.ts"
import { TestCommunity } from "../../packages/core/src/testing/TestCommunity.ts"
import * as Defense from "../../packages/defense/src/index.ts"
import * as Economy from "../../packages/economy/src/index.ts"
import * as Governance from "../../packages/governance/src/index.ts"
import * as Justice from "../../packages/justice/src/index.ts"

const HOUR = 60 * 60 * 1000
const DAY = 24 * HOUR
/** Genesis time of every community in the vectors: 2023-11-14T22:13:20Z. */
const T0 = 1_700_000_000_000

type Key = TestKey
const alice = testKey(0x01, "alice")
const bob = testKey(0x02, "bob")
const carol = testKey(0x03, "carol")
const dave = testKey(0x04, "dave")
const erin = testKey(0x07, "erin")
const frank = testKey(0x06, "frank")
const gina = testKey(0x08, "gina")
/** Bob's second device. */
const bobPhone = testKey(0x09, "bob's phone")
const FIVE = [alice, bob, carol, dave, erin]
const SEVEN = [...FIVE, frank, gina]

const sha256 = (...parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  const h = nodeCrypto.createHash("sha256")
  for (const p of parts) h.update(p)
  return new Uint8Array(h.digest())
}
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex")
const unhex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, "hex"))

/** The onion secret of a key in the vectors: 31 bytes 0xa1, then the key's fill byte (the justice seats are then erin and gina). */
const onionSecret = (k: Key): Uint8Array => Bytes.concat(new Uint8Array(31).fill(0xa1), Uint8Array.of(k.secret[0]!))
const LAYERS = 16

/** A history: a test community whose events carry labels and hand-written outcomes. */
class History extends TestCommunity<Key> {
  readonly steps: Array<{ readonly label: string; readonly event: Event.Event; readonly expect: string }> = []

  readonly name: string
  readonly checks: string

  /** The modules the scenario runs besides core, by name. */
  readonly run: ReadonlyArray<string>

  constructor(name: string, checks: string, founders: ReadonlyArray<Key>, others: boolean = false) {
    super(founders, { timeWitnesses: 1, primeSize: 2, primeTerm: DAY }, T0)
    this.name = name
    this.checks = checks
    this.modules = others ? [Governance.module, Justice.module, Defense.module, Economy.module] : [Governance.module, Justice.module]
    this.run = this.modules.map((m) => m.name).sort()
  }

  step(label: string, key: Key, draft: { readonly module: string; readonly type: string; readonly body: unknown }, expect: string, options: Parameters<TestCommunity["add"]>[4] = {}): Event.Event {
    const event = this.add(key, draft.module, draft.type, draft.body as never, options)
    this.steps.push({ label, event, expect })
    return event
  }

  /** Ticks by the last two founders attesting `time`. */
  clocks(label: string, time: number): void {
    const [a, b] = this.founders.slice(-2)
    this.step(`${label}: clock of ${a!.name}`, a!, { module: "core", type: "tick", body: {} }, "Applied", { time })
    this.step(`${label}: clock of ${b!.name}`, b!, { module: "core", type: "tick", body: {} }, "Applied", { time })
  }

  now(): number {
    return this.replica().communityTime()
  }

  /** A decision carrying `actions`: opened by the first founder, agreed by `agree`, its deadline witnessed, closed. */
  decision(label: string, actions: ReadonlyArray<{ readonly module: string; readonly type: string; readonly body: never }>, agree: ReadonlyArray<Key>, expect: string, prime = false): Event.Event {
    const deadline = this.now() + HOUR
    const carrying = actions.length === 1 ? { action: actions[0]! } : { actions }
    const open = this.step(`${label}: proposal`, this.founders[0]!, Governance.propose({ title: label, deadline, ...(prime ? { body: { prime: "justice" } } : {}), ...carrying }), "Applied")
    for (const k of agree) this.step(`${label}: ${k.name} agrees`, k, Governance.stance(open.key, "agree"), "Applied")
    this.clocks(label, deadline)
    return this.step(`${label}: close`, this.founders[0]!, Governance.close(open.key), expect)
  }

  /** Seat term 1's prime groups by lot; the justice seats. */
  seat(): ReadonlyArray<Key> {
    for (const k of this.founders) this.step(`${k.name} commits`, k, Governance.commit(Governance.Lot.anchor(onionSecret(k), LAYERS)), "Applied")
    this.step("term 0 drawn", this.founders[0]!, Governance.draw(0), "Applied")
    for (const k of this.founders) this.step(`${k.name} reveals`, k, Governance.reveal(1, Governance.Lot.layer(onionSecret(k), LAYERS, 1)), "Applied")
    this.clocks("term 1 starts", T0 + DAY)
    this.step("term 1 drawn", this.founders[1]!, Governance.draw(1), "Applied")
    const state = this.replica().state<Governance.State>(Governance.module)
    return Governance.Records.seats(state, 1, "justice").map((id) => this.founders.find((k) => k.id === id)!)
  }
}

const scope = { module: "governance", types: ["proposal.open"] }

// --- scenarios -----------------------------------------------------------------------------------

const repaired = (): History => {
  const h = new History("a grievance repaired in a circle", "Repair starts when every party consents to the same facilitator; pre-circle meetings, the circle's agreed actions accepted by both parties, each action checked done: the case ends repaired. The affected person speaks first; only the case's people speak; a facilitator cannot be a party; only a handler records the circle.", FIVE)
  const filed = h.step("alice files about bob", alice, Justice.file({ about: { member: bob.id }, weight: "community", affected: carol.id }), "Applied")
  h.step("bob speaks before carol", bob, Justice.speak(filed.key), "AffectedSpeaksFirst")
  h.step("carol speaks first", carol, Justice.speak(filed.key), "Applied")
  h.step("erin is not in the case", erin, Justice.speak(filed.key), "NotInTheCase")
  h.step("bob speaks", bob, Justice.speak(filed.key), "Applied")
  h.step("carol names bob to facilitate", carol, Justice.consent(filed.key, [bob.id]), "FacilitatorIsAParty")
  for (const k of [alice, bob, carol]) h.step(`${k.name} consents with dave facilitating`, k, Justice.consent(filed.key, [dave.id]), "Applied")
  h.step("erin records a meeting", erin, Justice.met(filed.key, bob.id), "NotAHandler")
  for (const k of [alice, bob, carol]) h.step(`dave meets ${k.name}`, dave, Justice.met(filed.key, k.id), "Applied")
  const agreement = h.step("dave records the circle's actions", dave, Justice.agree(filed.key, [{ owner: bob.id, due: T0 + 10 * DAY }, { owner: carol.id, due: T0 + 10 * DAY }]), "Applied")
  for (const k of [alice, bob, carol]) h.step(`${k.name} accepts`, k, Justice.accept(filed.key, agreement.key), "Applied")
  h.step("action 0 done", dave, Justice.check(filed.key, 0, true), "Applied")
  h.step("action 1 done", dave, Justice.check(filed.key, 1, true), "Applied")
  h.step("a step after the end", carol, Justice.speak(filed.key), "CaseClosed")
  return h
}

const expiring = (): History => {
  const h = new History("a scoped restriction that stops one act and expires", "A community-weight case: votes of the frozen electorate choose a correction, then a second case a warning scoped to governance/proposal.open for two days, carried by community decisions. The ladder refuses skipping a rung and an expiry past the community's maximum. The warning stops bob opening a proposal, not taking a stance; after it expires bob opens one.", FIVE)
  const first = h.step("alice files about bob", alice, Justice.file({ about: { member: bob.id }, weight: "community" }), "Applied")
  h.step("carol votes before the affected person", carol, Justice.vote(first.key, "correction"), "AffectedSpeaksFirst")
  for (const k of [alice, carol, dave, erin]) h.step(`${k.name} votes correction`, k, Justice.vote(first.key, "correction"), "Applied")
  h.decision("skip to a warning", [Justice.decide({ case: first.key, option: "warning", reason: "too soon", scope, until: T0 + 3 * DAY }) as never], FIVE, "Applied; justice/case.decide NotTheReviewsChoice")
  h.decision("a correction", [Justice.decide({ case: first.key, option: "correction", reason: "spoke over others" }) as never], FIVE, "Applied; justice/case.decide Applied")
  const second = h.step("carol files about bob", carol, Justice.file({ about: { member: bob.id }, weight: "community" }), "Applied")
  for (const k of [carol, alice, dave, erin]) h.step(`${k.name} votes warning`, k, Justice.vote(second.key, "warning"), "Applied")
  const decidedAt = h.now() + HOUR
  h.decision("too long a warning", [Justice.decide({ case: second.key, option: "warning", reason: "no new proposals", scope, until: decidedAt + 91 * DAY }) as never], FIVE, "Applied; justice/case.decide ExpiryTooLong")
  const until = h.now() + HOUR + 2 * DAY
  h.decision("a warning", [Justice.decide({ case: second.key, option: "warning", reason: "no new proposals", scope, until }) as never], FIVE, "Applied; justice/case.decide Applied")
  const open = h.step("alice opens a proposal", alice, Governance.propose({ title: "Beans", deadline: h.now() + 2 * HOUR }), "Applied")
  h.step("bob opens a proposal", bob, Governance.propose({ title: "Shed", deadline: h.now() + 2 * HOUR }), "Restricted")
  h.step("bob takes a stance", bob, Governance.stance(open.key, "agree"), "Applied")
  h.clocks("the warning expires", until)
  h.step("bob opens a proposal after", bob, Governance.propose({ title: "Shed", deadline: until + 2 * HOUR }), "Applied")
  return h
}

const review = (): History => {
  const h = new History("a review: frozen electorate, a tie back to discussion, a leaver's vote dropped", "Frank, admitted after filing, cannot vote; a tie allows only further discussion, which opens a new round; erin's vote is dropped once erin leaves, so the next round's choice carries.", [...FIVE])
  const filed = h.step("alice files about bob", alice, Justice.file({ about: { member: bob.id }, weight: "community" }), "Applied")
  h.step("frank applies", frank, { module: "core", type: "member.apply", body: { note: "frank" } }, "Applied")
  h.decision("admit frank", [Governance.admit(frank.id) as never], FIVE, "Applied; core/member.admit Applied")
  h.step("frank votes", frank, Justice.vote(filed.key, "no-change"), "NotInElectorate")
  for (const [k, o] of [[alice, "correction"], [carol, "correction"], [dave, "no-change"], [erin, "no-change"]] as const) h.step(`${k.name} votes ${o}`, k, Justice.vote(filed.key, o), "Applied")
  h.decision("a tie decided as correction", [Justice.decide({ case: filed.key, option: "correction", reason: "x" }) as never], FIVE, "Applied; justice/case.decide NotTheReviewsChoice")
  h.decision("further discussion", [Justice.decide({ case: filed.key, option: "discussion", reason: "a tie" }) as never], FIVE, "Applied; justice/case.decide Applied")
  for (const [k, o] of [[alice, "correction"], [carol, "correction"], [dave, "no-change"], [erin, "no-change"]] as const) h.step(`${k.name} votes ${o} again`, k, Justice.vote(filed.key, o), "Applied")
  h.step("erin leaves", erin, { module: "core", type: "member.leave", body: { note: "moving" } }, "Applied")
  const deadline = h.now() + HOUR
  const open = h.step("a correction: proposal", alice, Governance.propose({ title: "a correction", deadline, action: Justice.decide({ case: filed.key, option: "correction", reason: "after erin left" }) }), "Applied")
  for (const k of [alice, bob, carol, dave]) h.step(`a correction: ${k.name} agrees`, k, Governance.stance(open.key, "agree"), "Applied")
  h.step("a correction: clock of carol", carol, { module: "core", type: "tick", body: {} }, "Applied", { time: deadline })
  h.step("a correction: clock of dave", dave, { module: "core", type: "tick", body: {} }, "Applied", { time: deadline })
  h.step("a correction: close", alice, Governance.close(open.key), "Applied; justice/case.decide Applied")
  return h
}

const appealed = (): { readonly h: History; readonly warning: string; readonly appeal: string } => {
  const h = new History("an appeal heard by a panel drawn by lot", "The justice prime group (seated by lot) corrects bob, then warns bob off opening proposals for 30 days; a removal by the prime group is refused. Bob appeals: the panel is ranked from the lot's seed and the restriction's key, leaving out the seats that decided and the parties; carol's appeal of bob's restriction is refused; the panel overturns by consensus and bob acts again.", SEVEN)
  const seats = h.seat()
  const first = h.step("alice files about bob", alice, Justice.file({ about: { member: bob.id }, weight: "prime" }), "Applied")
  h.decision("removal by the prime group", [Justice.decide({ case: first.key, option: "removal", reason: "x" }) as never], seats, "Applied; justice/case.decide NeedsCommunityDecision", true)
  h.decision("a correction", [Justice.decide({ case: first.key, option: "correction", reason: "a first word" }) as never], seats, "Applied; justice/case.decide Applied", true)
  const second = h.step("alice files again", alice, Justice.file({ about: { member: bob.id }, weight: "prime" }), "Applied")
  const warning = h.decision("a warning", [Justice.decide({ case: second.key, option: "warning", reason: "no new proposals", scope, until: h.now() + HOUR + 30 * DAY }) as never], seats, "Applied; justice/case.decide Applied", true)
  h.step("bob opens a proposal", bob, Governance.propose({ title: "Shed", deadline: h.now() + 2 * HOUR }), "Restricted")
  h.step("carol appeals bob's restriction", carol, Justice.appeal(warning.key), "NotYourRestriction")
  const appeal = h.step("bob appeals", bob, Justice.appeal(warning.key), "Applied")
  h.step("bob appeals again", bob, Justice.appeal(warning.key), "AlreadyAppealed")
  const panel = h.replica().state<Justice.State>(Justice.module).appeals[appeal.key]!.panel.map((id) => SEVEN.find((k) => k.id === id)!)
  const outsider = SEVEN.find((k) => !panel.includes(k))!
  h.step(`${outsider.name}, not on the panel, overturns`, outsider, Justice.appealStance(appeal.key, "overturn"), "NotOnThePanel")
  for (const k of panel) h.step(`${k.name} overturns`, k, Justice.appealStance(appeal.key, "overturn"), "Applied")
  h.step("bob opens a proposal after the appeal", bob, Governance.propose({ title: "Shed", deadline: h.now() + 2 * HOUR }), "Applied")
  return { h, warning: warning.key, appeal: appeal.key }
}

const forked = (): History => {
  const h = new History("a forked chain opens a case on its own", "Carol records bob's fork with core/equivocation; alice opens a justice case from it (the proof event's header and its two events) with no one's consent; a second case on the same fork is refused, and so is a proof whose events are swapped.", FIVE)
  const tip = h.step("bob opens a proposal", bob, Governance.propose({ title: "One", deadline: T0 + 3 * HOUR }), "Applied")
  const a = h.signed(bob, "core", "tick", {}, { seq: tip.header.seq + 1, time: tip.header.time + 10 })
  const b = h.signed(bob, "core", "tick", {}, { seq: tip.header.seq + 1, time: tip.header.time + 20 })
  const proof = h.step("carol records the fork", carol, { module: "core", type: "equivocation", body: { a: a.bytes, b: b.bytes } }, "Applied")
  h.step("alice swaps the events", alice, Justice.fork(proof.headerBytes, b.bytes, a.bytes), "NotAProof")
  h.step("alice opens the case", alice, Justice.fork(proof.headerBytes, a.bytes, b.bytes), "Applied")
  h.step("dave opens it again", dave, Justice.fork(proof.headerBytes, a.bytes, b.bytes), "CaseExists")
  return h
}

const facts = (): History => {
  const h = new History(
    "cases opened on other modules' facts",
    "Defense and the economy run beside governance and justice. A working group's emergency mandate ends; before its review is overdue defense lists nothing and the opening is refused; once overdue, alice opens a case about the group with nobody's consent, a second opening is refused and the case cannot be withdrawn. Bob spends on two devices at once and overshoots his limit: a case about a member with no overshoot is refused, carol opens one about bob, a second is refused.",
    FIVE,
    true
  )
  const group = h.decision("a working group", [Governance.createGroup({ name: "Night watch", purpose: "respond to attacks", mandate: ["defense/restrict"], members: [carol.id, dave.id] }) as never], FIVE, "Applied; governance/group.create Applied")
  const mandate = h.decision("an emergency mandate", [Defense.grantMandate({ group: group.key }, { scope: ["restrict"], expires: h.now() + 2 * DAY, reason: "a bot wave" }) as never], FIVE, "Applied; defense/mandate.grant Applied")
  h.step("alice opens a case before the review is due", alice, Justice.open({ mandate: mandate.key }), "NotOverdue")
  h.clocks("the review is overdue", h.now() + 17 * DAY)
  const opened = h.step("alice opens a case on the overdue review", alice, Justice.open({ mandate: mandate.key }, "community"), "Applied")
  h.step("bob opens it again", bob, Justice.open({ mandate: mandate.key }), "AlreadyOpen")
  h.step("alice withdraws it", alice, Justice.withdraw(opened.key), "NotWithdrawable")
  h.decision("a currency", [Economy.createCurrency({ name: "Hours", symbol: "h", decimals: 0, policy: { creditLimit: 50, offlineAllowance: 30 } }) as never], FIVE, "Applied; economy/currency.create Applied")
  h.step("bob adds his phone", bob, { module: "core", type: "device.add", body: h.deviceAdd(bob, bobPhone) }, "Applied")
  const base = h.heads()
  h.step("bob pays carol 40 from his laptop", bob, Economy.pay(carol.id, 40, "laptop"), "Applied", { parents: base })
  h.step("bob pays dave 30 from his phone, concurrently", bobPhone, Economy.pay(dave.id, 30, "phone"), "Applied", { parents: base })
  h.step("carol opens a case about dave", carol, Justice.open({ payer: dave.id }), "NoOvershoot")
  h.step("carol opens a case about bob's overshoot", carol, Justice.open({ payer: bob.id }), "Applied")
  h.step("dave opens it again", dave, Justice.open({ payer: bob.id }), "AlreadyOpen")
  return h
}

// --- the file ------------------------------------------------------------------------------------

const outcomeText = (o: Replica.Outcome | undefined): string =>
  !o ? "missing" : o._tag === "Rejected" ? o.reason._tag : ["Applied", ...o.actions.map((a) => `${a.module}/${a.type} ${a._tag === "Applied" ? "Applied" : a.reason._tag}`)].join("; ")

/** The panel by the rule, with `node:crypto` alone. */
const panelByRule = (lotSeed: string, restriction: string, candidates: ReadonlyArray<string>, excluded: ReadonlyArray<string>, size: number): ReadonlyArray<string> => {
  const seed = sha256(Buffer.from("affinity/justice/panel/v1\u0000", "utf8"), unhex(lotSeed), unhex(restriction))
  return candidates
    .filter((c) => !excluded.includes(c))
    .map((c) => ({ c, s: hex(sha256(seed, unhex(c))) }))
    .sort((x, y) => (x.s < y.s ? -1 : x.s > y.s ? 1 : 0))
    .slice(0, size)
    .map((x) => x.c)
}

const vectorOf = (h: History, extra: Record<string, unknown> = {}) => {
  const events = h.events.slice(1)
  const labelled = new Map(h.steps.map((s) => [s.event.key, s]))
  const forward = h.replica(h.events)
  const backward = h.replica([h.genesis, ...[...events].reverse()])
  if (forward.stateHashHex() !== backward.stateHashHex()) throw new Error(`${h.name}: the state hash depends on the delivery order`)
  for (const s of h.steps) {
    const got = outcomeText(forward.outcome(s.event.key))
    if (got !== s.expect) throw new Error(`${h.name}: "${s.label}" was ${got}, expected ${s.expect}`)
    if (outcomeText(backward.outcome(s.event.key)) !== got) throw new Error(`${h.name}: "${s.label}" differs in reverse`)
  }
  const state = forward.state<Justice.State>(Justice.module)
  return {
    name: h.name,
    checks: h.checks,
    modules: h.run,
    genesis: hex(h.genesis.bytes),
    events: events.map((e) => ({ label: labelled.get(e.key)?.label ?? `${e.header.module}/${e.header.type}`, id: e.key, wire: hex(e.bytes) })),
    expected: {
      outcomes: events.map((e) => ({ label: labelled.get(e.key)?.label ?? `${e.header.module}/${e.header.type}`, outcome: outcomeText(forward.outcome(e.key)) })),
      cases: Object.keys(state.cases)
        .sort()
        .map((id) => {
          const c = state.cases[id]!
          return { id, kind: c.kind, status: c.status, about: c.about, respondents: c.respondents, electorate: c.electorate, handlers: c.handlers, repair: c.repair?.stage ?? null, round: c.round, decisions: c.decisions.map((d) => d.option) }
        }),
      restrictions: Object.keys(state.restrictions)
        .sort()
        .map((key) => {
          const r = state.restrictions[key]!
          return { key, subject: r.subject, rung: r.rung, scope: r.scope, until: Justice.expiry(r), by: r.by, deciders: r.deciders, ended: r.ended?.why ?? null }
        }),
      appeals: Object.keys(state.appeals)
        .sort()
        .map((key) => {
          const a = state.appeals[key]!
          return { key, restriction: a.restriction, lotSeed: a.lot === null ? "" : forward.state<Governance.State>(Governance.module).terms[String(a.lot.term)]!.seed, seed: a.seed, panel: a.panel, decided: a.decided?.verdict ?? null }
        }),
      stateHash: forward.stateHashHex(),
      ...extra
    }
  }
}

/** The file's text. */
export const generate = (): string => {
  const { h: appealHistory, appeal } = appealed()
  const appealVector = vectorOf(appealHistory)
  // The panel, recomputed from the rule alone.
  const state = appealHistory.replica().state<Justice.State>(Justice.module)
  const a = state.appeals[appeal]!
  const r = state.restrictions[a.restriction]!
  const c = state.cases[r.case]!
  const lotSeed = appealVector.expected.appeals[0]!.lotSeed
  const byRule = panelByRule(lotSeed, r.key, SEVEN.map((k) => k.id).sort(), [...r.deciders, ...Justice.parties(c), r.subject], state.params.panelSize)
  if (byRule.join() !== a.panel.join()) throw new Error("the SDK's panel differs from the rule")
  const file = {
    description:
      "Conformance vectors of the justice module (docs/protocol.md, the justice section): cases, repair, reviews, restrictions through the kernel's standing gate, appeals heard by a panel drawn by lot, cases opened by a forked chain, and cases opened on other modules' facts (an overdue mandate review, an overshoot), as signed events with the outcome of each. Keys: secret seeds of 32 bytes 0x01 (alice), 0x02 (bob), 0x03 (carol), 0x04 (dave), 0x07 (erin), 0x06 (frank), 0x08 (gina), 0x09 (bob's second device). Onion secrets: 31 bytes 0xa1 then the key's fill byte, 16 layers. Every community: timeWitnesses 1, primeSize 2, primeTerm one day.",
    procedure:
      "For each scenario: open a replica from `genesis` (wire hex) with the core module and the modules the scenario lists (`modules`: governance and justice, and for one scenario defense and the economy too), deliver `events` (wire hex) in order, then check the outcome of every event ('Applied', followed by '; module/type Applied|<reason>' for each action the event carried, or the rejection tag), the cases, restrictions and appeals listed, and the state hash (SHA-256 of the canonical CBOR of the states of core and the listed modules, by name). The same results must come from any delivery order. An appeal's panel: seed = SHA-256('affinity/justice/panel/v1' 0x00 || lot seed || restriction key), where the lot seed is the seed of the latest governance term drawn in the appeal's past (empty when none); candidates are the full members at the appeal less the restriction's deciders, the case's parties and the subject; ranked by SHA-256(seed || identity) ascending; the first panelSize sit.",
    scenarios: [vectorOf(repaired()), vectorOf(expiring()), vectorOf(review()), appealVector, vectorOf(forked()), vectorOf(facts())]
  }
  return `${JSON.stringify(file, null, 2)}\n`
}

const target = new URL("../vectors/justice.json", import.meta.url)

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = generate()
  if (process.argv.includes("--check")) {
    const current = await readFile(target, "utf8").catch(() => undefined)
    console.log(current === text ? "justice.json is up to date" : "justice.json differs from what the generator writes")
    process.exitCode = current === text ? 0 : 1
  } else {
    await writeFile(target, text)
    console.log(`wrote conformance/vectors/justice.json (${text.length} bytes)`)
  }
}
