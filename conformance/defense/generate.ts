/**
 * Writes the conformance vectors of the defense module, `conformance/vectors/defense.json`.
 *
 * Every key comes from fixed secret bytes and every time is fixed, and Ed25519 signatures are
 * deterministic, so running the generator again gives a byte-identical file. The expected
 * outcome of every event is written here by hand and checked against this SDK before anything
 * is written; safety numbers are recomputed here from the rule with `node:crypto` alone and must
 * agree with the SDK. Only state hashes are taken from the SDK, and checked to be equal when
 * the events are delivered in reverse.
 *
 * ```sh
 * node --conditions=@affinity/source conformance/defense/generate.ts          # write the file
 * node --conditions=@affinity/source conformance/defense/generate.ts --check  # only compare
 * ```
 *
 * @module
 */
import * as nodeCrypto from "node:crypto"
import { readFile, writeFile } from "node:fs/promises"
import { Bytes, type Event, type Replica } from "../../packages/core/src/index.ts"
import { testKey } from "../../packages/core/src/testing/Signer.ts"
import * as Defense from "../../packages/defense/src/index.ts"
import * as Governance from "../../packages/governance/src/index.ts"
import { ada, bo, cy, DAY, defense, HOUR, mallory, World } from "../../packages/defense/test/support/world.ts"

const hex = Bytes.toHex
type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

/** A scenario: a history, a label for each event, and the outcome written by hand. */
class Scenario {
  readonly steps: Array<{ label: string; event: Event.Event; expect: string }> = []
  readonly name: string
  readonly description: string
  readonly w: World
  constructor(name: string, description: string, w: World = new World()) {
    this.name = name
    this.description = description
    this.w = w
  }

  /** Label every event added by `make` after the last labelled one; the last gets `expect`, earlier ones "Applied". */
  step(label: string, expect: string, make: () => Event.Event, earlier: ReadonlyArray<string> = []): Event.Event {
    const from = this.w.events.length
    const event = make()
    const added = this.w.events.slice(from)
    added.forEach((e, i) => {
      const last = i === added.length - 1
      this.steps.push({ label: last ? label : `${label} (${e.header.module}/${e.header.type} ${i + 1})`, event: e, expect: last ? expect : (earlier[i] ?? "Applied") })
    })
    return event
  }
}

const outcomeText = (o: Replica.Outcome | undefined): string =>
  o === undefined ? "missing" : o._tag === "Rejected" ? o.reason._tag : ["Applied", ...o.actions.map((a) => `${a.module}/${a.type} ${a._tag === "Applied" ? "Applied" : a.reason._tag}`)].join("; ")

const keyOf = { key: mallory.publicKey }
const pubA = testKey(0x51, "Hillside's publisher")
const pubB = testKey(0x52, "Lakeside's publisher")
const HILL = "a1".repeat(32)
const LAKE = "b2".repeat(32)
const T0 = 1_700_000_000_000

const wire = (source: string, id: string, reason: string): Defense.Bodies.WireEntry => ({
  seq: 1,
  op: "add",
  id,
  subject: { kind: "key", id: mallory.id },
  scope: ["join"],
  severity: "block",
  reason,
  evidence: "https://example.org/receipts",
  date: T0,
  expires: T0 + 60 * DAY
})

const scenarios = (): ReadonlyArray<Scenario> => {
  const out: Array<Scenario> = []

  const r = new Scenario("restriction", "A key restricted from joining by a community decision: its application is refused Restricted, also when concurrent with the decision (a strong fact), until the restriction is lifted.")
  const base = r.w.heads()
  const close = r.step("decision: restrict Mallory's key from joining", "Applied; defense/restrict Applied", () => r.w.decide(Defense.restrict(keyOf, { scope: ["join"], reason: "sent threats to members", evidence: "case 12" })), ["Applied", "Applied", "Applied"])
  r.step("Mallory applies, concurrently with the decision", "Restricted", () => r.w.join(mallory, { parents: base }))
  r.step("Bo signs a restriction directly", "NeedsDecision", () => r.w.send(bo, Defense.restrict(keyOf, { scope: ["join"], reason: "alone" })))
  r.step("a restriction naming a scope twice", "InvalidBody", () => r.w.add(bo, "defense", "restrict", { subject: { key: mallory.publicKey }, scope: ["join", "join"], severity: "block", reason: "x", evidence: "" }))
  r.step("decision: lift it", "Applied; defense/lift Applied", () => r.w.decide(Defense.lift(close.key, "resolved in person")), ["Applied", "Applied", "Applied"])
  r.step("Mallory applies again", "Applied", () => r.w.join(mallory))
  out.push(r)

  const l = new Scenario("lists", "Two allied lists subscribed by decision: the first import of an entry is an advisory; the second list agreeing (k = 2) makes it apply, and the key's application is refused. A list signed by a key the subscription did not name is refused.")
  l.step("decision: subscribe to Hillside and Lakeside", "Applied; defense/list.subscribe Applied; defense/list.subscribe Applied", () => l.w.decide([Defense.subscribe(HILL, "Hillside", [pubA.id]), Defense.subscribe(LAKE, "Lakeside", [pubB.id])]), ["Applied", "Applied", "Applied"])
  l.step("Bo imports Hillside's list (an advisory)", "Applied", () => l.w.send(bo, Defense.importList(Defense.Feed.sign({ source: HILL, from: 1, entries: [wire(HILL, "e1".repeat(32), "scam ring")] }, pubA.secret))))
  l.step("Cy imports Lakeside's list signed by Hillside's key", "UnknownPublisher", () => l.w.send(cy, Defense.importList(Defense.Feed.sign({ source: LAKE, from: 1, entries: [wire(LAKE, "e2".repeat(32), "harassment")] }, pubA.secret))))
  l.step("Cy imports Lakeside's list (two agree)", "Applied", () => l.w.send(cy, Defense.importList(Defense.Feed.sign({ source: LAKE, from: 1, entries: [wire(LAKE, "e2".repeat(32), "harassment")] }, pubB.secret))))
  l.step("Mallory applies", "Restricted", () => l.w.join(mallory))
  out.push(l)

  const f = new Scenario("freeze", "Two members freeze admissions; applications are refused for 72 hours of community time, then the freeze ends by itself.")
  f.step("Ada calls for a freeze of admissions", "Applied", () => f.w.send(ada, Defense.freeze("admissions", "a wave of fake applications")))
  f.step("Ada calls again", "AlreadyCalled", () => f.w.send(ada, Defense.freeze("admissions", "again")))
  const started = f.step("Bo calls too: the freeze starts", "Applied", () => f.w.send(bo, Defense.freeze("admissions", "same names as last week")))
  f.step("Mallory applies", "Restricted", () => f.w.join(mallory))
  f.step("72 hours later", "Applied", () => f.w.at(started.header.time + 72 * HOUR + 10_000), ["Applied"])
  f.step("Mallory applies again", "Applied", () => f.w.join(mallory))
  out.push(f)

  const m = new Scenario("mandate", "An emergency mandate of a working group: without it the group's restriction fails, with it it applies; renewed once, never twice; once it lapses the group can do nothing.")
  const group = m.step("decision: create the Night watch group", "Applied; governance/group.create Applied", () => m.w.decide(Governance.createGroup({ name: "Night watch", purpose: "respond to attacks", mandate: ["defense/restrict"], members: [ada.id, bo.id] })), ["Applied", "Applied", "Applied"])
  const g5 = ["Applied", "Applied", "Applied", "Applied", "Applied"]
  m.step("the group restricts without a mandate", "Applied; defense/restrict NoEmergencyMandate", () => m.w.groupDecide(group.key, [ada, bo], Defense.restrict(keyOf, { scope: ["join"], reason: "bots" })), g5)
  const granted = m.step("decision: grant a 3-day mandate", "Applied; defense/mandate.grant Applied", () => m.w.decide(Defense.grantMandate({ group: group.key }, { scope: ["restrict"], expires: m.w.time + 3 * DAY, reason: "bot wave" })), ["Applied", "Applied", "Applied"])
  m.step("the group restricts under the mandate", "Applied; defense/restrict Applied", () => m.w.groupDecide(group.key, [ada, bo], Defense.restrict(keyOf, { scope: ["join"], reason: "bots", expires: m.w.time + 10 * DAY })), g5)
  m.step("decision: renew it", "Applied; defense/mandate.renew Applied", () => m.w.decide(Defense.renewMandate(granted.key, m.w.time + 5 * DAY, "the wave goes on")), ["Applied", "Applied", "Applied"])
  m.step("decision: renew it again", "Applied; defense/mandate.renew AlreadyRenewed", () => m.w.decide(Defense.renewMandate(granted.key, m.w.time + 6 * DAY, "still")), ["Applied", "Applied", "Applied"])
  m.step("community time passes its end", "Applied", () => m.w.at(m.w.time + 6 * DAY), ["Applied"])
  m.step("the group restricts after it lapsed", "Applied; defense/restrict NoEmergencyMandate", () => m.w.groupDecide(group.key, [ada, bo], Defense.restrict({ relay: "wss://x.example" }, { scope: ["sync"], reason: "bots" })), g5)
  out.push(m)
  return out
}

/** What the defense state says at the end, in the words of the vectors. */
const summary = (s: Scenario, r: Replica.Replica): Json => {
  const label = new Map(s.steps.map((x) => [x.event.key, x.label]))
  const state = defense(r)
  return {
    restrictions: Object.values(state.restrictions).map((x) => ({ by: x.by, subject: `${x.subject.kind}:${x.subject.id}`, scope: x.scope, expires: x.expires, lifted: x.lifted !== null, decided: label.get(x.key) ?? x.key })),
    changes: state.changes.map((c) => ({ source: c.source, effect: c.effect })),
    freezes: Object.values(state.freezes).map((x) => ({ scope: x.scope, callers: x.callers.length, from: x.at, until: x.until })),
    mandates: Object.values(state.mandates).map((x) => ({ holder: x.holder.startsWith("group/") ? "group" : x.holder, scope: x.scope, expires: x.expires, renewals: x.renewals.map((n) => n.expires) }))
  }
}

const vectorOf = (s: Scenario): Json => {
  const events = s.steps.map((x) => x.event)
  const r = s.w.replica(events)
  for (const x of s.steps) {
    const got = outcomeText(r.outcome(x.event.key))
    if (got !== x.expect) throw new Error(`${s.name}: ${x.label}: expected ${x.expect}, the SDK gives ${got}`)
  }
  const reversed = s.w.replica([...events].reverse())
  if (reversed.stateHashHex() !== r.stateHashHex()) throw new Error(`${s.name}: the state hash depends on the delivery order`)
  return {
    name: s.name,
    description: s.description,
    genesis: hex(s.w.genesis.bytes),
    events: s.steps.map((x) => ({ label: x.label, id: x.event.key, wire: hex(x.event.bytes) })),
    expected: { outcomes: s.steps.map((x) => ({ label: x.label, outcome: x.expect })), defense: summary(s, r), stateHash: r.stateHashHex() }
  }
}

/** Safety numbers from the rule, with node:crypto alone. */
const safetyHalf = (key: Uint8Array): string => {
  const sha = (b: Uint8Array) => new Uint8Array(nodeCrypto.createHash("sha256").update(b).digest())
  let h = sha(Bytes.concat(Bytes.utf8("affinity/safety/v1\u0000"), key))
  for (let i = 1; i < 5200; i++) h = sha(Bytes.concat(h, key))
  let out = ""
  for (let i = 0; i < 6; i++) out += String(Number(BigInt(`0x${hex(h.subarray(i * 5, i * 5 + 5))}`) % 100000n)).padStart(5, "0")
  return out
}

const safetyVectors = (): Json =>
  [
    [ada, bo],
    [cy, mallory]
  ].map(([a, b]) => {
    const number = [safetyHalf(a!.publicKey), safetyHalf(b!.publicKey)].sort().join("")
    if (number !== Defense.SafetyNumber.of(a!.publicKey, b!.publicKey)) throw new Error("the SDK's safety number differs from the rule")
    return { a: a!.id, b: b!.id, number, qr: `AFFINITY-SAFETY-1:${number}` }
  })

const feedVector = (): Json => {
  const entries = [wire(HILL, "e1".repeat(32), "scam ring")]
  const unsigned = Defense.Feed.unsigned({ source: HILL, publisher: pubA.id, from: 1, entries })
  const signed = Defense.Feed.sign({ source: HILL, from: 1, entries }, pubA.secret)
  const opened = Defense.Feed.open(signed)
  if (!opened.ok || !Defense.Feed.verify(opened.value, [pubA.id])) throw new Error("the feed does not verify")
  return { publisherSecret: hex(pubA.secret), publisher: pubA.id, unsigned: hex(unsigned), message: hex(Defense.Feed.message(unsigned)), signed: hex(signed), valid: true }
}

/** The file's text. */
export const generate = (): string => {
  const file = {
    description:
      "Conformance vectors of the defense module (docs/protocol.md, the defense section): restrictions on outsiders and the standing gate, lists shared between communities with k-of-n agreement, protective freezes, emergency mandates; signed list exports and safety numbers. Keys: secret seeds of 32 bytes 0x01 (Ada), 0x02 (Bo), 0x03 (Cy), 0x42 (Mallory, an outsider), 0x51 and 0x52 (the publishers of the allied lists Hillside, a1…a1, and Lakeside, b2…b2). Communities run core, governance and defense; decisions are by consent, closed once two founders' clocks pass the deadline.",
    procedure:
      "For each scenario: open a replica from `genesis` (wire hex) with the core, governance and defense modules, deliver `events` (wire hex) in order, then check the outcome of every event ('Applied', followed by '; module/type Applied|<reason>' for each action the event carried, or the rejection tag), the defense state summarised in `expected.defense`, and the state hash (SHA-256 of the canonical CBOR of { core, governance, defense }). The same results must come from any delivery order. `feed`: `unsigned` is the canonical CBOR of the export; `message` = 'affinity/defense-feed/v1' 0x00 || unsigned; `signed` = canonical CBOR of { feed: unsigned, sig }, sig the publisher's Ed25519 signature of `message`. `safety`: each key's 30 digits from SHA-256^5200 (first round over 'affinity/safety/v1' 0x00 || key, then h || key), six 5-byte big-endian pieces modulo 100000; the two halves sorted and joined.",
    scenarios: scenarios().map(vectorOf),
    feed: feedVector(),
    safety: safetyVectors()
  }
  return `${JSON.stringify(file, null, 2)}\n`
}

const target = new URL("../vectors/defense.json", import.meta.url)

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = generate()
  if (process.argv.includes("--check")) {
    const current = await readFile(target, "utf8").catch(() => undefined)
    console.log(current === text ? "defense.json is up to date" : "defense.json differs from what the generator writes")
    process.exitCode = current === text ? 0 : 1
  } else {
    await writeFile(target, text)
    console.log(`wrote conformance/vectors/defense.json (${text.length} bytes)`)
  }
}
