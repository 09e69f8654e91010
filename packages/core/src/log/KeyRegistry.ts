/**
 * The key registry of a log (`docs/protocol.md` §5): which device keys act for which
 * identity, made of facts (additions, revocations, departures) each judged once on its
 * event's causal past, and the standing of a key at an event, judged on that event's past
 * or on the whole log (strong revocation).
 *
 * @module
 */
import * as Bytes from "../Bytes.ts"
import * as CoreEvents from "../CoreEvents.ts"
import type * as Event from "../Event.ts"
import { sha256 } from "../Hash.ts"
import { makeEnvelope, read } from "../internal/envelope.ts"
import type { Rejection } from "../Module.ts"
import type { Ancestry } from "./Ancestry.ts"
import type { Graph } from "./Graph.ts"
import type { Claim, Standing } from "./types.ts"

/**
 * A fact of the key registry: the index of the event stating it and an identity (for an
 * addition, the identity the key was added to; for a revocation, the revoker's identity),
 * both judged on the event's causal past.
 */
interface Fact {
  readonly at: number
  readonly identity: string
}

/**
 * What a well-formed `core/device.add`, `device.revoke` or `member.leave` says: the key it
 * adds or revokes (none for a departure), and the identity of the fact the registry recorded
 * for it, judged on its causal past (`undefined` when it recorded none).
 */
interface Statement {
  readonly kind: "add" | "revoke" | "leave"
  readonly device: string | undefined
  readonly identity: string | undefined
}

/**
 * Where registry questions are judged: `scope` is `undefined` for the whole log, or an event
 * whose strict causal past alone is looked at; `memo` keeps what each addition was found to
 * be worth there (the identity it gives, or `null` when it did not take effect).
 */
interface Judging {
  readonly scope: number | undefined
  readonly memo: Map<number, string | null>
}

const UNKNOWN: Standing = { _tag: "Unknown" }
const NOT_ADDED: Standing = { _tag: "NotAdded" }
const REVOKED: Standing = { _tag: "Revoked" }

const reject = (tag: string, message: string): Rejection => ({ _tag: tag, message })

const decodeOr = CoreEvents.decodeBody

/** The key registry over one log's {@link Graph}, judged with its {@link Ancestry}. */
export class KeyRegistry {
  private readonly graph: Graph
  private readonly ancestry: Ancestry
  /** Per device key: its additions, in fold order. */
  private readonly adds = new Map<string, Array<Fact>>()
  /** Per device key: the revocations naming it whose signer acted in their causal past. */
  private readonly revokes = new Map<string, Array<Fact>>()
  private readonly ends = new Map<string, Array<number>>()
  /** Per identity: every device key an addition gave to it (see {@link devicesOf}). */
  private readonly devicesByIdentity = new Map<string, Set<string>>()
  /** Per event index: what it states, for the registry events whose body is well formed (see {@link claim}). */
  private readonly statements = new Map<number, Statement>()
  private readonly founders = new Set<string>()
  /** Per key: the device keys its `device.add` events added. */
  private readonly children = new Map<string, Set<string>>()
  /** Bumped by each registry fact that can change what an addition is worth (see {@link version}). */
  private changes = 0
  /** Device keys whose standing changed for the whole log since the last {@link drainTouched}. */
  private touched = new Set<string>()

  constructor(graph: Graph, ancestry: Ancestry) {
    this.graph = graph
    this.ancestry = ancestry
  }

  /** `author` forked its chain: what was settled about it no longer is, and its events may need to be judged again. */
  forked(author: string): void {
    this.settled.delete(author)
    this.touched.add(author)
  }

  /** Record the facts a delivered event states (`core` events that add, revoke or end keys). */
  register(event: Event.Event, i: number, author: string): void {
    const h = event.header
    if (h.module !== "core") return
    switch (h.type) {
      case "genesis": {
        const body = decodeOr(CoreEvents.Genesis, event.body)
        if (!body) return
        for (const f of body.founders) {
          const id = Bytes.toHex(f)
          this.founders.add(id)
          this.addAddition(id, { at: i, identity: id })
        }
        return
      }
      case "member.apply": {
        if (!decodeOr(CoreEvents.Apply, event.body)) return
        if (this.identityIn(author, i, "past") !== undefined) return
        this.addAddition(author, { at: i, identity: author })
        return
      }
      case "device.add": {
        const body = decodeOr(CoreEvents.DeviceAdd, event.body)
        if (!body) return
        const identity = this.identityIn(author, i, "past")
        const device = Bytes.toHex(body.device)
        if (identity === undefined || this.identityIn(device, i, "past") !== undefined) {
          this.statements.set(i, { kind: "add", device, identity: undefined })
          return
        }
        this.statements.set(i, { kind: "add", device, identity })
        this.addAddition(device, { at: i, identity })
        let children = this.children.get(author)
        if (children === undefined) this.children.set(author, (children = new Set()))
        children.add(device)
        return
      }
      case "device.revoke": {
        const body = decodeOr(CoreEvents.DeviceRevoke, event.body)
        if (!body) return
        const identity = this.identityIn(author, i, "past")
        const device = Bytes.toHex(body.device)
        // A key added to the signer's identity in the revocation's past. Whether that is the
        // key's addition that counts is asked when the revocation is (see `revokedAt`).
        if (identity === undefined || !(this.adds.get(device) ?? []).some((f) => f.identity === identity && this.ancestry.isAncestor(f.at, i))) {
          this.statements.set(i, { kind: "revoke", device, identity: undefined })
          return
        }
        this.statements.set(i, { kind: "revoke", device, identity })
        this.addFact(this.revokes, device, { at: i, identity })
        this.changed(device)
        return
      }
      case "member.leave": {
        if (!decodeOr(CoreEvents.Leave, event.body)) return
        const identity = this.identityIn(author, i, "past")
        this.statements.set(i, { kind: "leave", device: undefined, identity })
        if (identity === undefined) return
        this.addFact(this.ends, identity, i)
        this.changes++
        for (const d of this.devicesOf(identity)) this.touched.add(d)
        return
      }
    }
  }

  private addFact<T>(map: Map<string, Array<T>>, key: string, fact: T): void {
    const list = map.get(key)
    if (list) list.push(fact)
    else map.set(key, [fact])
  }

  /**
   * Record an addition of a device key, keeping its additions in fold order. A key's first
   * addition changes nothing already judged (no event delivered before it has it in its
   * past); another one may come first in fold order, so the key's standing may change.
   */
  private addAddition(device: string, fact: Fact): void {
    this.settled.delete(device)
    let devices = this.devicesByIdentity.get(fact.identity)
    if (devices === undefined) this.devicesByIdentity.set(fact.identity, (devices = new Set()))
    devices.add(device)
    const list = this.adds.get(device)
    if (list === undefined) {
      this.adds.set(device, [fact])
      return
    }
    let k = list.length
    while (k > 0 && this.graph.before(fact.at, list[k - 1]!.at)) k--
    list.splice(k, 0, fact)
    this.changed(device)
  }

  /** A fact that may change a device key's standing for the whole log. */
  private changed(device: string): void {
    this.changes++
    this.touched.add(device)
  }

  /**
   * Changes to the registry since the log began that can change what an addition is worth:
   * revocations, departures, further additions of a key, forks. Answers found for the whole
   * log are kept while this stays the same.
   */
  private get version(): number {
    return this.changes + this.graph.proofs.length
  }

  /**
   * The identity a device key acts for at event `i`, or `undefined` (see {@link standing}).
   *
   * - `"past"`: judged on the strict causal past of `i` alone (used to decide registry facts).
   * - `"strong"`: judged on the whole log: strong revocation (`docs/protocol.md` §5).
   */
  identityIn(device: string, i: number, mode: "past" | "strong"): string | undefined {
    const s = this.standing(device, i, mode)
    return s._tag === "Acts" ? s.identity : undefined
  }

  /**
   * Whether a device key acts for an identity at event `i`, and if not, why
   * (`docs/protocol.md` §5).
   *
   * - `"strong"` (the fold's question): the key's addition that counts (the first in fold
   *   order of its additions that took effect) is `i` or in its past, and every revocation
   *   of the key and every departure of its identity that count, anywhere in the log, have
   *   `i` in their causal past. An addition takes effect when its event counts under the
   *   same rules: its signer acts at it and has not forked its chain at or below its
   *   sequence number. A revocation counts when that addition is in its past and to its
   *   signer's identity; a revocation or a departure, when its signer did not fork its
   *   chain at or below it.
   * - `"past"`: the same rules applied to the strict causal past of `i` as if it were the
   *   whole log, so the answer never changes; a fact in that past (a revocation, a
   *   departure) counts against `i`.
   */
  standing(device: string, i: number, mode: "past" | "strong" = "strong"): Standing {
    if (mode === "past") return this.judge(device, i, { scope: i, memo: new Map() })
    // The common question: a key's own later event. Once an event of an unforked chain has
    // the key's only addition in its past, every later event of that chain has it too; while
    // no fact that could change what that addition is worth is recorded, the answer stays.
    const settled = this.settled.get(device)
    const version = this.version
    if (settled !== undefined && settled.version === version && this.graph.author[i] === device && this.graph.seq[i]! > settled.seq)
      return settled.standing
    const found = this.judge(device, i, this.wholeLog())
    if (
      found._tag === "Acts" &&
      this.graph.author[i] === device &&
      this.adds.get(device)!.length === 1 &&
      !this.revokes.has(device) &&
      !this.ends.has(found.identity) &&
      !this.graph.equivocations.has(device)
    ) {
      const seq = this.graph.seq[i]!
      if (settled === undefined || settled.version !== version || seq < settled.seq)
        this.settled.set(device, { seq, standing: found, version })
    }
    return found
  }

  /**
   * Per device key: the sequence number of an event of its own chain at which
   * {@link standing} found it acting, and the registry {@link version} then.
   */
  private readonly settled = new Map<string, { readonly seq: number; readonly standing: Standing; readonly version: number }>()

  /** What additions are worth in the whole log, kept while the registry's {@link version} stays. */
  private readonly whole: Judging = { scope: undefined, memo: new Map() }
  private wholeVersion = -1

  private wholeLog(): Judging {
    if (this.wholeVersion !== this.version) {
      this.whole.memo.clear()
      this.wholeVersion = this.version
    }
    return this.whole
  }

  /** Whether event `x` is in the judged part of the log. */
  private inScope(x: number, scope: number | undefined): boolean {
    return scope === undefined || this.ancestry.isAncestor(x, scope)
  }

  /**
   * {@link standing} of `device` at `i` where `j` says. Only additions of the key that sort
   * before `i` in fold order (or are `i`) are weighed, and what an addition is worth depends
   * only on additions that sort before it: the recursion always ends.
   */
  private judge(device: string, i: number, j: Judging): Standing {
    const adds = this.adds.get(device)
    if (adds === undefined) return UNKNOWN
    let seen = false
    let counting: Fact | undefined
    for (const f of adds) {
      if (f.at !== i && !this.graph.before(f.at, i)) break
      if (!this.inScope(f.at, j.scope)) continue
      if (!seen && this.ancestry.isAncestorOrSelf(f.at, i)) seen = true
      if (counting === undefined) {
        const identity = this.worth(device, f, j)
        if (identity !== undefined) counting = { at: f.at, identity }
      }
      if (seen && counting !== undefined) break
    }
    if (!seen) return UNKNOWN
    if (counting === undefined || !this.ancestry.isAncestorOrSelf(counting.at, i)) return NOT_ADDED
    if (this.revokedAt(device, counting, i, j.scope)) return REVOKED
    if (this.leftAt(counting.identity, i, j.scope)) return { _tag: "Left", identity: counting.identity }
    return { _tag: "Acts", identity: counting.identity }
  }

  /**
   * The identity an addition of `device` gives it where `j` says, or `undefined` when it did
   * not take effect: its event does not count (a fork of the signer at or below its sequence
   * number, or the signer does not act at it). A key's own `member.apply` counts unless a
   * departure of the identity it starts had not seen it. The genesis always counts.
   */
  private worth(device: string, f: Fact, j: Judging): string | undefined {
    const x = f.at
    if (x === 0) return f.identity
    const known = j.memo.get(x)
    if (known !== undefined) return known ?? undefined
    const adder = this.graph.author[x]!
    let out: string | undefined
    if (this.forkedIn(adder, this.graph.seq[x]!, j.scope)) out = undefined
    else if (adder === device) out = this.leftAt(device, x, j.scope) ? undefined : device
    else {
      const s = this.judge(adder, x, j)
      out = s._tag === "Acts" ? s.identity : undefined
    }
    j.memo.set(x, out ?? null)
    return out
  }

  /**
   * Whether a revocation of `device` that counts had not seen event `i` (see {@link revocationCounts}).
   */
  private revokedAt(device: string, counting: Fact, i: number, scope: number | undefined): boolean {
    for (const r of this.revokes.get(device) ?? [])
      if (this.inScope(r.at, scope) && !this.ancestry.isAncestorOrSelf(i, r.at) && this.revocationCounts(r, counting, scope)) return true
    return false
  }

  /**
   * Whether a revocation counts against the key whose counting addition is `counting`: that
   * addition is in its past and gives the key to the revoker's identity, and its signer did
   * not fork its chain at or below its sequence number.
   */
  private revocationCounts(r: Fact, counting: Fact, scope: number | undefined): boolean {
    return r.identity === counting.identity && this.ancestry.isAncestor(counting.at, r.at) && this.unforked(r.at, scope)
  }

  /** Whether a departure of `identity` that counts (see {@link unforked}) had not seen event `i`. */
  private leftAt(identity: string, i: number, scope: number | undefined): boolean {
    for (const l of this.ends.get(identity) ?? [])
      if (this.inScope(l, scope) && !this.ancestry.isAncestorOrSelf(i, l) && this.unforked(l, scope)) return true
    return false
  }

  /**
   * Whether the event `x` counts as its signer's fact: the signer did not fork its chain at
   * or below `x`'s sequence number (the fold rejects such events `Equivocated`).
   */
  private unforked(x: number, scope: number | undefined): boolean {
    return !this.forkedIn(this.graph.author[x]!, this.graph.seq[x]!, scope)
  }

  /** Whether `author` forked its chain at or below `seq` (in the causal past of `scope` when given). */
  private forkedIn(author: string, seq: number, scope: number | undefined): boolean {
    const first = this.graph.equivocations.get(author)
    if (first === undefined || first > seq) return false
    if (scope === undefined) return true
    for (const [s, events] of this.forksOf(author)) {
      if (s > seq) continue
      let n = 0
      for (const e of events) if (this.ancestry.isAncestor(e, scope) && ++n === 2) return true
    }
    return false
  }

  /** Per author that forked: sequence number → indexes of its events with that number (from {@link proofs}). */
  private readonly forks = new Map<string, Map<number, Set<number>>>()
  private forksRead = 0
  private readonly forkScan = makeEnvelope()

  private forksOf(author: string): ReadonlyMap<number, ReadonlySet<number>> {
    for (; this.forksRead < this.graph.proofs.length; this.forksRead++) {
      const p = this.graph.proofs[this.forksRead]!
      let bySeq = this.forks.get(p.author)
      if (bySeq === undefined) this.forks.set(p.author, (bySeq = new Map()))
      let events = bySeq.get(p.seq)
      if (events === undefined) bySeq.set(p.seq, (events = new Set()))
      for (const bytes of [p.a, p.b]) {
        const at = this.indexOfBytes(bytes)
        if (at !== undefined) events.add(at)
      }
    }
    return this.forks.get(author) ?? new Map()
  }

  /** Index of the delivered event with these wire bytes, found by its id. */
  private indexOfBytes(bytes: Uint8Array): number | undefined {
    const e = this.forkScan
    if (!read(bytes, e)) return undefined
    return this.graph.index.get(Bytes.toHex(sha256(bytes.subarray(e.headerStart, e.headerEnd))))
  }

  /** The rejection an event gets when its author key does not act (`docs/protocol.md` §7). */
  refusal(standing: Exclude<Standing, { readonly _tag: "Acts" }>): Rejection {
    switch (standing._tag) {
      case "Revoked":
        return reject("DeviceRevoked", "this device key was revoked; events it signed that the revocation had not seen do not count")
      case "Left":
        return reject("MemberLeft", "this member left; events they signed that the departure had not seen do not count")
      case "NotAdded":
        return reject(
          "DeviceNotAdded",
          "the event that added this device key did not take effect (its signer was revoked, had left or forked its chain), so the key acts for no identity; add it again from a device that counts"
        )
      case "Unknown":
        return reject("UnknownAuthor", "this key belongs to no identity of the community")
    }
  }

  /** Every device key ever added to an identity, sorted. */
  devicesOf(identity: string): ReadonlyArray<string> {
    const devices = this.devicesByIdentity.get(identity)
    return devices === undefined ? [] : [...devices].sort()
  }

  /** The identities additions gave device key `device` to (usually one), in the order they were recorded. */
  identitiesOf(device: string): ReadonlyArray<string> {
    const facts = this.adds.get(device)
    if (facts === undefined) return []
    if (facts.length === 1) return [facts[0]!.identity]
    return [...new Set(facts.map((f) => f.identity))]
  }

  /**
   * Device keys whose standing changed for the whole log (revoked, identity departed,
   * chain forked, added again) since the last call, with every key added from them, and
   * from those, and so on (what their additions are worth may have changed too); events
   * they signed may need to be judged again.
   */
  drainTouched(): ReadonlySet<string> {
    const out = this.touched
    this.touched = new Set()
    if (out.size > 0 && this.children.size > 0) {
      const queue = [...out]
      while (queue.length > 0)
        for (const d of this.children.get(queue.pop()!) ?? [])
          if (!out.has(d)) {
            out.add(d)
            queue.push(d)
          }
    }
    return out
  }

  /** Whether the identity is a founder. */
  isFounder(identity: string): boolean {
    return this.founders.has(identity)
  }

  /** Whether a departure of this identity that counts is in the causal past of event `i`. */
  hasLeftBefore(identity: string, i: number): boolean {
    return (this.ends.get(identity) ?? []).some((l) => this.ancestry.isAncestor(l, i) && this.unforked(l, undefined))
  }

  /**
   * Revocations (indexes) that count against a device key: those whose signer acted in their
   * causal past for the identity the key's counting addition (in their past) gave it, and
   * did not fork its chain at or below them.
   */
  revocationsOf(device: string): ReadonlyArray<number> {
    const revokes = this.revokes.get(device)
    if (revokes === undefined) return []
    const c = this.countingAddition(device)
    if (c === undefined) return []
    return revokes.filter((r) => this.revocationCounts(r, c, undefined)).map((r) => r.at)
  }

  /** Departures (indexes) that count for an identity: their signers did not fork their chains at or below them. */
  departuresOf(identity: string): ReadonlyArray<number> {
    return (this.ends.get(identity) ?? []).filter((l) => this.unforked(l, undefined))
  }

  /** A device key's counting addition in the whole log (the first in fold order of its additions that take effect), if any. */
  private countingAddition(device: string): Fact | undefined {
    const j = this.wholeLog()
    for (const f of this.adds.get(device) ?? []) {
      const identity = this.worth(device, f, j)
      if (identity !== undefined) return { at: f.at, identity }
    }
    return undefined
  }

  /**
   * What the key registry makes of event `i` when it is a well-formed `core/device.add`,
   * `device.revoke` or `member.leave`, judged on the whole log (see {@link Claim}); else
   * `undefined`. The fold applies such an event exactly when its fact counts.
   */
  claim(i: number): Claim | undefined {
    const s = this.statements.get(i)
    if (s === undefined) return undefined
    let counts: string | undefined
    if (s.identity !== undefined && this.unforked(i, undefined)) {
      if (s.kind === "leave") counts = s.identity
      else {
        const c = this.countingAddition(s.device!)
        if (s.kind === "add") counts = c?.at === i ? c.identity : undefined
        else counts = c !== undefined && this.revocationCounts({ at: i, identity: s.identity }, c, undefined) ? s.identity : undefined
      }
    }
    return { kind: s.kind, device: s.device, counts }
  }

  /**
   * Whether `author` forked its chain and one of its events at or above the first forked
   * sequence number (events the fold rejects `Equivocated`) sorts before event `i` in fold order.
   */
  forkedBefore(author: string, i: number): boolean {
    const first = this.graph.equivocations.get(author)
    if (first === undefined) return false
    for (const [seq, e] of this.graph.chains.get(author) ?? []) if (seq >= first && this.graph.before(e, i)) return true
    for (const [seq, events] of this.forksOf(author)) if (seq >= first) for (const e of events) if (this.graph.before(e, i)) return true
    return false
  }
}
