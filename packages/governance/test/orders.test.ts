/**
 * Order independence of the whole kernel and the governance module, by fast-check: small
 * random communities (3–5 founders, applicants admitted by decision, proposals with stances
 * including blocks, closes racing blocks and each other, removals by decision whose subjects
 * keep signing on old parents, removals racing each other, device keys added and revoked,
 * departures, ticks claiming varied times, far-future ones included, and a few events the
 * log refuses) reach the same state hash and the same outcome for every event in every
 * delivery order, in batches of every size, when the fold has to go back past its recent
 * states to a sparse snapshot, and when the events dated ahead of a device's clock are held
 * and released later (`docs/protocol.md` §4–§8).
 */
import fc from "fast-check"
import { afterEach, describe, expect, it, vi } from "vitest"
import { Bytes, Client, CoreEvents, type Event, Replica, Storage } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { DAY, HOUR, key, type Key, sign, signDraft, T0, World } from "./support/world.ts"

const MINUTE = 60_000

// ---------------------------------------------------------------------------------------
// Scripts: what a random community does, as plain data (so fast-check shrinks it).

/** How far back an event reaches for its parents: 0 is the current heads, k the heads k steps ago. */
const behind = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 4 }) })
const who = fc.nat({ max: 9 })
const kinds = fc.constantFrom<Governance.StanceKind>("agree", "abstain", "object", "block")
const subject = fc.constantFrom("none", "admit", "remove")
/** An event concurrent with a close (same parents): another close, a stance, or a tick. */
const rival = fc.option(fc.record({ who, kind: fc.constantFrom("close", "block", "agree", "tick", "subject") }), { nil: undefined })

const op = fc.oneof(
  { weight: 3, arbitrary: fc.record({ t: fc.constant("propose" as const), who, behind, action: subject, target: who, consent: fc.boolean(), hours: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant("stance" as const), who, behind, proposal: fc.nat(), kind: kinds }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("close" as const), who, behind, proposal: fc.nat(), rival }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("witness" as const), who: fc.uniqueArray(who, { minLength: 1, maxLength: 4 }), behind, hours: fc.integer({ min: 0, max: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("tick" as const), who, behind, when: fc.constantFrom("next", "hour", "far") }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("apply" as const), applicant: fc.nat({ max: 2 }), behind }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("decide" as const),
      who,
      behind,
      action: subject,
      target: who,
      blocker: fc.option(fc.record({ who, concurrent: fc.boolean() }), { nil: undefined }),
      closer: who,
      rival
    })
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("deviceAdd" as const), who, by: fc.nat(), behind }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("deviceAct" as const), device: fc.nat(), behind, kind: fc.constantFrom("tick", "stance", "close"), proposal: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("revoke" as const), device: fc.nat(), behind, race: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("mint" as const), who, race: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("duel" as const),
      who,
      fights: fc.array(fc.record({ target: who, closer: who, lift: fc.nat({ max: 2 }) }), { minLength: 2, maxLength: 3 }),
      behind
    })
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("leave" as const), who, behind, race: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("backwards" as const), behind, child: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("ghost" as const), target: fc.nat(), behind: fc.integer({ min: 1, max: 4 }), kind: fc.constantFrom("tick", "stance", "close", "propose", "device"), proposal: fc.nat() }) }
)

const script = fc.record({
  founders: fc.integer({ min: 3, max: 5 }),
  timeWitnesses: fc.integer({ min: 1, max: 3 }),
  ops: fc.array(op, { minLength: 4, maxLength: 24 })
})

type Script = typeof script extends fc.Arbitrary<infer T> ? T : never

const founderKeys = [1, 2, 3, 4, 5].map((n) => key(n, `founder${n}`))
const applicantKeys = [21, 22, 23].map((n) => key(n, `applicant${n}`))
const deviceKey = (i: number) => key(41 + i, `device${i}`)

/**
 * Play a script into a world. Every event either cites the heads of some earlier step
 * (`behind`) or the current heads, so steps race each other; the interpreter only keeps the
 * claimed times valid (never below what an event cites).
 */
const play = (s: Script): { readonly w: World; readonly events: ReadonlyArray<Event.Event> } => {
  const founders = founderKeys.slice(0, s.founders)
  const w = new World(founders, { timeWitnesses: s.timeWitnesses })
  const frontiers: Array<Array<Event.Event>> = [w.heads()]
  const tips = new Map<string, Event.Event>()
  const actors: Array<Key> = [...founders]
  const devices: Array<{ readonly key: Key; readonly owner: Key }> = []
  const proposals: Array<Event.Event> = []
  const removals: Array<Key> = []
  /** Every event but the genesis, in creation order (with those signed outside the world: refused ones). */
  const created: Array<Event.Event> = []
  let strangers = 0
  let clock = T0

  const at = (back: number) => frontiers[Math.max(0, frontiers.length - 1 - back)]!
  const floor = (k: Key, parents: ReadonlyArray<Event.Event>) =>
    Math.max(tips.get(k.id)?.header.time ?? 0, ...parents.map((p) => p.header.time))
  const emit = (k: Key, module: string, type: string, body: Parameters<World["add"]>[3], parents: ReadonlyArray<Event.Event>, time?: number) => {
    const e = w.add(k, module, type, body, { parents: [...parents], time: Math.max(time ?? floor(k, parents) + 1000, floor(k, parents)) })
    tips.set(k.id, e)
    created.push(e)
    clock = Math.max(clock, e.header.time)
    return e
  }
  const send = (k: Key, d: Governance.Draft, parents: ReadonlyArray<Event.Event>, time?: number) => emit(k, d.module, d.type, d.body, parents, time)
  const actor = (n: number) => actors[n % actors.length]!
  const proposal = (n: number) => (proposals.length === 0 ? undefined : proposals[n % proposals.length]!)
  const reason = (kind: Governance.StanceKind) => (kind === "object" || kind === "block" ? "because" : undefined)
  const deadline = (parents: ReadonlyArray<Event.Event>, k: Key, hours: number) => floor(k, parents) + 1000 + hours * HOUR
  const actionOf = (action: string, target: number) =>
    action === "admit"
      ? Governance.admit(applicantKeys[target % applicantKeys.length]!.id)
      : action === "remove"
        ? Governance.remove(actor(target).id, "by decision")
        : undefined
  const open = (k: Key, action: string, target: number, consent: boolean, hours: number, parents: ReadonlyArray<Event.Event>) => {
    const a = actionOf(action, target)
    if (action === "remove") removals.push(actor(target))
    const p = send(k, Governance.propose({ title: `P${proposals.length}`, process: consent ? "consent" : "consensus", deadline: deadline(parents, k, hours), ...(a ? { action: a } : {}) }), parents)
    proposals.push(p)
    return p
  }
  const witness = (keys: ReadonlyArray<Key>, parents: ReadonlyArray<Event.Event>, time: number) => {
    let last: Event.Event | undefined
    for (const k of keys) last = emit(k, "core", "tick", {}, last === undefined ? parents : [last], time)
    return last!
  }
  const race = (r: { readonly who: number; readonly kind: string } | undefined, p: Event.Event, parents: ReadonlyArray<Event.Event>, closer: Key) => {
    if (r === undefined) return
    const k = r.kind === "subject" ? (removals.length > 0 ? removals[removals.length - 1]! : actor(r.who)) : actor(r.who)
    if (k.id === closer.id) return
    if (r.kind === "close" || r.kind === "subject") send(k, Governance.close(p.key), parents)
    else if (r.kind === "tick") emit(k, "core", "tick", {}, parents)
    else send(k, Governance.stance(p.key, r.kind as Governance.StanceKind, reason(r.kind as Governance.StanceKind)), parents)
  }

  for (const o of s.ops) {
    switch (o.t) {
      case "propose":
        open(actor(o.who), o.action, o.target, o.consent, o.hours, at(o.behind))
        break
      case "stance": {
        const p = proposal(o.proposal)
        if (p) send(actor(o.who), Governance.stance(p.key, o.kind, reason(o.kind)), at(o.behind))
        break
      }
      case "close": {
        const p = proposal(o.proposal)
        if (!p) break
        const parents = at(o.behind)
        send(actor(o.who), Governance.close(p.key), parents)
        race(o.rival, p, parents, actor(o.who))
        break
      }
      case "witness":
        witness([...new Set(o.who.map(actor))], at(o.behind), clock + o.hours * HOUR)
        break
      case "tick": {
        const k = actor(o.who)
        const parents = at(o.behind)
        const time = o.when === "next" ? undefined : o.when === "hour" ? floor(k, parents) + HOUR : clock + 20 * DAY
        emit(k, "core", "tick", {}, parents, time)
        break
      }
      case "apply": {
        const k = applicantKeys[o.applicant]!
        const first = !tips.has(k.id)
        emit(k, "core", "member.apply", { note: `I am ${k.name}` }, at(o.behind))
        if (first) actors.push(k)
        break
      }
      case "decide": {
        // A whole decision: open, an optional block (seen by the close or concurrent with it),
        // witnesses at the deadline, a close, and an optional event racing the close.
        const k = actor(o.who)
        let start = o.behind === 0 ? w.heads() : at(o.behind)
        if (o.action === "admit") {
          // The applicant applies first, unless they did already.
          const a = applicantKeys[o.target % applicantKeys.length]!
          if (!tips.has(a.id)) {
            const applied = emit(a, "core", "member.apply", { note: `I am ${a.name}` }, start)
            actors.push(a)
            start = o.behind === 0 ? w.heads() : [...start, applied]
          }
        }
        const p = open(k, o.action, o.target, true, 1, start)
        const due = clock + HOUR + 1000
        let last = p
        let blockedLate: Key | undefined
        if (o.blocker !== undefined) {
          if (o.blocker.concurrent) blockedLate = actor(o.blocker.who)
          else last = send(actor(o.blocker.who), Governance.stance(p.key, "block", "no"), [p])
        }
        const witnesses = [...new Set([0, 1, 2].map((n) => actor(o.closer + n)))]
        const tick = witness(witnesses, o.behind === 0 ? w.heads() : [last], due)
        const closer = actor(o.closer)
        send(closer, Governance.close(p.key), [tick])
        if (blockedLate !== undefined && blockedLate.id !== closer.id) send(blockedLate, Governance.stance(p.key, "block", "late"), [tick])
        race(o.rival, p, [tick], closer)
        break
      }
      case "deviceAdd": {
        const owner = actor(o.who)
        const mine = [owner, ...devices.filter((d) => d.owner.id === owner.id).map((d) => d.key)]
        const adder = mine[o.by % mine.length]!
        const device = deviceKey(devices.length)
        const consent = sign(device.secret, CoreEvents.deviceConsentMessage(w.community, adder.publicKey))
        emit(adder, "core", "device.add", { device: device.publicKey, consent }, at(o.behind))
        devices.push({ key: device, owner })
        break
      }
      case "deviceAct": {
        if (devices.length === 0) break
        const d = devices[o.device % devices.length]!
        const parents = at(o.behind)
        const p = proposal(o.proposal)
        if (o.kind === "tick" || !p) emit(d.key, "core", "tick", {}, parents)
        else if (o.kind === "stance") send(d.key, Governance.stance(p.key, "block", "from my phone"), parents)
        else send(d.key, Governance.close(p.key), parents)
        break
      }
      case "revoke": {
        if (devices.length === 0) break
        const d = devices[o.device % devices.length]!
        const parents = at(o.behind)
        emit(d.owner, "core", "device.revoke", { device: d.key.publicKey }, parents)
        // The revoked key signs concurrently with its revocation.
        if (o.race) emit(d.key, "core", "tick", {}, parents)
        break
      }
      case "mint": {
        // A device adds a successor while (or after) its owner revokes it; the successor acts.
        const owner = actor(o.who)
        const first = deviceKey(devices.length)
        emit(owner, "core", "device.add", { device: first.publicKey, consent: sign(first.secret, CoreEvents.deviceConsentMessage(w.community, owner.publicKey)) }, w.heads())
        devices.push({ key: first, owner })
        const base = w.heads()
        const revoke = emit(owner, "core", "device.revoke", { device: first.publicKey }, base)
        const second = deviceKey(devices.length)
        const add = emit(first, "core", "device.add", { device: second.publicKey, consent: sign(second.secret, CoreEvents.deviceConsentMessage(w.community, first.publicKey)) }, o.race ? base : [revoke])
        devices.push({ key: second, owner })
        emit(second, "core", "tick", {}, [add])
        break
      }
      case "duel": {
        // Removals decided concurrently, each closed by a member another one removes (when the
        // choices line up); a close can first climb a few ticks of its own, so that concurrent
        // closes sort at different depths.
        const x = actor(o.who)
        const base = at(o.behind)
        const opened = o.fights.map((f) => open(x, "remove", f.target, true, 1, base))
        const witnesses = [...new Set([x, ...o.fights.map((f) => actor(f.closer)), ...actors])].slice(0, 3)
        const tick = witness(witnesses, [opened[opened.length - 1]!], clock + HOUR + 1000)
        o.fights.forEach((f, i) => {
          const closer = actor(f.closer)
          let top = tick
          for (let n = 0; n < f.lift; n++) top = emit(closer, "core", "tick", {}, [top])
          send(closer, Governance.close(opened[i]!.key), [top])
        })
        break
      }
      case "leave": {
        const k = actor(o.who)
        const parents = at(o.behind)
        emit(k, "core", "member.leave", { note: "bye" }, parents)
        // Signed concurrently with the departure, by another of their keys when they have one.
        const other = devices.find((d) => d.owner.id === k.id)
        if (o.race && other) emit(other.key, "core", "tick", {}, parents)
        break
      }
      case "backwards": {
        // A stranger signs on the latest events a time before theirs (refused TimeWentBackwards),
        // and maybe a second event on it (refused RefusedDependency); the world never cites them.
        const parents = at(o.behind)
        const top = Math.max(...parents.map((e) => e.header.time))
        const k = key(90 + strangers++, "stranger")
        const bad = signDraft(k.secret, {
          community: w.community,
          author: k.publicKey,
          seq: 1,
          prev: null,
          parents: parents.map((e) => e.id),
          time: top - 1,
          module: "core",
          type: "member.apply",
          body: { note: "back" }
        })
        created.push(bad)
        if (o.child)
          created.push(signDraft(k.secret, { community: w.community, author: k.publicKey, seq: 2, prev: bad.id, parents: [], time: top, module: "core", type: "tick", body: {} }))
        break
      }
      case "ghost": {
        // The subject of a removal keeps signing on parents from before it.
        if (removals.length === 0) break
        const k = removals[o.target % removals.length]!
        const parents = at(o.behind)
        const p = proposal(o.proposal)
        if (o.kind === "device") {
          // … and adds a device key there, which acts.
          const device = deviceKey(devices.length)
          const add = emit(k, "core", "device.add", { device: device.publicKey, consent: sign(device.secret, CoreEvents.deviceConsentMessage(w.community, k.publicKey)) }, parents)
          devices.push({ key: device, owner: k })
          emit(device, "core", "tick", {}, [add], clock + HOUR)
        } else if (o.kind === "tick" || !p) emit(k, "core", "tick", {}, parents, clock + HOUR)
        else if (o.kind === "stance") send(k, Governance.stance(p.key, "block", "still here"), parents)
        else if (o.kind === "close") send(k, Governance.close(p.key), parents)
        else open(k, "none", 0, false, 2, parents)
        break
      }
    }
    frontiers.push(w.heads())
  }
  return { w, events: created }
}

// ---------------------------------------------------------------------------------------
// What a replica made of the events.

const outcomeText = (o: Replica.Outcome | undefined): string =>
  o === undefined
    ? "undelivered"
    : o._tag === "Rejected"
      ? `Rejected ${o.reason._tag}`
      : `Applied${o.actions.map((a) => ` ${a.module}/${a.type}:${a._tag === "Applied" ? "ok" : a.reason._tag}`).join("")}`

interface Summary {
  readonly hash: string
  readonly size: number
  readonly outcomes: ReadonlyArray<string>
}

const summary = (r: Replica.Replica, events: ReadonlyArray<Event.Event>): Summary => ({
  hash: r.stateHashHex(),
  size: r.log.size,
  outcomes: events.map((e) => `${e.header.module}/${e.header.type} ${outcomeText(r.outcome(e.key))}`)
})

/** Keys of the events an event cites (parents and backlink). */
const depsOf = (e: Event.Event): Array<string> => [...e.header.parents, ...(e.header.prev ? [e.header.prev] : [])].map(Bytes.toHex)

/** A fresh replica of the world's community holding only the genesis. */
const empty = (w: World): Replica.Replica => w.replica([])

/** Feed `order` to a replica in batches whose sizes cycle through `batches`. */
const feed = (r: Replica.Replica, order: ReadonlyArray<Event.Event>, batches: ReadonlyArray<number>) => {
  let k = 0
  for (let b = 0; k < order.length; b++) {
    const n = batches[b % batches.length]!
    r.ingest(order.slice(k, k + n))
    k += n
  }
}

/** A permutation of `events` from priorities (all equal: creation order, which is what shrinking heads for). */
const permute = <T>(events: ReadonlyArray<T>, priorities: ReadonlyArray<number>): Array<T> =>
  events
    .map((e, i) => ({ e, i, p: priorities.length === 0 ? 0 : priorities[i % priorities.length]! }))
    .sort((a, b) => a.p - b.p || a.i - b.i)
    .map((x) => x.e)

/** What fraction of generated histories show each thing the generator is meant to reach. */
const seen = new Map<string, number>()
const note = (r: Replica.Replica, events: ReadonlyArray<Event.Event>) => {
  const tags = new Set<string>()
  const position = new Map(r.orderedKeys().map((k, i) => [k, i]))
  for (const e of events) {
    const o = r.outcome(e.key)
    // A removal rejecting an act that sorts before it in fold order (the fold had to go back).
    const by = o?._tag === "Rejected" && o.reason._tag === "Removed" ? /recorded in ([0-9a-f]+)…/.exec(o.reason.message)?.[1] : undefined
    if (by !== undefined && [...position].some(([k, i]) => k.startsWith(by) && i > position.get(e.key)!)) tags.add("Removed before its removal")
    tags.add(outcomeText(o).split(" ").slice(0, 2).join(" "))
    if (o?._tag === "Applied") for (const a of o.actions) if (a._tag === "Applied") tags.add(`${a.module}/${a.type}`)
    if (e.header.time > T0 + 10 * DAY) tags.add("far-future claim")
  }
  for (const t of tags) seen.set(t, (seen.get(t) ?? 0) + 1)
}

describe("every delivery order reaches the same state (random communities)", () => {
  it("random permutations in random batches, and the order a device holding future events delivers in, match one ingest in creation order", () => {
    let runs = 0
    fc.assert(
      fc.property(
        script,
        fc.array(fc.nat({ max: 1000 }), { maxLength: 64 }),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom("shuffle", "hold"),
        fc.nat(),
        (s, priorities, batches, mode, cut) => {
          const { w, events } = play(s)
          const reference = w.replica(events)
          const expected = summary(reference, events)
          runs++
          note(reference, events)
          const r = empty(w)
          if (mode === "shuffle") feed(r, permute(events, priorities), batches)
          else {
            // A device whose clock reads `now` holds what claims more than five minutes past it
            // (and, times never going down along edges, whatever cites that), delivers the rest
            // in any order, then releases the held events in claimed-time order, a few release
            // times at once (`docs/protocol.md` §6).
            const times = [...new Set(events.map((e) => e.header.time))].sort((a, b) => a - b)
            const now = times[cut % times.length]!
            const due = (e: Event.Event) => e.header.time - 5 * MINUTE <= now
            feed(r, permute(events.filter(due), priorities), batches)
            const held = events.filter((e) => !due(e)).sort((a, b) => a.header.time - b.header.time || (a.key < b.key ? -1 : 1))
            const untils = [...new Set(held.map((e) => e.header.time))]
            for (let k = 0, b = 0; k < untils.length; b++) {
              const chunk = untils.slice(k, k + batches[b % batches.length]!)
              r.ingest(held.filter((e) => e.header.time >= chunk[0]! && e.header.time <= chunk[chunk.length - 1]!))
              k += chunk.length
            }
          }
          expect(summary(r, events)).toEqual(expected)
        }
      ),
      { numRuns: 200 }
    )
    // The generator reaches what this file is about, in a fair share of the histories.
    const share = (t: string) => (seen.get(t) ?? 0) / runs
    for (const t of ["core/member.remove", "core/member.admit", "Rejected Removed", "Rejected AlreadyClosed", "Rejected DeviceRevoked", "Rejected DeviceNotAdded", "Removed before its removal", "Rejected MemberLeft", "far-future claim"])
      expect(share(t), t).toBeGreaterThan(0.02)
  })
})

/** 600 ticks by a key that never joined, chained on the genesis: concurrent with everything, all `UnknownAuthor`. */
const paddings = new Map<string, ReadonlyArray<Event.Event>>()
const padding = (w: World): ReadonlyArray<Event.Event> => {
  const known = paddings.get(w.genesis.key)
  if (known !== undefined) return known
  const k = key(98, "padder")
  const chain: Array<Event.Event> = []
  for (let i = 0; i < 600; i++) {
    const prev = chain[chain.length - 1]
    chain.push(
      signDraft(k.secret, {
        community: w.community,
        author: k.publicKey,
        seq: i + 1,
        prev: prev?.id ?? null,
        parents: prev ? [] : [w.genesis.id],
        time: T0 + i,
        module: "core",
        type: "tick",
        body: {}
      })
    )
  }
  paddings.set(w.genesis.key, chain)
  return chain
}

describe("past the recent trail of states: late events and removals that send the fold back to a sparse snapshot", () => {
  it("a long concurrent chain folded first, then the community in any order, matches one ingest", () => {
    let refolds = 0
    fc.assert(
      fc.property(
        script,
        fc.array(fc.nat({ max: 1000 }), { maxLength: 64 }),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(1, 7, 64),
        (s, priorities, batches, snapshotEvery) => {
          const { w, events } = play(s)
          const pad = padding(w)
          const expected = summary(w.replica([...pad, ...events]), events)
          const opened = Replica.Replica.open(w.genesis, { modules: [Governance.module], snapshotEvery })
          if (!opened.ok) throw new Error(opened.error.message)
          const r = opened.replica
          r.ingest(pad)
          feed(r, permute(events, priorities), batches)
          refolds += r.stats.refolds
          expect(summary(r, events)).toEqual(expected)
        }
      ),
      { numRuns: 12 }
    )
    expect(refolds).toBeGreaterThan(0)
  })
})

/**
 * Deliver a script's events to a device whose clock reads a moment `start` of the history
 * (chosen by `cut`) and that receives everything at once, in the order `priorities` give and
 * in `batches`; then move its clock on through the remaining moments, `steps` at a time.
 * A second device receives each event when it is due, in creation order. Both hold events
 * claiming more than `tolerance` past their clock. Resolves to whether anything was held.
 */
const heldAndReleased = async (
  s: Script,
  priorities: ReadonlyArray<number>,
  batches: ReadonlyArray<number>,
  cut: number,
  steps: ReadonlyArray<number>,
  tolerance: number
): Promise<boolean> => {
  const { w, events } = play(s)
  const until = (e: Event.Event) => e.header.time - tolerance
  const moments = [...new Set(events.map(until))].sort((a, b) => a - b)
  const start = moments[cut % moments.length]!
  const dueBy = (t: number) => events.filter((e) => until(e) <= t)
  // Events with something ahead of the clock in their past (only those claiming a time
  // below a parent's, refused once it is delivered, can be due themselves).
  const tainted = new Set<string>()
  const ahead = new Set(events.filter((e) => until(e) > start).map((e) => e.key))
  for (const e of events)
    if (depsOf(e).some((d) => ahead.has(d) || tainted.has(d))) tainted.add(e.key)
  const options = { storage: Storage.layerMemory, modules: [Governance.module], futureTolerance: tolerance }
  const [lateClient, onTimeClient] = [await Client.make(options), await Client.make(options)]
  /** What the late device held, with the moment it said it would release each. */
  const held = new Map<string, number>()
  try {
    vi.setSystemTime(start)
    const late = await lateClient.join(w.genesis.bytes)
    const onTime = await onTimeClient.join(w.genesis.bytes)

    // The late device gets everything at `start`, in any order and in batches.
    const order = permute(events, priorities)
    for (let k = 0, b = 0; k < order.length; b++) {
      const batch = order.slice(k, k + batches[b % batches.length]!)
      const got = await late.receive(batch.map((e) => e.bytes))
      batch.forEach((e, i) => {
        const v = got[i]!
        const what = `${e.header.module}/${e.header.type} claiming T0 + ${e.header.time - T0} ms`
        if (until(e) > start) {
          // Held when claiming a time past the clock plus the tolerance …
          expect(v._tag, what).toBe("Held")
          if (v._tag === "Held") expect(v.until, what).toBeGreaterThanOrEqual(until(e))
        } else if (!tainted.has(e.key)) expect(v._tag, what).not.toBe("Held") // … and only then.
        if (v._tag === "Held") held.set(e.key, v.until)
      })
      k += batch.length
    }
    // A held event is released at its own moment, or with the held event it cites when that
    // one is released later (only an event claiming a time below its parent's can cite one).
    const release = new Map<string, number>()
    for (const e of events) {
      const own = held.get(e.key)
      if (own === undefined) continue
      release.set(e.key, Math.max(own, ...depsOf(e).map((d) => release.get(d) ?? own)))
    }
    // The on-time device gets what is due, in creation order: nothing is held.
    expect((await onTime.receive(dueBy(start).map((e) => e.bytes))).filter((v) => v._tag === "Held")).toEqual([])
    expect(late.stateHash()).toBe(onTime.stateHash())
    expect(late.stateHash()).toBe(w.replica(dueBy(start)).stateHashHex())

    // The clock moves on, a few release moments at a time.
    const later = moments.filter((t) => t > start)
    let last = start
    for (let k = 0, b = 0; k < later.length; b++) {
      const now = later[Math.min(later.length - 1, k + steps[b % steps.length]! - 1)]!
      vi.setSystemTime(now)
      expect(await late.receive([])).toEqual([])
      const newly = events.filter((e) => until(e) > last && until(e) <= now)
      expect((await onTime.receive(newly.map((e) => e.bytes))).filter((v) => v._tag === "Held")).toEqual([])
      expect(late.held().map((h) => h.key).sort()).toEqual([...release].filter(([, u]) => u > now).map(([k]) => k).sort())
      expect(late.stateHash()).toBe(onTime.stateHash())
      expect(late.stateHash()).toBe(w.replica(dueBy(now)).stateHashHex())
      last = now
      k = later.indexOf(now) + 1
    }
    expect(late.held()).toEqual([])
    const reference = summary(w.replica(events), events)
    expect(summary(late.community.replica, events)).toEqual(reference)
    expect(summary(onTime.community.replica, events)).toEqual(reference)
  } finally {
    await lateClient.close()
    await onTimeClient.close()
  }
  return held.size > 0
}

describe("events held ahead of the device's clock (Community, through the Client API)", () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it("held on arrival and released as the clock moves on, they give at every moment the state of a device that got them when they were due", async () => {
    // The Effect clock communities read is the platform's: fake `Date` alone and move it by hand.
    vi.useFakeTimers({ toFake: ["Date"] })
    let heldRuns = 0
    await fc.assert(
      fc.asyncProperty(
        script,
        fc.array(fc.nat({ max: 1000 }), { maxLength: 64 }),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 8 }),
        fc.nat(),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom(0, 5 * MINUTE, HOUR),
        async (s, priorities, batches, cut, steps, tolerance) => {
          if (await heldAndReleased(s, priorities, batches, cut, steps, tolerance)) heldRuns++
        }
      ),
      { numRuns: 25 }
    )
    expect(heldRuns).toBeGreaterThan(0)
  })

  // Found by the property above, shrunk from a history of nine steps, where the property's own
  // first idea of release times was wrong, not the code: the event it cites arrives after it,
  // so it is held for its own time; due first, it is held again with that one (§6, "Release").
  it("an event claiming a time below the one it cites, held before that one arrived, waits for it and is then refused as on time", async () => {
    vi.useFakeTimers({ toFake: ["Date"] })
    const w = new World(founderKeys.slice(0, 3))
    const cited = w.tick(founderKeys[0]!, T0 + 1000)
    const stranger = key(99, "stranger")
    const back = signDraft(stranger.secret, {
      community: w.community,
      author: stranger.publicKey,
      seq: 1,
      prev: null,
      parents: [cited.id],
      time: T0 + 999,
      module: "core",
      type: "member.apply",
      body: { note: "back" }
    })
    const options = { storage: Storage.layerMemory, modules: [Governance.module], futureTolerance: 0 }
    const [lateClient, onTimeClient] = [await Client.make(options), await Client.make(options)]
    const holding = (c: Client.CommunityHandle) =>
      c.held().map((h) => `${h.key === back.key ? "back" : "cited"} ${h.reason._tag} ${h.until - T0}`).sort()
    try {
      vi.setSystemTime(T0)
      const late = await lateClient.join(w.genesis.bytes)
      const onTime = await onTimeClient.join(w.genesis.bytes)
      await late.receive([back.bytes, cited.bytes])
      expect(holding(late)).toEqual(["back AheadOfClock 999", "cited AheadOfClock 1000"])
      // Its own moment comes first: released, it cites a held event, and is held with it.
      vi.setSystemTime(T0 + 999)
      expect(await late.receive([])).toEqual([])
      expect(holding(late)).toEqual(["back CitesHeld 1000", "cited AheadOfClock 1000"])
      expect(late.stateHash()).toBe(w.replica([]).stateHashHex())
      vi.setSystemTime(T0 + 1000)
      expect(await late.receive([])).toEqual([])
      expect(late.held()).toEqual([])
      // The device that got each when it was due.
      expect((await onTime.receive([cited.bytes, back.bytes])).map((v) => (v._tag === "Invalid" ? v.reason._tag : v._tag))).toEqual(["Valid", "TimeWentBackwards"])
      expect(late.community.replica.log.index.has(back.key)).toBe(false)
      expect(late.stateHash()).toBe(onTime.stateHash())
      expect(late.stateHash()).toBe(w.replica([cited]).stateHashHex())
      expect((await late.receive([back.bytes])).map((v) => (v._tag === "Invalid" ? v.reason._tag : v._tag))).toEqual(["TimeWentBackwards"])
    } finally {
      await lateClient.close()
      await onTimeClient.close()
    }
  })
})
