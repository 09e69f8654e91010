/**
 * Writes the conformance vectors of the governance module, `conformance/vectors/governance.json`.
 *
 * Every key comes from fixed secret bytes, every time is fixed, and Ed25519 signatures are
 * deterministic, so running the generator again gives a byte-identical file. The expected
 * outcome of every event (and, where a scenario has them, the members standing leaves out of a
 * draw and the community parameters at the end) is written here by hand and checked against
 * this SDK before anything is written; seeds and seat rankings are recomputed here from the
 * rules with `node:crypto` alone (not with the SDK's lot code) and must agree with the SDK's state.
 * Only state hashes are taken from the SDK, and checked to be equal across delivery orders.
 *
 * ```sh
 * node --conditions=@affinity/source conformance/governance/generate.ts          # write the file
 * node --conditions=@affinity/source conformance/governance/generate.ts --check  # only compare
 * ```
 *
 * @module
 */
import * as nodeCrypto from "node:crypto"
import { readFile, writeFile } from "node:fs/promises"
import { Bytes, type Cbor, Event, type Module, Replica } from "../../packages/core/src/index.ts"
import { signDraft, type TestKey, testKey } from "../../packages/core/src/testing/Signer.ts"
import * as Governance from "../../packages/governance/src/index.ts"
import * as Bans from "../../packages/governance/test/support/bans.ts"
import * as Garden from "../../packages/governance/test/support/garden.ts"
import * as Skills from "../../packages/governance/test/support/skills.ts"

const hex = Bytes.toHex
const HOUR = 60 * 60 * 1000
const DAY = 24 * HOUR
/** Genesis time of every community in the vectors: 2023-11-14T22:13:20Z. */
const T0 = 1_700_000_000_000

// --- keys and signatures ------------------------------------------------------------------------

type Key = TestKey

/** The key whose 32-byte secret seed is `fill` repeated. */
const fixedKey = (name: string, fill: number): Key => testKey(fill, name)

const alice = fixedKey("alice", 0x01)
const bob = fixedKey("bob", 0x02)
const carol = fixedKey("carol", 0x03)
const dave = fixedKey("dave", 0x04)
const erin = fixedKey("erin", 0x07)
const KEYS = [alice, bob, carol, dave, erin]
/** Newcomers of the scenario of decisions that do several things (not in `KEYS`: the lot vectors use those). */
const frank = fixedKey("frank", 0x06)
const gina = fixedKey("gina", 0x08)

const sha256 = (...parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  const h = nodeCrypto.createHash("sha256")
  for (const p of parts) h.update(p)
  return new Uint8Array(h.digest())
}

/** The onion secret of a key in the vectors: 31 bytes 0xaa, then the key's fill byte. */
const onionSecret = (k: Key): Uint8Array => Bytes.concat(new Uint8Array(31).fill(0xaa), Uint8Array.of(k.secret[0]!))
const ONION = 16
const iterate = (v: Uint8Array, n: number): Uint8Array => {
  let x = v
  for (let i = 0; i < n; i++) x = sha256(x)
  return x
}
const anchorOf = (k: Key) => iterate(onionSecret(k), ONION)
const layerOf = (k: Key, i: number) => iterate(onionSecret(k), ONION - i)

// --- building histories -------------------------------------------------------------------------

interface Step {
  readonly label: string
  readonly event: Event.Event
  /** The outcome written by hand: "Applied" (with the actions' outcomes) or a rejection tag. */
  readonly expect: string
}

class History {
  readonly genesis: Event.Event
  readonly steps: Array<Step> = []
  private readonly tips = new Map<string, Event.Event>()
  private readonly all: Array<Event.Event> = []
  readonly name: string
  readonly params: Record<string, number>
  /** Test modules the scenario runs besides core and governance (see `testModules` in the file). */
  readonly modules: ReadonlyArray<Module.Module>
  /**
   * Members a draw must leave out of a prime group's ranking because standing stops them from
   * `governance/seat` with body `{ group }` (G8), written by hand: the rankings are derived
   * again without them.
   */
  readonly seatBans: Array<{ readonly term: number; readonly group: string; readonly member: Key }> = []
  /** The community parameters expected at the end, written by hand (only scenarios that change them). */
  finalParams: Json | undefined = undefined

  constructor(name: string, founders: ReadonlyArray<Key>, params: Record<string, number>, modules: ReadonlyArray<Module.Module> = []) {
    this.name = name
    this.params = params
    this.modules = modules
    this.genesis = this.sign(founders[0]!, {
      community: null,
      author: founders[0]!.publicKey,
      seq: 1,
      prev: null,
      parents: [],
      time: T0,
      module: "core",
      type: "genesis",
      body: { name, founders: [...Event.dedupeSorted(founders.map((f) => f.publicKey))], params }
    })
    this.tips.set(founders[0]!.id, this.genesis)
    this.all.push(this.genesis)
  }

  private sign(key: Key, draft: Event.Draft): Event.Event {
    return signDraft(key.secret, draft)
  }

  heads(): Array<Event.Event> {
    const named = new Set<string>()
    for (const e of this.all) {
      for (const p of e.header.parents) named.add(hex(p))
      if (e.header.prev) named.add(hex(e.header.prev))
    }
    return this.all.filter((e) => !named.has(e.key))
  }

  /** Add an event on top of `parents` (default: every head), expecting `expect`. */
  add(
    label: string,
    key: Key,
    draft: { readonly module: string; readonly type: string; readonly body: Cbor.Value },
    expect: string,
    options: { readonly parents?: ReadonlyArray<Event.Event>; readonly time?: number } = {}
  ): Event.Event {
    const tip = this.tips.get(key.id)
    const parents = options.parents ?? this.heads()
    const time = options.time ?? Math.max(...parents.map((p) => p.header.time), tip?.header.time ?? 0) + 1000
    const event = this.sign(key, {
      community: this.genesis.id,
      author: key.publicKey,
      seq: tip ? tip.header.seq + 1 : 1,
      prev: tip ? tip.id : null,
      parents: parents.filter((p) => !tip || p.key !== tip.key).map((p) => p.id),
      time,
      module: draft.module,
      type: draft.type,
      body: draft.body
    })
    this.tips.set(key.id, event)
    this.all.push(event)
    this.steps.push({ label, event, expect })
    return event
  }

  tick(label: string, key: Key, time: number, parents?: ReadonlyArray<Event.Event>): Event.Event {
    return this.add(label, key, { module: "core", type: "tick", body: {} }, "Applied", parents ? { time, parents } : { time })
  }

  /**
   * Ticks by each of `keys` attesting `time`, one on top of the other (the first on `parents`,
   * or every head); returns the last. From three full members on, community time needs at
   * least two members' clocks, whatever `timeWitnesses` says (docs/protocol.md §6).
   */
  witness(label: string, keys: ReadonlyArray<Key>, time: number, parents?: ReadonlyArray<Event.Event>): Event.Event {
    let last: Event.Event | undefined
    for (const k of keys) last = this.tick(`${label}: ${k.name}'s clock`, k, time, last ? [last] : parents)
    if (!last) throw new Error("witness needs a key")
    return last
  }
}

const open = (r: Replica.Replica | undefined): Replica.Replica => {
  if (!r) throw new Error("no replica")
  return r
}

const replicaOf = (h: History, order: ReadonlyArray<Event.Event>): Replica.Replica => {
  const opened = Replica.Replica.open(h.genesis, { modules: [Governance.module, ...h.modules] })
  if (!opened.ok) throw new Error(opened.error.message)
  for (const e of order) opened.replica.ingest([e])
  return open(opened.replica)
}

const outcomeText = (o: Replica.Outcome | undefined): string =>
  !o
    ? "missing"
    : o._tag === "Rejected"
      ? o.reason._tag
      : ["Applied", ...o.actions.map((a) => (a._tag === "Applied" ? `${a.module}/${a.type} Applied` : `${a.module}/${a.type} ${a.reason._tag}`))].join(
          "; "
        )

// --- independent re-derivation of the lot --------------------------------------------------------

const u64 = (n: number): Uint8Array => {
  const b = Buffer.alloc(8)
  b.writeBigUInt64BE(BigInt(n))
  return new Uint8Array(b)
}

const seedOf = (community: Uint8Array, term: number, reveals: ReadonlyArray<Uint8Array>): Uint8Array =>
  sha256(Buffer.from("affinity/lot/v1\u0000", "utf8"), community, u64(term), ...[...reveals].sort((a, b) => Buffer.compare(a, b)))

const rankingOf = (seed: Uint8Array, group: string, eligible: ReadonlyArray<string>) =>
  eligible
    .map((id) => ({ identity: id, score: hex(sha256(seed, Buffer.from(group, "utf8"), Bytes.fromHex(id)!)) }))
    .sort((a, b) => (a.score < b.score ? -1 : a.score > b.score ? 1 : 0))

// --- the scenarios -------------------------------------------------------------------------------

const propose = Governance.propose
const stance = Governance.stance
const close = Governance.close

const scenarios = (): ReadonlyArray<History> => {
  const out: Array<History> = []
  const three = [alice, bob, carol]
  // With three founders, community time needs two of their clocks even with timeWitnesses 1.
  const w1 = { timeWitnesses: 1 }
  const deadline = T0 + 2 * HOUR

  {
    const h = new History("consensus passes and its action admits a member", three, w1)
    h.add("dave applies", dave, { module: "core", type: "member.apply", body: { note: "hello" } }, "Applied")
    const p = h.add("alice proposes to admit dave", alice, propose({ title: "Admit dave", deadline, action: Governance.admit(dave.id) }), "Applied")
    h.add("dave signs core/member.admit himself", dave, Governance.admit(dave.id), "NeedsDecision")
    h.add("alice signs core/member.admit directly", alice, Governance.admit(dave.id), "NeedsDecision")
    h.add("alice agrees", alice, stance(p.key, "agree"), "Applied")
    h.add("bob agrees", bob, stance(p.key, "agree"), "Applied")
    h.add("carol closes too early", carol, close(p.key), "DeadlineNotReached")
    const first = h.tick("alice's clock reaches the deadline", alice, deadline)
    h.add("carol closes on alice's clock alone", carol, close(p.key), "DeadlineNotReached")
    h.tick("bob's clock reaches the deadline", bob, deadline, [first])
    h.add("carol closes", carol, close(p.key), "Applied; core/member.admit Applied")
    h.add("bob closes again", bob, close(p.key), "AlreadyClosed")
    out.push(h)
  }
  {
    const h = new History("a block, then an amendment clears every stance and the new version passes", three, w1)
    const p = h.add("alice proposes", alice, propose({ title: "Dues", text: "Raise dues to 20", deadline }), "Applied")
    h.add("bob blocks", bob, stance(p.key, "block", "too much for some of us"), "Applied")
    h.add("carol blocks without a reason", carol, { module: "governance", type: "stance", body: { proposal: p.id, stance: "block" } }, "InvalidBody")
    h.add("bob amends (not the proposer)", bob, Governance.amend(p.key, { text: "nothing" }), "NotProposer")
    h.add("alice amends", alice, Governance.amend(p.key, { text: "Raise dues to 12, waived on request" }), "Applied")
    h.add("alice agrees", alice, stance(p.key, "agree"), "Applied")
    h.add("bob agrees", bob, stance(p.key, "agree"), "Applied")
    h.witness("deadline", [alice, bob], deadline)
    h.add("carol stances after the deadline", carol, stance(p.key, "agree"), "DeadlinePassed")
    h.add("carol closes", carol, close(p.key), "Applied")
    out.push(h)
  }
  {
    // Seen before the deadline (G4, §6 "Seen before"): the closer cannot drop a block others saw.
    const h = new History("a block the community saw before the deadline counts though the close leaves it out; one nobody else saw does not", three, w1)
    const p = h.add("alice proposes", alice, propose({ title: "Share tools", deadline }), "Applied")
    const q = h.add("alice proposes another", alice, propose({ title: "Paint the door", deadline }), "Applied")
    h.add("alice agrees to the door", alice, stance(q.key, "agree"), "Applied")
    h.add("bob agrees to the door", bob, stance(q.key, "agree"), "Applied")
    h.add("alice agrees", alice, stance(p.key, "agree"), "Applied")
    const agree = h.add("bob agrees", bob, stance(p.key, "agree"), "Applied")
    const tick = h.witness("deadline", [alice, bob], deadline, [agree])
    const block = h.add("carol blocks", carol, stance(p.key, "block", "not yet"), "Applied", { parents: [agree] })
    h.tick("alice's device receives the block before community time passes the deadline", alice, deadline + 1000, [block])
    h.add("bob closes on the deadline ticks, leaving the block out: Blocked all the same", bob, close(p.key), "Applied", { parents: [tick] })
    h.add("carol blocks the door, on old parents, after the deadline", carol, stance(q.key, "block", "too late"), "Applied", { parents: [agree] })
    h.add("bob closes the door on the deadline ticks: it passes, the late block counts for nothing", bob, close(q.key), "Applied", { parents: [tick] })
    out.push(h)
  }
  {
    const h = new History("consent and polls", three, w1)
    const quiet = h.add("consent proposal", alice, propose({ title: "Quiet", process: "consent", deadline }), "Applied")
    const loud = h.add("contested consent proposal", alice, propose({ title: "Loud", process: "consent", deadline }), "Applied")
    h.add("poll with an action", alice, propose({ title: "Bad poll", process: "poll", deadline, action: Governance.admit(dave.id) }), "PollCarriesNoAction")
    const poll = h.add("poll", alice, propose({ title: "Lunch?", process: "poll", deadline }), "Applied")
    h.add("bob objects", bob, stance(loud.key, "object", "the budget is wrong"), "Applied")
    h.add("alice answers the poll", alice, stance(poll.key, "agree"), "Applied")
    h.add("bob answers the poll", bob, stance(poll.key, "block", "no"), "Applied")
    h.witness("deadline", [alice, bob], deadline)
    h.add("close quiet", bob, close(quiet.key), "Applied")
    h.add("close loud", bob, close(loud.key), "Applied")
    h.add("close poll", bob, close(poll.key), "Applied")
    out.push(h)
  }
  {
    // G6a: a decision taken on paper, entered afterwards and signed by its witnesses.
    const h = new History("a decision taken on paper is entered afterwards and signed by each witness", three, w1)
    const before = h.witness("an hour in", [alice, bob], T0 + HOUR)
    const paper = Governance.Paper.record({ title: "Open the pantry on Sundays", text: "Agreed in the hall.", decided: T0 + 30 * 60 * 1000, witnesses: [alice.id, bob.id, carol.id] })
    h.add("dave is not a member: no witness", alice, Governance.Paper.record({ title: "x", text: "", decided: T0, witnesses: [dave.id] }), "WitnessNotAMember")
    h.add("a date after now", alice, Governance.Paper.record({ title: "x", text: "", decided: T0 + DAY, witnesses: [bob.id] }), "DecidedInFuture")
    h.add("the same witness twice", alice, Governance.Paper.record({ title: "x", text: "", decided: T0, witnesses: [bob.id, bob.id] }), "RepeatedWitness")
    const entered = h.add("alice enters it", alice, paper, "Applied")
    h.add("carol signs before she has seen it", carol, Governance.Paper.attest(entered.key, "agree"), "UnknownPaper", { parents: [before] })
    h.add("alice signs", alice, Governance.Paper.attest(entered.key, "agree"), "Applied")
    h.add("alice signs again", alice, Governance.Paper.attest(entered.key, "agree"), "AlreadySigned")
    h.add("bob disputes without a reason", bob, { module: "governance", type: "paper.attest", body: { paper: entered.id, verdict: "dispute" } }, "InvalidBody")
    h.add("bob agrees", bob, Governance.Paper.attest(entered.key, "agree"), "Applied")
    h.add("carol disputes it", carol, Governance.Paper.attest(entered.key, "dispute", "we said Saturdays"), "Applied")
    h.add("a proposal cannot carry it", alice, propose({ title: "Enter it for them", deadline: T0 + 3 * HOUR, action: paper }), "NotAnAction")
    out.push(h)
  }
  {
    const h = new History("a member removed by decision no longer counts", three, w1)
    const p1 = h.add("alice proposes", alice, propose({ title: "Sundays", deadline: T0 + 5 * HOUR }), "Applied")
    h.add("alice agrees", alice, stance(p1.key, "agree"), "Applied")
    h.add("carol blocks", carol, stance(p1.key, "block", "I want it closed"), "Applied")
    const p2 = h.add("remove carol", alice, propose({ title: "Remove carol", deadline, action: Governance.remove(carol.id, "repeated harm") }), "Applied")
    h.add("alice agrees to remove", alice, stance(p2.key, "agree"), "Applied")
    h.add("bob agrees to remove", bob, stance(p2.key, "agree"), "Applied")
    h.witness("deadline", [alice, bob], deadline)
    h.add("bob closes the removal", bob, close(p2.key), "Applied; core/member.remove Applied")
    h.add("bob agrees to Sundays", bob, stance(p1.key, "agree"), "Applied")
    h.tick("second deadline: alice's clock (two full members remain: one clock is enough)", alice, T0 + 5 * HOUR)
    h.add("alice closes Sundays", alice, close(p1.key), "Applied")
    out.push(h)
  }
  {
    const h = new History("one liar's clock cannot close early", three, { timeWitnesses: 2 })
    const p = h.add("alice proposes", alice, propose({ title: "Clock", deadline }), "Applied")
    h.add("alice agrees", alice, stance(p.key, "agree"), "Applied")
    const past = h.add("bob agrees", bob, stance(p.key, "agree"), "Applied")
    h.tick("carol claims a year later", carol, T0 + 365 * DAY)
    h.add("carol closes", carol, close(p.key), "DeadlineNotReached")
    h.tick("bob reaches the deadline", bob, deadline, [past])
    h.add("alice closes", alice, close(p.key), "Applied")
    out.push(h)
  }
  {
    const h = new History("working groups decide within their mandate", three, w1)
    h.add("dave applies", dave, { module: "core", type: "member.apply", body: { note: "hi" } }, "Applied")
    const create = h.add(
      "create the group",
      alice,
      propose({
        title: "Door group",
        process: "consent",
        deadline: T0 + HOUR,
        action: Governance.createGroup({ name: "Door", purpose: "Welcome people", mandate: ["core/member.admit"], members: [alice.id, bob.id] })
      }),
      "Applied"
    )
    h.witness("deadline", [alice, bob], T0 + HOUR)
    const made = h.add("close: the group is created", carol, close(create.key), "Applied; governance/group.create Applied")
    const group = made.key
    h.add("group proposal outside the mandate", alice, propose({ title: "x", deadline: T0 + 3 * HOUR, body: { group }, action: Governance.remove(carol.id, "x") }), "OutsideMandate")
    const p = h.add("group proposal to admit dave", alice, propose({ title: "Admit dave", deadline: T0 + 3 * HOUR, body: { group }, action: Governance.admit(dave.id) }), "Applied")
    h.add("carol (not in the group) stances", carol, stance(p.key, "agree"), "NotInGroup")
    h.add("alice agrees", alice, stance(p.key, "agree"), "Applied")
    h.add("bob agrees", bob, stance(p.key, "agree"), "Applied")
    h.witness("deadline", [alice, bob], T0 + 3 * HOUR)
    h.add("close: passes, but a group's warrant cannot admit", carol, close(p.key), "Applied; core/member.admit WarrantInsufficient")
    out.push(h)
  }
  {
    const h = new History("every full member is a time witness; from three on, one clock moves nothing", [alice, bob], {})
    h.add("carol applies", carol, { module: "core", type: "member.apply", body: { note: "hello" } }, "Applied")
    const a = h.add("alice proposes to admit carol", alice, propose({ title: "Admit carol", deadline: T0 + HOUR, action: Governance.admit(carol.id) }), "Applied")
    h.add("alice agrees", alice, stance(a.key, "agree"), "Applied")
    h.add("bob closes too early", bob, close(a.key), "DeadlineNotReached")
    h.tick("alice's clock reaches the deadline (two full members: one clock is enough)", alice, T0 + HOUR)
    h.add("bob closes: carol is admitted", bob, close(a.key), "Applied; core/member.admit Applied")
    const p = h.add("alice proposes", alice, propose({ title: "Paint", process: "consent", deadline: T0 + 3 * HOUR }), "Applied")
    h.tick("bob's clock reaches the deadline", bob, T0 + 3 * HOUR)
    h.add("alice closes on bob's clock alone (three full members: two clocks needed)", alice, close(p.key), "DeadlineNotReached")
    h.add("carol's clock (an admitted member's) passes the deadline", carol, { module: "core", type: "tick", body: {} }, "Applied")
    h.add("alice closes on bob's and carol's clocks", alice, close(p.key), "Applied")
    h.add("alice leaves", alice, { module: "core", type: "member.leave", body: { note: "moving away" } }, "Applied")
    h.add("bob leaves", bob, { module: "core", type: "member.leave", body: { note: "moving away" } }, "Applied")
    const q = h.add("carol proposes", carol, propose({ title: "Carry on", process: "consent", deadline: T0 + 6 * HOUR }), "Applied")
    h.tick("carol's clock reaches the deadline", carol, T0 + 6 * HOUR)
    h.add("carol closes: every founder has left, and her clock keeps time", carol, close(q.key), "Applied")
    out.push(h)
  }
  {
    const five = [alice, bob, carol, dave, erin]
    const h = new History("the lot seats the prime groups; prime decisions need every seat", five, { timeWitnesses: 1, primeSize: 2, primeTerm: DAY })
    h.add("erin reveals before any draw", erin, Governance.reveal(1, layerOf(erin, 1)), "RevealTooEarly")
    for (const k of five) h.add(`${k.name} commits`, k, Governance.commit(anchorOf(k)), "Applied")
    h.add("term 1 before term 0", alice, Governance.draw(1), "PreviousTermNotDrawn")
    h.add("draw term 0", alice, Governance.draw(0), "Applied")
    h.add("bob reveals a wrong layer", bob, Governance.reveal(1, layerOf(bob, 2)), "BadReveal")
    for (const k of [alice, bob, carol, dave]) h.add(`${k.name} reveals for term 1`, k, Governance.reveal(1, layerOf(k, 1)), "Applied")
    h.add("draw term 1 too early", carol, Governance.draw(1), "TermNotStarted")
    h.witness("term 1 starts", [alice, bob], T0 + DAY)
    h.add("erin reveals too late", erin, Governance.reveal(1, layerOf(erin, 1)), "RevealTooLate")
    h.add("draw term 1", bob, Governance.draw(1), "Applied")
    h.add("draw term 1 again", carol, Governance.draw(1), "AlreadyDrawn")
    out.push(h)
  }
  return out
}

/**
 * A working group that requires a qualification (G6): governance asks the test module `skills`
 * its query `qualified`, which answers on the joining event's causal past (§8, "Queries").
 */
const qualified = (): History => {
  const h = new History("a group that requires a qualification admits a join only when the join's past holds it", [alice, bob, carol], { timeWitnesses: 1 }, [Skills.skills])
  const create = h.add(
    "alice proposes the treasurers, who must hold bookkeeping",
    alice,
    propose({
      title: "Treasurers",
      process: "consent",
      deadline: T0 + HOUR,
      action: Governance.createGroup({ name: "Treasurers", purpose: "Keep the books", mandate: [], members: [alice.id], requires: { module: "skills", qualification: "bookkeeping" } })
    }),
    "Applied"
  )
  h.witness("deadline", [alice, bob], T0 + HOUR)
  const made = h.add("carol closes: the group is created", carol, close(create.key), "Applied; governance/group.create Applied")
  const none = h.add("carol joins, holding nothing", carol, Governance.joinGroup(made.key), "NotQualified")
  const given = h.add("alice grants carol bookkeeping", alice, Skills.grant(carol.id), "Applied", { parents: [made] })
  const unseen = h.add("carol joins again, concurrently with the grant", carol, Governance.joinGroup(made.key), "NotQualified", { parents: [none] })
  h.add("carol joins having received the grant", carol, Governance.joinGroup(made.key), "Applied", { parents: [unseen, given] })
  const bobs = h.add("alice grants bob bookkeeping", alice, Skills.grant(bob.id), "Applied")
  const ended = h.add("alice revokes bob's grant", alice, Skills.revoke(bobs), "Applied")
  h.add("bob joins after the revocation", bob, Governance.joinGroup(made.key), "NotQualified", { parents: [ended] })
  return h
}

/** Prime decisions in the lot scenario need the seats, which come from the draw: added once the draw is folded. */
const primeSteps = (h: History): void => {
  const r = replicaOf(h, h.steps.map((s) => s.event))
  const state = r.state<Governance.State>(Governance.module)
  const seats = Governance.Records.seats(state, 1, "governance")
  const byId = (id: string) => KEYS.find((k) => k.id === id)!
  const outsider = KEYS.find((k) => !seats.includes(k.id))!
  const d = T0 + DAY + 3 * HOUR
  const all = h.add("prime proposal", alice, propose({ title: "Prime: everyone agrees", deadline: d, body: { prime: "governance" } }), "Applied")
  const one = h.add("prime proposal, one seat silent", alice, propose({ title: "Prime: one silent", deadline: d, body: { prime: "governance" } }), "Applied")
  h.add("prime proposal for another module's action", alice, propose({ title: "x", deadline: d, body: { prime: "justice" }, action: Governance.admit(dave.id) }), "OutsideMandate")
  h.add("outsider stances on a prime proposal", outsider, stance(all.key, "agree"), "NotSeated")
  for (const s of seats) h.add(`seat ${byId(s).name} agrees`, byId(s), stance(all.key, "agree"), "Applied")
  h.add(`seat ${byId(seats[0]!).name} agrees to the second`, byId(seats[0]!), stance(one.key, "agree"), "Applied")
  h.witness("deadline", [alice, bob], d)
  h.add("close: every seat agreed", alice, close(all.key), "Applied")
  h.add("close: a seat was silent", alice, close(one.key), "Applied")
}

/**
 * A late competing draw (G8, G10): term 1 is published a little after its start; a prime
 * decision is made under it and term 2 is revealed for and drawn. Then a draw of term 1 signed
 * on the ticks that started the term arrives: it has fewer ancestors, so it sorts first and is
 * recorded, with the same seats. Everything made under the published draw stands.
 */
const lateDraw = (): History => {
  const five = [alice, bob, carol, dave, erin]
  const h = new History("a late competing draw on old parents changes nothing for what the published draw seated", five, {
    timeWitnesses: 1,
    primeSize: 2,
    primeTerm: DAY
  })
  for (const k of five) h.add(`${k.name} commits`, k, Governance.commit(anchorOf(k)), "Applied")
  h.add("draw term 0", alice, Governance.draw(0), "Applied")
  for (const k of five) h.add(`${k.name} reveals for term 1`, k, Governance.reveal(1, layerOf(k, 1)), "Applied")
  const start = h.witness("term 1 starts", [alice, bob], T0 + DAY)
  h.tick("alice's clock a second later", alice, T0 + DAY + 1000)
  h.add("bob publishes the draw of term 1 (a competing draw once the late one is in)", bob, Governance.draw(1), "Applied")
  const state = replicaOf(h, h.steps.map((s) => s.event)).state<Governance.State>(Governance.module)
  const seats = Governance.Records.seats(state, 1, "governance")
  const byId = (id: string) => KEYS.find((k) => k.id === id)!
  // The late drawer is not seated and sends nothing after the start ticks.
  const drawer = [carol, dave, erin].find((k) => !seats.includes(k.id))!
  const d = T0 + DAY + 3 * HOUR
  const p = h.add("prime proposal under the published draw", byId(seats[0]!), propose({ title: "Prime: keep it", deadline: d, body: { prime: "governance" } }), "Applied")
  for (const s of seats) h.add(`seat ${byId(s).name} agrees`, byId(s), stance(p.key, "agree"), "Applied")
  h.witness("deadline", [alice, bob], d)
  h.add("close: every seat agreed", alice, close(p.key), "Applied")
  for (const k of five) if (k !== drawer) h.add(`${k.name} reveals for term 2`, k, Governance.reveal(2, layerOf(k, 2)), "Applied")
  h.witness("term 2 starts", [alice, bob], T0 + 2 * DAY)
  h.add("carol draws term 2", carol, Governance.draw(2), "Applied")
  const late = h.add(`${drawer.name} draws term 1 late, on the ticks that started it (recorded: it sorts first)`, drawer, Governance.draw(1), "Applied", {
    parents: [start]
  })
  const after = replicaOf(h, h.steps.map((s) => s.event)).state<Governance.State>(Governance.module)
  if (after.terms["1"]!.key !== late.key) throw new Error(`${h.name}: the late draw does not sort first`)
  if (Governance.Records.seats(after, 1, "governance").join() !== seats.join()) throw new Error(`${h.name}: the late draw changed the seats`)
  return h
}

/**
 * Decisions that do several things (G2, G5): a decision carrying two actions applies both, in
 * order; one whose second action fails applies neither, the first recorded `NotApplied`.
 * Refusals of a list of actions at opening: both `action` and `actions`, a list of one, an own
 * act in the list, a poll with a list.
 */
const several = (): History => {
  const h = new History("a decision that does several things applies all its actions or none", [alice, bob, carol], { timeWitnesses: 1 })
  const deadline = T0 + 2 * HOUR
  h.add("dave applies", dave, { module: "core", type: "member.apply", body: { note: "hello" } }, "Applied")
  h.add("erin applies", erin, { module: "core", type: "member.apply", body: { note: "hi" } }, "Applied")
  h.add("gina applies", gina, { module: "core", type: "member.apply", body: { note: "good day" } }, "Applied")
  const both = h.add(
    "alice proposes to admit dave and erin",
    alice,
    propose({ title: "Admit dave and erin", deadline, actions: [Governance.admit(dave.id), Governance.admit(erin.id)] }),
    "Applied"
  )
  const one = propose({ title: "x", deadline, action: Governance.admit(dave.id) })
  h.add(
    "a proposal with both action and actions",
    bob,
    { ...one, body: { ...one.body, actions: [Governance.admit(dave.id), Governance.admit(erin.id)] } },
    "InvalidBody"
  )
  h.add("a proposal whose actions list one", bob, { ...one, body: { title: "x", text: "", process: "consensus", deadline, actions: [Governance.admit(dave.id)] } }, "InvalidBody")
  h.add("a proposal whose second action is a member's own act", bob, propose({ title: "x", deadline, actions: [Governance.admit(dave.id), stance(both.key, "agree")] }), "NotAnAction")
  h.add("a poll with actions", bob, propose({ title: "x", process: "poll", deadline, actions: [Governance.admit(dave.id), Governance.admit(erin.id)] }), "PollCarriesNoAction")
  const pair = h.add("carol proposes to admit gina", carol, propose({ title: "Admit gina", process: "consent", deadline, action: Governance.admit(gina.id) }), "Applied")
  h.add(
    "carol amends: admit gina and frank, who never applied",
    carol,
    Governance.amend(pair.key, { text: "and frank too", actions: [Governance.admit(gina.id), Governance.admit(frank.id)] }),
    "Applied"
  )
  h.add("alice agrees", alice, stance(both.key, "agree"), "Applied")
  h.add("bob agrees", bob, stance(both.key, "agree"), "Applied")
  h.witness("deadline", [alice, bob], deadline)
  h.add("carol closes: dave and erin are admitted, in order", carol, close(both.key), "Applied; core/member.admit Applied; core/member.admit Applied")
  h.add(
    "alice closes: passed, but frank never applied, so gina is not admitted either",
    alice,
    close(pair.key),
    "Applied; core/member.admit NotApplied; core/member.admit NotAnApplicant"
  )
  h.add("dave proposes, a full member now", dave, propose({ title: "Seed library", deadline: deadline + 2 * HOUR }), "Applied")
  h.add("gina proposes, still an applicant", gina, propose({ title: "Tool shed", deadline: deadline + 2 * HOUR }), "NotAFullMember")
  return h
}

// --- standing and parameters changed by decision ------------------------------------------------

/** A proposal the scenarios name but that never existed (32 bytes 0xee). */
const NOWHERE = "ee".repeat(32)
const leave = { module: "core", type: "member.leave", body: { note: "stepping away" } }
const ownTick = { module: "core", type: "tick", body: {} }

/** The fold position of an event, to check that a scenario builds the order it claims. */
const position = (h: History, e: Event.Event): number => replicaOf(h, h.steps.map((s) => s.event)).orderedKeys().indexOf(e.key)

/**
 * Standing (§8): a community decision restricts carol from `governance/stance`. Her stances are
 * refused `Restricted` (before governance's own checks, so a stance on no proposal is refused
 * so too), another member's count, and her acts outside the restriction apply.
 */
const restrictedStance = (): History => {
  const h = new History("a member restricted from stances by decision is refused; other members' stances and her other acts count", [alice, bob, carol], { timeWitnesses: 1 }, [
    Bans.bans
  ])
  const deadline = T0 + 2 * HOUR
  const ban = h.add(
    "alice proposes to restrict carol from governance/stance",
    alice,
    propose({ title: "Carol pauses her stances", deadline, action: Bans.impose(carol.id, "a pause agreed in a circle", { module: "governance", type: "stance" }) }),
    "Applied"
  )
  h.add("alice agrees", alice, stance(ban.key, "agree"), "Applied")
  h.add("bob agrees", bob, stance(ban.key, "agree"), "Applied")
  h.witness("deadline", [alice, bob], deadline)
  h.add("bob closes: carol is restricted", bob, close(ban.key), "Applied; bans/impose Applied")
  const shed = h.add("alice proposes to paint the shed", alice, propose({ title: "Paint the shed", deadline: T0 + 4 * HOUR }), "Applied")
  h.add("carol agrees: restricted", carol, stance(shed.key, "agree"), "Restricted")
  h.add("carol stances on a proposal that does not exist: standing is asked before governance's own checks", carol, stance(NOWHERE, "agree"), "Restricted")
  h.add("alice agrees", alice, stance(shed.key, "agree"), "Applied")
  h.add("bob agrees", bob, stance(shed.key, "agree"), "Applied")
  h.add("carol proposes (not a stance: outside the restriction)", carol, propose({ title: "Fix the gate", deadline: T0 + 4 * HOUR }), "Applied")
  h.witness("second deadline", [alice, bob], T0 + 4 * HOUR)
  h.add("carol closes the shed proposal (outside the restriction): alice's and bob's stances count", carol, close(shed.key), "Applied")
  return h
}

/**
 * Restrictions are strong facts (§8): carol blocks on old parents, concurrently with the close
 * that restricts her; her block sorts before the close in fold order, yet the close had not
 * seen it, so it is refused `Restricted` in every delivery order and her earlier agreement,
 * which the close had seen, is the stance that counts. Leaving is never stopped.
 */
const restrictedConcurrently = (): History => {
  const h = new History("a stance concurrent with the decision that restricts its author is refused though it sorts first; leaving is never stopped", [alice, bob, carol], { timeWitnesses: 1 }, [
    Bans.bans
  ])
  const deadline = T0 + 2 * HOUR
  const tools = h.add("alice proposes to share tools", alice, propose({ title: "Share tools", deadline: T0 + 5 * HOUR }), "Applied")
  const ban = h.add("alice proposes to restrict carol from everything", alice, propose({ title: "Carol steps back", deadline, action: Bans.impose(carol.id, "repeated harm, heard in a circle") }), "Applied")
  h.add("alice agrees to restrict", alice, stance(ban.key, "agree"), "Applied")
  h.add("bob agrees to restrict", bob, stance(ban.key, "agree"), "Applied")
  const seen = h.add("carol agrees to share tools (the restricting close has it in its past)", carol, stance(tools.key, "agree"), "Applied")
  const racing = h.add("carol blocks sharing tools, concurrently with the close that restricts her", carol, stance(tools.key, "block", "changed my mind"), "Restricted", {
    parents: [seen]
  })
  const tick = h.witness("deadline", [alice, bob], deadline, [seen])
  const closed = h.add("bob closes, not having seen carol's block: carol is restricted", bob, close(ban.key), "Applied; bans/impose Applied", { parents: [tick] })
  h.add("carol blocks again, having seen the restriction", carol, stance(tools.key, "block", "still against"), "Restricted")
  h.add("bob agrees to share tools", bob, stance(tools.key, "agree"), "Applied")
  h.witness("second deadline", [alice, bob], T0 + 5 * HOUR)
  h.add("alice closes sharing tools: carol's agreement counts, her blocks do not", alice, close(tools.key), "Applied")
  h.add("carol leaves: leaving only takes power away and is never stopped", carol, leave, "Applied")
  if (!(position(h, racing) < position(h, closed))) throw new Error(`${h.name}: the concurrent block does not sort before the close`)
  return h
}

/**
 * A restriction with an end (§8: it stops acts while its `until` is above the act's community
 * time, `core/tick` included), and one until it is lifted, then lifted by a decision; a lift
 * naming no ban in force fails `UnknownBan`.
 */
const restrictionEnds = (): History => {
  const h = new History("a restriction stops acting when community time reaches its end, and one until lifted when a decision lifts it", [alice, bob, carol], { timeWitnesses: 1 }, [
    Bans.bans
  ])
  const garden = h.add("alice proposes to plant the garden", alice, propose({ title: "Plant the garden", deadline: T0 + 20 * HOUR }), "Applied")
  const pause = h.add(
    "alice proposes that carol pause until six hours after the founding",
    alice,
    propose({ title: "Carol pauses", deadline: T0 + 2 * HOUR, action: Bans.impose(carol.id, "a pause agreed in a circle", { until: T0 + 6 * HOUR }) }),
    "Applied"
  )
  h.add("alice agrees to the garden", alice, stance(garden.key, "agree"), "Applied")
  h.add("bob agrees to the garden", bob, stance(garden.key, "agree"), "Applied")
  h.add("alice agrees to the pause", alice, stance(pause.key, "agree"), "Applied")
  h.add("bob agrees to the pause", bob, stance(pause.key, "agree"), "Applied")
  h.witness("the pause's deadline", [alice, bob], T0 + 2 * HOUR)
  h.add("bob closes: carol pauses", bob, close(pause.key), "Applied; bans/impose Applied")
  h.add("carol agrees to the garden: restricted", carol, stance(garden.key, "agree"), "Restricted")
  h.add("carol's clock: a restriction on every module stops core/tick too", carol, ownTick, "Restricted")
  h.witness("community time reaches the pause's end", [alice, bob], T0 + 6 * HOUR)
  h.add("carol agrees to the garden at the pause's end: applied", carol, stance(garden.key, "agree"), "Applied")
  const hold = h.add(
    "alice proposes that carol hold off until the community lifts it",
    alice,
    propose({ title: "Carol holds off", deadline: T0 + 8 * HOUR, action: Bans.impose(carol.id, "until the circle meets again") }),
    "Applied"
  )
  h.add("alice agrees to hold off", alice, stance(hold.key, "agree"), "Applied")
  h.add("bob agrees to hold off", bob, stance(hold.key, "agree"), "Applied")
  h.witness("the hold's deadline", [alice, bob], T0 + 8 * HOUR)
  const held = h.add("bob closes: carol holds off", bob, close(hold.key), "Applied; bans/impose Applied")
  h.add("carol blocks the garden: restricted", carol, stance(garden.key, "block", "not this spring"), "Restricted")
  const lift = h.add("alice proposes to lift the hold", alice, propose({ title: "Carol is back", deadline: T0 + 10 * HOUR, action: Bans.lift(held) }), "Applied")
  const bogus = h.add(
    "alice proposes a lift naming no ban (the garden proposal)",
    alice,
    propose({ title: "Lift nothing", deadline: T0 + 10 * HOUR, action: Bans.lift(garden) }),
    "Applied"
  )
  h.add("alice agrees to lift", alice, stance(lift.key, "agree"), "Applied")
  h.add("bob agrees to lift", bob, stance(lift.key, "agree"), "Applied")
  h.add("alice agrees to lift nothing", alice, stance(bogus.key, "agree"), "Applied")
  h.add("bob agrees to lift nothing", bob, stance(bogus.key, "agree"), "Applied")
  h.witness("the lift's deadline", [alice, bob], T0 + 10 * HOUR)
  h.add("bob closes: the hold is lifted", bob, close(lift.key), "Applied; bans/lift Applied")
  h.add("bob closes the lift of nothing: passed, its action fails", bob, close(bogus.key), "Applied; bans/lift UnknownBan")
  h.add("carol blocks the garden: applied", carol, stance(garden.key, "block", "not this spring"), "Applied")
  h.witness("the garden's deadline", [alice, bob], T0 + 20 * HOUR)
  h.add("alice closes the garden: carol's block, made once the hold was lifted, counts", alice, close(garden.key), "Applied")
  return h
}

/**
 * Standing decides who can be drawn (G8): the member who would rank first for the governance
 * prime group in term 1 is restricted from `governance/seat` with body `{ group: "governance" }`
 * before the draw, and is left out of that group's ranking only.
 */
const restrictedSeat = (): History => {
  const five = [alice, bob, carol, dave, erin]
  const h = new History("a member restricted from a prime group's seat is not ranked for it in the draw", five, { timeWitnesses: 1, primeSize: 2, primeTerm: DAY }, [Bans.bans])
  for (const k of five) h.add(`${k.name} commits`, k, Governance.commit(anchorOf(k)), "Applied")
  h.add("draw term 0", alice, Governance.draw(0), "Applied")
  for (const k of five) h.add(`${k.name} reveals for term 1`, k, Governance.reveal(1, layerOf(k, 1)), "Applied")
  // Every reveal is seen before the cutoff, so the seed, and the ranking without standing, are known now.
  const seed = seedOf(h.genesis.id, 1, five.map((k) => layerOf(k, 1)))
  const first = KEYS.find((k) => k.id === rankingOf(seed, "governance", five.map((k) => k.id))[0]!.identity)!
  const ban = h.add(
    `alice proposes that ${first.name} not sit in the governance prime group`,
    alice,
    propose({
      title: `${first.name} steps back from governance`,
      deadline: T0 + 2 * HOUR,
      action: Bans.impose(first.id, "asked to step back for a term", { module: "governance", type: "seat", group: "governance" })
    }),
    "Applied"
  )
  for (const k of [alice, bob, carol]) h.add(`${k.name} agrees`, k, stance(ban.key, "agree"), "Applied")
  h.witness("deadline", [alice, bob], T0 + 2 * HOUR)
  h.add(`bob closes: ${first.name} is restricted from the governance seat`, bob, close(ban.key), "Applied; bans/impose Applied")
  h.witness("term 1 starts", [alice, bob], T0 + DAY)
  h.add(`draw term 1: ${first.name} is not ranked for governance, and is for every other group`, carol, Governance.draw(1), "Applied")
  h.seatBans.push({ term: 1, group: "governance", member: first })
  return h
}

/**
 * A restriction on the deciding body `community` (§8): the action a later community decision
 * carries fails `Restricted`, while the close itself applies and the decision is recorded.
 */
const restrictedCommunity = (): History => {
  const h = new History("a restriction on the community's decisions makes their action fail while the close applies", [alice, bob, carol], { timeWitnesses: 1 }, [
    Bans.bans
  ])
  h.add("dave applies", dave, { module: "core", type: "member.apply", body: { note: "hello" } }, "Applied")
  const stop = h.add(
    "alice proposes that the community admit no one for now",
    alice,
    propose({
      title: "No admissions until the welcome group is ready",
      deadline: T0 + 2 * HOUR,
      action: Bans.impose("community", "the welcome group is not ready", { module: "core", type: "member.admit" })
    }),
    "Applied"
  )
  h.add("alice agrees to stop admissions", alice, stance(stop.key, "agree"), "Applied")
  h.add("bob agrees to stop admissions", bob, stance(stop.key, "agree"), "Applied")
  h.witness("deadline", [alice, bob], T0 + 2 * HOUR)
  h.add("bob closes: the community's own admissions are restricted", bob, close(stop.key), "Applied; bans/impose Applied")
  const admit = h.add("alice proposes to admit dave (her own act: not restricted)", alice, propose({ title: "Admit dave", deadline: T0 + 4 * HOUR, action: Governance.admit(dave.id) }), "Applied")
  h.add("alice agrees to admit dave", alice, stance(admit.key, "agree"), "Applied")
  h.add("bob agrees to admit dave", bob, stance(admit.key, "agree"), "Applied")
  h.witness("second deadline", [alice, bob], T0 + 4 * HOUR)
  h.add("carol closes: passed, but the admission fails Restricted", carol, close(admit.key), "Applied; core/member.admit Restricted")
  h.add("dave proposes, still an applicant", dave, propose({ title: "Seed library", deadline: T0 + 6 * HOUR }), "NotAFullMember")
  return h
}

/**
 * `core/community.params` carried by a community decision (§9, "Changing parameters"):
 * `quorumPercent` and `timeWitnesses` change from the decision on (a proposal opened before it
 * is closed under the new quorum, and community time needs three clocks of four); a value out
 * of bounds fails `InvalidBody` and changes nothing; signed directly, `NeedsDecision`.
 */
const paramsNow = (): History => {
  const four = [alice, bob, carol, dave]
  const h = new History("quorumPercent and timeWitnesses changed by decision hold from the decision on; a value out of bounds fails", four, { timeWitnesses: 1 })
  const sundays = h.add("alice proposes Sundays", alice, propose({ title: "Sundays", deadline: T0 + HOUR }), "Applied")
  const params = h.add(
    "alice proposes a quorum of 75% and three time witnesses",
    alice,
    propose({ title: "Stricter rules", deadline: T0 + 2 * HOUR, action: { module: "core", type: "community.params", body: { quorumPercent: 75, timeWitnesses: 3 } } }),
    "Applied"
  )
  const wrong = h.add(
    "alice proposes a quorum of 101%",
    alice,
    propose({ title: "Everyone and more", deadline: T0 + 2 * HOUR, action: { module: "core", type: "community.params", body: { quorumPercent: 101 } } }),
    "Applied"
  )
  const mondays = h.add("alice proposes Mondays", alice, propose({ title: "Mondays", deadline: T0 + 4 * HOUR }), "Applied")
  h.add("alice signs core/community.params directly", alice, { module: "core", type: "community.params", body: { quorumPercent: 10 } }, "NeedsDecision")
  for (const p of [sundays, params, wrong, mondays])
    for (const k of [alice, bob]) h.add(`${k.name} agrees to ${p === sundays ? "Sundays" : p === params ? "the stricter rules" : p === wrong ? "101%" : "Mondays"}`, k, stance(p.key, "agree"), "Applied")
  h.add("carol agrees to the stricter rules", carol, stance(params.key, "agree"), "Applied")
  h.add("carol agrees to 101%", carol, stance(wrong.key, "agree"), "Applied")
  h.witness("Sundays' deadline", [alice, bob], T0 + HOUR)
  h.add("carol closes Sundays: two of four agree, a quorum of 50%", carol, close(sundays.key), "Applied")
  h.witness("deadline", [alice, bob], T0 + 2 * HOUR)
  h.add("carol closes: the stricter rules apply from here", carol, close(params.key), "Applied; core/community.params Applied")
  h.add("carol closes 101% (three of four agree, a quorum of 75%): passed, its action out of bounds", carol, close(wrong.key), "Applied; core/community.params InvalidBody")
  const two = h.witness("Mondays' deadline on two clocks", [alice, bob], T0 + 4 * HOUR)
  h.add("carol closes Mondays on two clocks: three are needed now", carol, close(mondays.key), "DeadlineNotReached")
  h.tick("dave's clock reaches Mondays' deadline", dave, T0 + 4 * HOUR, [two])
  h.add("carol closes Mondays: two of four agree, short of 75%", carol, close(mondays.key), "Applied")
  h.finalParams = { timeWitnesses: 3, primeSize: 3, primeTerm: 14 * DAY, quorumPercent: 75 }
  return h
}

/**
 * `primeTerm` changed by a community decision in term 0 (§9, G7): the term under way keeps its
 * end (term 1 starts two days after the founding, as before), the new length holds from
 * term 1, so term 2 starts five days after the founding, not four: a draw of term 2 at day 4
 * is refused `TermNotStarted`, and the reveals' cutoff moves with the start. A later decision
 * naming the length `primeTerm` already has adds no run to `termSchedule`.
 */
const paramsNextTerm = (): History => {
  const five = [alice, bob, carol, dave, erin]
  const h = new History("a prime term's length changed by decision holds from the next term on", five, { timeWitnesses: 1, primeSize: 2, primeTerm: 2 * DAY })
  for (const k of five) h.add(`${k.name} commits`, k, Governance.commit(anchorOf(k)), "Applied")
  h.add("draw term 0", alice, Governance.draw(0), "Applied")
  const longer = h.add(
    "alice proposes terms of three days",
    alice,
    propose({ title: "Longer terms", deadline: T0 + 2 * HOUR, action: { module: "core", type: "community.params", body: { primeTerm: 3 * DAY } } }),
    "Applied"
  )
  for (const k of [alice, bob, carol]) h.add(`${k.name} agrees`, k, stance(longer.key, "agree"), "Applied")
  h.witness("deadline", [alice, bob], T0 + 2 * HOUR)
  h.add("bob closes: terms last three days from term 1", bob, close(longer.key), "Applied; core/community.params Applied")
  for (const k of five) h.add(`${k.name} reveals for term 1`, k, Governance.reveal(1, layerOf(k, 1)), "Applied")
  h.witness("term 1 starts at day 2, as before the change", [alice, bob], T0 + 2 * DAY)
  h.add("draw term 1", carol, Governance.draw(1), "Applied")
  const same = h.add(
    "alice proposes terms of three days again",
    alice,
    propose({ title: "Three days, still", deadline: T0 + 2 * DAY + 2 * HOUR, action: { module: "core", type: "community.params", body: { primeTerm: 3 * DAY } } }),
    "Applied"
  )
  for (const k of [alice, bob, carol]) h.add(`${k.name} agrees again`, k, stance(same.key, "agree"), "Applied")
  h.witness("deadline in term 1", [alice, bob], T0 + 2 * DAY + 2 * HOUR)
  h.add("bob closes: naming the length primeTerm already has changes nothing", bob, close(same.key), "Applied; core/community.params Applied")
  for (const k of five) h.add(`${k.name} reveals for term 2`, k, Governance.reveal(2, layerOf(k, 2)), "Applied")
  h.witness("day 4, when term 2 would have started", [alice, bob], T0 + 4 * DAY)
  h.add("draw term 2 at day 4", dave, Governance.draw(2), "TermNotStarted")
  h.witness("day 5: term 2 starts", [alice, bob], T0 + 5 * DAY)
  h.add("draw term 2 at day 5", dave, Governance.draw(2), "Applied")
  h.finalParams = {
    timeWitnesses: 1,
    primeSize: 2,
    primeTerm: 3 * DAY,
    quorumPercent: 50,
    termSchedule: [
      { fromTerm: 0, start: T0, length: 2 * DAY },
      { fromTerm: 1, start: T0 + 2 * DAY, length: 3 * DAY }
    ]
  }
  return h
}

/**
 * A module outside the seed with a prime working group (§8, `prime`; G7, G8): the community runs
 * the test module `garden`, which sets the flag, so every draw seats a garden prime group besides
 * the six of the seed. A garden prime decision carries `garden/plant`; a proposal to a prime group
 * the community lacks, and a resignation from one, are refused `UnknownPrimeGroup`.
 */
const gardenPrime = (): History => {
  const five = [alice, bob, carol, dave, erin]
  const h = new History("a module that sets prime gets a prime group drawn, whose decisions carry its actions", five, { timeWitnesses: 1, primeSize: 2, primeTerm: DAY }, [
    Garden.garden
  ])
  for (const k of five) h.add(`${k.name} commits`, k, Governance.commit(anchorOf(k)), "Applied")
  h.add("draw term 0", alice, Governance.draw(0), "Applied")
  for (const k of five) h.add(`${k.name} reveals for term 1`, k, Governance.reveal(1, layerOf(k, 1)), "Applied")
  h.witness("term 1 starts", [alice, bob], T0 + DAY)
  h.add("draw term 1: a garden prime group is seated too", carol, Governance.draw(1), "Applied")
  const state = replicaOf(h, h.steps.map((s) => s.event)).state<Governance.State>(Governance.module)
  const seats = Governance.Records.seats(state, 1, "garden")
  if (seats.length !== 2) throw new Error(`${h.name}: the garden prime group was not seated`)
  const byId = (id: string) => KEYS.find((k) => k.id === id)!
  const outsider = five.find((k) => !seats.includes(k.id))!
  const d = T0 + DAY + 3 * HOUR
  h.add(`${byId(seats[0]!).name} plants directly`, byId(seats[0]!), Garden.plant("beans"), "NeedsDecision")
  const p = h.add(
    "a garden prime proposal to plant beans",
    byId(seats[0]!),
    propose({ title: "Beans", deadline: d, body: { prime: "garden" }, action: Garden.plant("beans") }),
    "Applied"
  )
  h.add("a proposal to an orchard prime group, which this community lacks", alice, propose({ title: "Apples", deadline: d, body: { prime: "orchard" } }), "UnknownPrimeGroup")
  h.add("a garden prime proposal carrying another module's action", alice, propose({ title: "x", deadline: d, body: { prime: "garden" }, action: Governance.admit(frank.id) }), "OutsideMandate")
  h.add("outsider stances on the garden proposal", outsider, stance(p.key, "agree"), "NotSeated")
  for (const s of seats) h.add(`seat ${byId(s).name} agrees`, byId(s), stance(p.key, "agree"), "Applied")
  h.witness("deadline", [alice, bob], d)
  h.add("close: the garden prime group plants beans", alice, close(p.key), "Applied; garden/plant Applied")
  h.add(`${outsider.name} resigns from an orchard prime group`, outsider, Governance.resign("orchard", 1), "UnknownPrimeGroup")
  h.add(`${byId(seats[1]!).name} resigns the garden seat`, byId(seats[1]!), Governance.resign("garden", 1), "Applied")
  return h
}

// --- writing ----------------------------------------------------------------------------------------

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [k: string]: Json }

/** JSON text with map keys sorted, to compare values whatever their key order. */
const canonicalJson = (v: Json): string =>
  v === null || typeof v !== "object"
    ? JSON.stringify(v)
    : Array.isArray(v)
      ? `[${(v as ReadonlyArray<Json>).map(canonicalJson).join(",")}]`
      : `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as { readonly [k: string]: Json })[k]!)}`)
          .join(",")}}`

const vectorOf = (h: History): Json => {
  const order = h.steps.map((s) => s.event)
  const r = replicaOf(h, order)
  for (const s of h.steps) {
    const got = outcomeText(r.outcome(s.event.key))
    if (got !== s.expect) throw new Error(`${h.name} / ${s.label}: expected ${s.expect}, the SDK gives ${got}`)
  }
  const reversed = replicaOf(h, [...order].reverse())
  const interleaved = replicaOf(h, [...order.filter((_, i) => i % 2 === 1), ...order.filter((_, i) => i % 2 === 0)])
  const thirds = replicaOf(h, [...order.filter((_, i) => i % 3 === 2), ...order.filter((_, i) => i % 3 !== 2).reverse()])
  for (const other of [reversed, interleaved, thirds]) {
    if (other.stateHashHex() !== r.stateHashHex()) throw new Error(`${h.name}: the state hash depends on the delivery order`)
    for (const s of h.steps)
      if (outcomeText(other.outcome(s.event.key)) !== s.expect) throw new Error(`${h.name} / ${s.label}: outcome depends on the delivery order`)
  }
  if (h.finalParams !== undefined && canonicalJson(r.core.community.params as unknown as Json) !== canonicalJson(h.finalParams))
    throw new Error(`${h.name}: expected parameters ${canonicalJson(h.finalParams)}, the SDK gives ${canonicalJson(r.core.community.params as unknown as Json)}`)
  const state = r.state<Governance.State>(Governance.module)
  const label = new Map(h.steps.map((s) => [s.event.key, s.label]))
  const name = (id: string) => KEYS.find((k) => k.id === id)?.name ?? id
  const proposals: Array<Json> = Governance.Records.proposals(state).map((p) => {
    const d = p.decision
    return {
      proposal: label.get(p.id) ?? p.id,
      id: p.id,
      status: p.status,
      ...(d
        ? {
            decidedBy: label.get(d.key) ?? d.key,
            rule: d.rule,
            version: d.version,
            deciders: d.deciders,
            tally: { ...d.tally },
            stances: d.stances.map((s) => ({ member: name(s.member), stance: s.stance, reason: s.reason })),
            seats: d.seats.map(name),
            actionEvent: d.actionEvent === null ? null : (label.get(d.actionEvent) ?? d.actionEvent),
            // Only for a decision that does several things, so the other scenarios stay as they were.
            ...(d.actions ? { actions: d.actions.map((a) => `${a.module}/${a.type}`) } : {})
          }
        : {})
    }
  })
  const terms: Array<Json> = Governance.Records.terms(state).map((t) => {
    const seed = seedOf(h.genesis.id, t.term, t.reveals.map((x) => Bytes.fromHex(x.value)!))
    if (hex(seed) !== t.seed) throw new Error(`${h.name}: term ${t.term}'s seed differs from the rule`)
    const groups: Record<string, Json> = {}
    for (const g of Governance.primeGroups(state, t.term)) {
      const tg = t.groups[g]!
      const banned = h.seatBans.filter((b) => b.term === t.term && b.group === g).map((b) => b.member.id)
      const restricted = t.full.filter((m) => !tg.excluded.includes(m) && banned.includes(m))
      if (restricted.length !== banned.length) throw new Error(`${h.name}: term ${t.term} ${g}: a member stopped from the seat is not a full member, or served last term`)
      const eligible = t.full.filter((m) => !tg.excluded.includes(m) && !banned.includes(m))
      const ranking = t.term === 0 ? [] : rankingOf(seed, g, eligible)
      if (ranking.map((x) => x.identity).join() !== tg.ranked.join()) throw new Error(`${h.name}: term ${t.term} ${g}'s ranking differs from the rule`)
      groups[g] = {
        ranking: ranking.map((x) => ({ member: name(x.identity), score: x.score })),
        seated: ranking.slice(0, t.size).map((x) => name(x.identity)),
        // Only where standing stopped someone, so the other scenarios stay as they were.
        ...(restricted.length > 0 ? { restricted: restricted.map((m) => ({ member: name(m), identity: m })) } : {})
      }
    }
    return {
      term: t.term,
      draw: label.get(t.key) ?? t.key,
      draws: t.draws,
      seed: t.seed,
      reveals: t.reveals.map((x) => ({ member: name(x.member), value: x.value })),
      withheld: t.withheld.map(name),
      groups
    }
  })
  return {
    name: h.name,
    params: h.params,
    ...(h.modules.length > 0 ? { modules: h.modules.map((m) => m.name) } : {}),
    genesis: hex(h.genesis.bytes),
    events: h.steps.map((s) => ({ label: s.label, id: s.event.key, wire: hex(s.event.bytes) })),
    expected: {
      outcomes: h.steps.map((s) => ({ label: s.label, outcome: s.expect })),
      proposals,
      terms,
      ...(h.finalParams !== undefined ? { communityParams: h.finalParams } : {}),
      stateHash: r.stateHashHex()
    }
  }
}

const lotVectors = (): Json => {
  const community = sha256(Buffer.from("a community id", "utf8"))
  const onions = [alice, bob].map((k) => ({
    secret: hex(onionSecret(k)),
    layers: ONION,
    anchor: hex(anchorOf(k)),
    reveals: [1, 2, 3].map((i) => hex(layerOf(k, i)))
  }))
  const reveals = KEYS.map((k) => layerOf(k, 1))
  const eligible = KEYS.map((k) => k.id).sort()
  const seeds = [0, 1, 7].map((term) => {
    const used = term === 0 ? [] : reveals.slice(0, term === 1 ? 5 : 3)
    const seed = seedOf(community, term, used)
    const lib = Governance.Lot.seed(community, term, used)
    if (!Bytes.equals(seed, lib)) throw new Error("the SDK's seed differs from the rule")
    const ranking = rankingOf(seed, "economy", eligible)
    const libRanking = Governance.Lot.rank(seed, "economy", eligible)
    if (ranking.map((x) => x.identity).join() !== libRanking.map((x) => x.identity).join()) throw new Error("the SDK's ranking differs from the rule")
    return {
      community: hex(community),
      term,
      reveals: used.map(hex),
      seed: hex(seed),
      group: "economy",
      eligible,
      ranking: ranking.map((x) => ({ identity: x.identity, score: x.score }))
    }
  })
  for (const o of onions) if (!Bytes.equals(Governance.Lot.anchor(Bytes.fromHex(o.secret)!, ONION), Bytes.fromHex(o.anchor)!)) throw new Error("onion differs")
  return { onions, seeds }
}

/** The file's text. */
export const generate = (): string => {
  const histories = [...scenarios()]
  primeSteps(histories[histories.length - 1]!)
  histories.push(lateDraw())
  histories.push(qualified())
  histories.push(several())
  histories.push(restrictedStance(), restrictedConcurrently(), restrictionEnds(), restrictedSeat(), restrictedCommunity())
  histories.push(paramsNow(), paramsNextTerm())
  histories.push(gardenPrime())
  const file = {
    description:
      "Conformance vectors of the governance module (docs/protocol.md, section 12): proposals passing and failing with their stances and outcomes, working groups, prime groups and the lot, standing (restrictions kept by the test module `bans`, section 8) and community parameters changed by decision (section 9), as signed events with the outcome of each, plus pure vectors of onions, seeds and rankings. Keys: secret seeds of 32 bytes 0x01 (alice), 0x02 (bob), 0x03 (carol), 0x04 (dave), 0x07 (erin), 0x06 (frank), 0x08 (gina). Onion secrets: 31 bytes 0xaa then the key's fill byte, 16 layers.",
    procedure:
      "For each scenario: open a replica from `genesis` (wire hex) with the core and governance modules (and the test modules `modules` names, specified in `testModules`), deliver `events` (wire hex) in order, then check the outcome of every event ('Applied', followed by '; module/type Applied|<reason>' for each action the event carried, or the rejection tag), every proposal's status and decision (a decision carrying several actions lists them as module/type in `actions`, in order; they apply all or none, a failure recorded with its reason and every other action with NotApplied), every term's seed, reveals, withheld members and rankings (a group's `restricted` lists the full members, not excluded, that standing stopped from `governance/seat` with body { group } at the draw: they are not ranked), the community parameters where `communityParams` is given (the `core` state's `params`), and the state hash (SHA-256 of the canonical CBOR of { core, governance } and the state of each test module the scenario names). The same results must come from any delivery order. `lot.onions`: anchor = SHA-256^layers(secret), reveal i = SHA-256^(layers-i)(secret). `lot.seeds`: seed = SHA-256('affinity/lot/v1' 0x00 || community || u64be(term) || sorted reveals); ranking by SHA-256(seed || utf8(group) || identity) ascending.",
    testModules: {
      skills:
        "A test module that keeps qualifications and answers governance's query `qualified` (docs/protocol.md, sections 8 and 12 G6). State: { grants: [{ member, qualification, key, ended }] } in the fold order of the grants, where `key` is the key of the event that made the grant and `ended` the key of the event that revoked it, or null. `skills/grant` (authority member), body { member: text of 64 characters (an identity in hex), qualification: text of 1 to 64 characters }: appends { member, qualification, key: key(e), ended: null }. `skills/revoke` (authority member), body { grant: text of 64 characters }: refused `UnknownGrant` unless a grant made by the event `grant` exists, is not ended and is in e's causal past; sets that grant's `ended` to key(e). Query `qualified`, args { identity: text of 64 characters, qualification: text of 1 to 64 characters }: true when some grant has that member and qualification, its `key` is in the asking event's causal past, and its `ended` is null or not in that past; otherwise false.",
      bans:
        "A test module that keeps restrictions and provides standing (docs/protocol.md, section 8, 'Standing'). State: { bans: [{ subject, module, type, group, until, reason, key, lifted }] } in the fold order of the events that imposed them, where `module`, `type`, `group` and `until` are null when the body left them out, `key` is the key of the event that imposed the ban (the close of the decision that carried it) and `lifted` the key of the event that lifted it, or null. `bans/impose` (authority community: only a community decision's action), body { subject: text of 1 to 80 characters (an identity in hex, or a deciding body such as `community`), module: text of 1 to 32 characters (optional), type: text of 1 to 64 characters (optional), group: text of 1 to 64 characters (optional), until: integer from 0 to 2^53 - 1 (optional; community time in ms), reason: text of 1 to 400 characters }: appends { subject, module, type, group, until, reason, key: key(e), lifted: null }, and `apply` returns that ban's restriction as a strong fact (imposed by e). `bans/lift` (authority community), body { ban: text of 64 characters }: refused `UnknownBan` unless some ban has `key` equal to `ban` and `lifted` null; sets `lifted` to key(e) on every such ban. Standing: the restrictions on a subject are its bans with `lifted` null, in state order, each { subject, scope: { module (when not null), types: [type] (when not null), where: { group } (when not null) }, until, by: 'a community decision', reason, key }.",
      garden:
        "A test module outside the seed that has a prime working group: it sets the module flag `prime` (docs/protocol.md, section 8), so the community's prime groups are the six of the seed and `garden` (section 12, G8), and every term's draw ranks and seats a `garden` group. State: { crops: [{ crop, key }] } in fold order. `garden/plant` (authority prime: a decision of the garden prime group, or a community decision), body { crop: text of 1 to 64 characters }: appends { crop, key: key(e) }, where e is the event that recorded the decision."
    },
    scenarios: histories.map(vectorOf),
    lot: lotVectors()
  }
  return `${JSON.stringify(file, null, 2)}\n`
}

const target = new URL("../vectors/governance.json", import.meta.url)

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = generate()
  if (process.argv.includes("--check")) {
    const current = await readFile(target, "utf8").catch(() => undefined)
    console.log(current === text ? "governance.json is up to date" : "governance.json differs from what the generator writes")
    process.exitCode = current === text ? 0 : 1
  } else {
    await writeFile(target, text)
    console.log(`wrote conformance/vectors/governance.json (${text.length} bytes)`)
  }
}
