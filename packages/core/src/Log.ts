/**
 * The log: a community's events as a DAG with per-author chains.
 *
 * The log judges what can be judged from the graph alone: links (backlink, parents),
 * time monotonicity, equivocation, and the key registry (which device keys belong to which
 * identity, which were revoked, who left). Signatures are checked before events reach it.
 * Every answer it gives about an event depends only on that event's causal past, or on the
 * whole set of delivered events, never on the order they arrived in.
 *
 * @module
 */
import * as Bytes from "./Bytes.ts"
import * as CoreEvents from "./CoreEvents.ts"
import type * as Event from "./Event.ts"
import { sha256 } from "./Hash.ts"
import { makeScan, type Scan, scan } from "./internal/stored.ts"
import type { Rejection } from "./Module.ts"

/** What the log says about one event given to it. */
export type Verdict =
  | { readonly _tag: "Valid"; readonly key: string }
  | { readonly _tag: "Duplicate"; readonly key: string }
  | { readonly _tag: "Pending"; readonly key: string; readonly missing: ReadonlyArray<string> }
  | { readonly _tag: "Invalid"; readonly key: string | null; readonly reason: Rejection }

/** Two signed events by one author with one sequence number: proof the author forked its chain. */
export interface EquivocationProof {
  readonly author: string
  readonly seq: number
  /** The two events' wire bytes, ordered by id. */
  readonly a: Uint8Array
  readonly b: Uint8Array
}

/** Limits on what the log holds for events whose parents have not arrived. */
export interface LogLimits {
  /** Most events waiting for parents. */
  readonly maxPending: number
  /** Most bytes of events waiting for parents. */
  readonly maxPendingBytes: number
}

/** Defaults: 10,000 waiting events, 16 MiB. */
export const defaultLimits: LogLimits = { maxPending: 10_000, maxPendingBytes: 16 * 1024 * 1024 }

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
 * What the key registry makes of a `core/device.add`, `device.revoke` or `member.leave`
 * event, judged on the whole log (`docs/protocol.md` §5, §9): the key it adds or revokes
 * (none for a departure), and `counts`, the identity of the fact it states when that fact
 * counts (the key's counting addition, a revocation or a departure that counts), else
 * `undefined`.
 */
export interface Claim {
  readonly kind: "add" | "revoke" | "leave"
  readonly device: string | undefined
  readonly counts: string | undefined
}

/**
 * Whether a device key acts for an identity at an event, and if not, why
 * (`docs/protocol.md` §5):
 *
 * - `Acts`: it acts for `identity`.
 * - `Revoked`: a revocation of the key that counts had not seen the event.
 * - `Left`: a departure of its identity that counts had not seen the event.
 * - `NotAdded`: the key was added in the event's past, but by no addition that took effect
 *   (the adding event did not count: its signer was revoked, had left or forked its chain),
 *   or another addition of it comes first.
 * - `Unknown`: no addition of the key is in the event's past.
 */
export type Standing =
  | { readonly _tag: "Acts"; readonly identity: string }
  | { readonly _tag: "Revoked" }
  | { readonly _tag: "Left"; readonly identity: string }
  | { readonly _tag: "NotAdded" }
  | { readonly _tag: "Unknown" }

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

/** Core event types that change the key registry: read back from storage, they are decoded in full. */
const REGISTRY_TYPE_BYTES: ReadonlyArray<Uint8Array> = ["genesis", "member.apply", "device.add", "device.revoke", "member.leave"].map(
  (t) => Bytes.utf8(t)
)

/** Events per segment of {@link Log.digest}. */
const DIGEST_SEGMENT = 4096

/** Latest events whose ids are kept for finding stored parents without making a key. */
const RECENT = 16

const DIGEST_DOMAIN = Bytes.utf8("affinity/log-prefix/v1\u0000")

/**
 * The DAG of delivered events of one community, with the indexes the fold needs.
 * Events are numbered in delivery order; an event's parents always have smaller numbers.
 */
export class Log {
  readonly community: Uint8Array
  readonly communityKey: string
  readonly limits: LogLimits
  // Per delivered event, by index.
  readonly keys: Array<string> = []
  readonly bytes: Array<Uint8Array> = []
  readonly depth: Array<number> = []
  readonly time: Array<number> = []
  readonly seq: Array<number> = []
  readonly author: Array<string> = []
  readonly deps: Array<ReadonlyArray<number>> = []
  readonly index = new Map<string, number>()

  /** Ids of delivered events, 32 bytes each, back to back by index (grown by doubling). */
  private allIds = new Uint8Array(32 * 64)
  /** Ids of the events of the current, unfinished run of {@link DIGEST_SEGMENT} (32 bytes each; grows to 128 kB). */
  private segment = new Uint8Array(32 * 64)
  /** SHA-256 of each finished run of {@link DIGEST_SEGMENT} ids, in order. */
  private readonly segmentDigests: Array<Uint8Array> = []
  /** Ids of the latest {@link RECENT} events, by index modulo {@link RECENT}. */
  private readonly recent = new Uint8Array(32 * RECENT)

  /** Per author: sequence number → index of the first event delivered with it. */
  private readonly chains = new Map<string, Map<number, number>>()
  /** Per author: index of its event with the highest sequence number. */
  private readonly tips = new Map<string, number>()
  /** Per author: id of that event (one buffer per author, rewritten). */
  private readonly tipIds = new Map<string, Uint8Array>()
  /**
   * Per author: {@link knownSeq} of each event from the author's first event on
   * (`table[i - base]`), filled in index order as far as asked.
   */
  private readonly known = new Map<string, { table: Int32Array; readonly base: number; filled: number }>()
  /**
   * Per event: how many of the first events (by index) are certainly in its causal past or
   * the event itself. Every index below it is an ancestor, so most questions about old
   * events are answered without a table (see {@link isAncestor}).
   */
  private readonly covered: Array<number> = []
  /** Per event: index of its first child edge in {@link edgeChild}, or -1. */
  private readonly firstChild: Array<number> = []
  /** Per child edge: the child's index. */
  private readonly edgeChild: Array<number> = []
  /** Per child edge: the next edge of the same parent, or -1. */
  private readonly edgeNext: Array<number> = []
  private readonly childCount: Array<number> = []
  private readonly headSet = new Set<number>()

  /** Author keys that signed two events with one sequence number, with the lowest such number. */
  readonly equivocations = new Map<string, number>()
  readonly proofs: Array<EquivocationProof> = []

  // Key registry, judged per event on its causal past.
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

  // Quarantine of events waiting for parents.
  private readonly pending = new Map<string, { readonly event: Event.Event; readonly missing: Set<string> }>()
  private readonly waiting = new Map<string, Set<string>>()
  private pendingBytes = 0
  /** Keys of events refused at link time (bounded); events depending on them can never be delivered. */
  private readonly refused = new Set<string>()

  constructor(community: Uint8Array, limits: LogLimits = defaultLimits) {
    this.community = community
    this.communityKey = Bytes.toHex(community)
    this.limits = limits
  }

  /** Number of delivered events. */
  get size(): number {
    return this.keys.length
  }

  /** Number of events waiting for parents. */
  get pendingCount(): number {
    return this.pending.size
  }

  /** Indexes of the events nobody has named as a parent yet, by key. */
  heads(): ReadonlyArray<string> {
    return [...this.headSet].map((i) => this.keys[i]!).sort()
  }

  /** Keys that waiting events need and that this log has not received at all, sorted. */
  missing(): ReadonlyArray<string> {
    return [...this.waiting.keys()].filter((k) => !this.index.has(k) && !this.pending.has(k) && !this.refused.has(k)).sort()
  }

  /**
   * Offer an event whose signature has been checked. Returns the verdict for it and the
   * indexes of every event delivered as a result (it, and waiting events it unblocked).
   */
  add(event: Event.Event): { readonly verdict: Verdict; readonly delivered: ReadonlyArray<number> } {
    const key = event.key
    if (this.index.has(key) || this.pending.has(key)) {
      return {
        verdict: this.index.has(key)
          ? { _tag: "Duplicate", key }
          : { _tag: "Pending", key, missing: [...this.pending.get(key)!.missing] },
        delivered: []
      }
    }
    const h = event.header
    if (h.community === null) {
      if (key !== this.communityKey) return invalid(key, "WrongCommunity", "this is the genesis of another community")
    } else if (!Bytes.equals(h.community, this.community)) {
      return invalid(key, "WrongCommunity", `event belongs to community ${Bytes.toHex(h.community)}`)
    }
    const needed = this.depKeys(event)
    if (this.refused.size > 0) {
      const doomed = needed.find((k) => this.refused.has(k))
      if (doomed !== undefined) {
        this.refuse(key)
        return invalid(key, "RefusedDependency", `it depends on ${doomed.slice(0, 16)}…, which was refused`)
      }
    }
    // Each dependency looked up once; the indexes serve the link checks and the insertion.
    const found: Array<number> = []
    let missing: Array<string> | undefined
    for (const k of needed) {
      const d = this.index.get(k)
      if (d === undefined) (missing ??= []).push(k)
      else found.push(d)
    }
    if (missing !== undefined) {
      if (
        this.pending.size >= this.limits.maxPending ||
        this.pendingBytes + event.bytes.length > this.limits.maxPendingBytes
      ) {
        return invalid(key, "QuarantineFull", "too many events are waiting for parents; offer this one again later")
      }
      this.depKeyCache.set(event, needed)
      this.pending.set(key, { event, missing: new Set(missing) })
      this.pendingBytes += event.bytes.length
      for (const m of missing) {
        let set = this.waiting.get(m)
        if (!set) this.waiting.set(m, (set = new Set()))
        set.add(key)
      }
      return { verdict: { _tag: "Pending", key, missing }, delivered: [] }
    }
    const author = this.intern(Bytes.toHex(h.author))
    const linked = this.link(event, found, author)
    if (linked !== undefined) {
      this.refuse(key)
      return { verdict: { _tag: "Invalid", key, reason: linked }, delivered: [] }
    }
    const delivered = [this.insert(event, found, author)]
    this.release(key, delivered)
    return { verdict: { _tag: "Valid", key }, delivered }
  }

  private readonly depKeyCache = new WeakMap<Event.Event, ReadonlyArray<string>>()
  private lastDepEvent: Event.Event | undefined
  private lastDepKeys: ReadonlyArray<string> = []

  /**
   * Hex keys of an event's dependencies (parents, then prev), computed once per event: the
   * event being added is remembered in two fields, a waiting one in a weak map.
   */
  private depKeys(event: Event.Event): ReadonlyArray<string> {
    if (event === this.lastDepEvent) return this.lastDepKeys
    let out = this.depKeyCache.get(event)
    if (!out) {
      const keys = event.header.parents.map(Bytes.toHex)
      if (event.header.prev) keys.push(Bytes.toHex(event.header.prev))
      out = keys
    }
    this.lastDepEvent = event
    this.lastDepKeys = out
    return out
  }

  /**
   * Judge links once all dependencies are present; a rejection or `undefined`. `deps` are
   * the indexes of {@link depKeys} (parents, then prev), `author` the interned author key.
   */
  private link(event: Event.Event, deps: ReadonlyArray<number>, author: string): Rejection | undefined {
    const h = event.header
    if (h.prev) {
      const p = deps[deps.length - 1]!
      if (this.author[p] !== author || this.seq[p] !== h.seq - 1)
        return reject("BrokenBacklink", "prev must be the author's own event with the previous sequence number")
    }
    let latest = 0
    for (const d of deps) latest = Math.max(latest, this.time[d]!)
    if (h.time < latest)
      return reject("TimeWentBackwards", `claimed time ${h.time} is before its parents' time ${latest}`)
    return undefined
  }

  private release(key: string, delivered: Array<number>): void {
    const queue = [key]
    while (queue.length > 0) {
      const k = queue.pop()!
      const waiters = this.waiting.get(k)
      if (!waiters) continue
      this.waiting.delete(k)
      for (const w of [...waiters].sort()) {
        const entry = this.pending.get(w)
        if (!entry) continue
        entry.missing.delete(k)
        if (entry.missing.size > 0) continue
        this.pending.delete(w)
        this.pendingBytes -= entry.event.bytes.length
        const deps = this.depKeys(entry.event).map((d) => this.index.get(d)!)
        const author = this.intern(Bytes.toHex(entry.event.header.author))
        if (this.link(entry.event, deps, author) !== undefined) {
          this.refuseWaiting(w)
          continue
        }
        delivered.push(this.insert(entry.event, deps, author))
        queue.push(w)
      }
    }
  }

  private readonly authors = new Map<string, string>()

  /** One string per author key, however many events it signed. */
  private intern(author: string): string {
    const known = this.authors.get(author)
    if (known !== undefined) return known
    this.authors.set(author, author)
    return author
  }

  /** Remember a refused key, forgetting the oldest beyond 65,536. */
  private refuse(key: string): void {
    this.refused.add(key)
    if (this.refused.size > 65_536) this.refused.delete(this.refused.values().next().value!)
  }

  /** Refuse a key and, transitively, every waiting event that needs it. */
  private refuseWaiting(key: string): void {
    const queue = [key]
    while (queue.length > 0) {
      const k = queue.pop()!
      this.refuse(k)
      const waiters = this.waiting.get(k)
      if (!waiters) continue
      this.waiting.delete(k)
      for (const w of waiters) {
        const entry = this.pending.get(w)
        if (!entry) continue
        this.pending.delete(w)
        this.pendingBytes -= entry.event.bytes.length
        for (const m of entry.missing) this.waiting.get(m)?.delete(w)
        queue.push(w)
      }
    }
  }

  private insert(event: Event.Event, deps: ReadonlyArray<number>, author: string): number {
    const h = event.header
    const i = this.place(event.key, event.id, event.bytes, author, h.seq, h.time, deps)
    this.register(event, i, author)
    return i
  }

  /** Record a delivered event's graph facts (everything but the key registry and witness times). */
  private place(
    key: string,
    id: Uint8Array,
    bytes: Uint8Array,
    author: string,
    seq: number,
    time: number,
    deps: ReadonlyArray<number>,
    indexed = true
  ): number {
    const i = this.keys.length
    let depth = 0
    for (const d of deps) depth = Math.max(depth, this.depth[d]!)
    this.keys.push(key)
    this.bytes.push(bytes)
    this.depth.push(depth + 1)
    this.time.push(time)
    this.seq.push(seq)
    this.author.push(author)
    this.deps.push(deps)
    this.childCount.push(0)
    this.firstChild.push(-1)
    let covered = 0
    for (const d of deps) if (this.covered[d]! > covered) covered = this.covered[d]!
    for (let grew = true; grew; ) {
      grew = false
      for (const d of deps)
        if (d === covered) {
          covered = d + 1
          grew = true
        }
    }
    this.covered.push(covered === i ? i + 1 : covered)
    if (indexed) this.index.set(key, i)
    const slot = i % DIGEST_SEGMENT
    if (this.segment.length < 32 * (slot + 1)) {
      const grown = new Uint8Array(Math.min(32 * DIGEST_SEGMENT, this.segment.length * 2))
      grown.set(this.segment)
      this.segment = grown
    }
    this.segment.set(id, 32 * slot)
    if (this.allIds.length < 32 * (i + 1)) {
      const grown = new Uint8Array(this.allIds.length * 2)
      grown.set(this.allIds)
      this.allIds = grown
    }
    this.allIds.set(id, 32 * i)
    if (slot === DIGEST_SEGMENT - 1) this.segmentDigests.push(sha256(this.segment))
    this.recent.set(id, 32 * (i % RECENT))
    for (const d of deps) {
      if (this.childCount[d]! === 0) this.headSet.delete(d)
      this.childCount[d]! += 1
      this.edgeNext.push(this.firstChild[d]!)
      this.firstChild[d] = this.edgeChild.length
      this.edgeChild.push(i)
    }
    this.headSet.add(i)

    let chain = this.chains.get(author)
    if (!chain) this.chains.set(author, (chain = new Map()))
    const other = chain.get(seq)
    if (other !== undefined) {
      const first = this.equivocations.get(author)
      if (first === undefined || seq < first) this.equivocations.set(author, seq)
      this.settled.delete(author)
      this.touched.add(author)
      const [a, b] = this.keys[other]! < key ? [this.bytes[other]!, bytes] : [bytes, this.bytes[other]!]
      this.proofs.push({ author, seq, a, b })
    } else chain.set(seq, i)
    const tip = this.tips.get(author)
    if (tip === undefined || seq > this.seq[tip]!) {
      this.tips.set(author, i)
      let tipId = this.tipIds.get(author)
      if (tipId === undefined) this.tipIds.set(author, (tipId = new Uint8Array(32)))
      tipId.set(id)
    }
    return i
  }

  /**
   * Add a record read back from storage. Storage holds only events this log delivered
   * before (their signatures checked, their links judged), in delivery order, so the
   * common record takes a short path: the envelope and header are read in place, the id
   * is hashed again and the links are checked, but the body is neither hashed nor decoded.
   *
   * Returns the record's index when it was delivered that way, `null` when the log already
   * holds it, and `undefined` when the record needs the full path: decode it with
   * `Event.decode` and offer it to {@link add}. Records of the key registry (core events
   * that add, revoke or end keys) always take the full path.
   *
   * @param knownId - the record's id when the caller already knows it for these exact
   *   bytes (from a checkpoint whose digest of the stored records matched): not hashed again.
   */
  addStored(bytes: Uint8Array, knownId?: Uint8Array): number | null | undefined {
    const s = this.scanned
    if (!scan(bytes, s) || s.moduleEnd > bytes.length) return undefined
    if (!this.sameBytes(bytes, s.community, this.community, 0)) return undefined
    if (s.moduleEnd - s.moduleStart === 4 && bytes[s.moduleStart] === 0x63 && bytes[s.moduleStart + 1] === 0x6f &&
      bytes[s.moduleStart + 2] === 0x72 && bytes[s.moduleStart + 3] === 0x65) {
      for (const name of REGISTRY_TYPE_BYTES) {
        if (name.length !== s.typeEnd - s.typeStart) continue
        let k = 0
        while (k < name.length && bytes[s.typeStart + k] === name[k]) k++
        if (k === name.length) return undefined
      }
    }
    const id = knownId ?? sha256(bytes.subarray(s.headerStart, s.headerEnd))
    const key = Bytes.toHex(id)
    if (this.pending.size > 0 && this.pending.has(key)) return undefined
    if (this.refused.size > 0 && this.refused.has(key)) return undefined
    // Claim the index entry now (one lookup instead of a look and a later insert); a record
    // stored twice finds it taken and gets it back; any later way out gives it up.
    const i = this.keys.length
    const before = this.index.size
    this.index.set(key, i)
    if (this.index.size === before) {
      this.index.set(key, this.keys.indexOf(key))
      return null
    }
    const taken = this.addStoredClaimed(bytes, s, key, id, i)
    if (taken === undefined) this.index.delete(key)
    return taken
  }

  /** The rest of {@link addStored}, once the index entry for `key` is claimed as `i`. */
  private addStoredClaimed(bytes: Uint8Array, s: Scan, key: string, id: Uint8Array, i: number): number | undefined {
    const author = this.authorKey(bytes, s.author)
    const seq = s.seq
    const time = s.time
    const deps: Array<number> = []
    let latest = 0
    for (let k = 0; k < s.parentCount; k++) {
      const d = this.find(bytes, s.parents[k]!)
      if (d === undefined) return undefined
      deps.push(d)
      if (this.time[d]! > latest) latest = this.time[d]!
    }
    if (s.prev >= 0) {
      const tipId = this.tipIds.get(author)
      const d = tipId !== undefined && this.sameBytes(bytes, s.prev, tipId, 0) ? this.tips.get(author) : this.find(bytes, s.prev)
      if (d === undefined || this.author[d] !== author || this.seq[d] !== seq - 1) return undefined
      deps.push(d)
      if (this.time[d]! > latest) latest = this.time[d]!
    } else if (seq !== 1) return undefined
    if (time < latest || deps.length === 0) return undefined
    this.place(key, id, bytes, author, seq, time, deps, false)
    if (this.waiting.has(key)) this.release(key, [])
    return i
  }

  private readonly scanned = makeScan()

  /** Whether `bytes[at … at + 32]` equals `other[from … from + 32]`. */
  private sameBytes(bytes: Uint8Array, at: number, other: Uint8Array, from: number): boolean {
    for (let k = 0; k < 32; k++) if (bytes[at + k] !== other[from + k]) return false
    return true
  }

  /**
   * The index of the delivered event whose id is `bytes[at … at + 32]`, or `undefined`:
   * tried first among the latest events (where stored parents usually are) without
   * making a key.
   */
  private find(bytes: Uint8Array, at: number): number | undefined {
    const size = this.keys.length
    for (let j = size - 1; j >= 0 && j >= size - RECENT; j--) if (this.sameBytes(bytes, at, this.recent, 32 * (j % RECENT))) return j
    return this.index.get(Bytes.toHex(bytes.subarray(at, at + 32)))
  }

  /** Interned hex of the author key at `bytes[at … at + 32]`, without making a string for a key seen before. */
  private authorKey(bytes: Uint8Array, at: number): string {
    const prefix = bytes[at]! * 2 ** 40 + bytes[at + 1]! * 2 ** 32 + bytes[at + 2]! * 0x100_0000 + ((bytes[at + 3]! << 16) | (bytes[at + 4]! << 8) | bytes[at + 5]!)
    const seen = this.authorPrefixes.get(prefix)
    if (seen !== undefined && this.sameBytes(bytes, at, seen.bytes, 0)) return seen.key
    const own = bytes.slice(at, at + 32)
    const key = this.intern(Bytes.toHex(own))
    if (seen === undefined) this.authorPrefixes.set(prefix, { bytes: own, key })
    return key
  }

  private readonly authorPrefixes = new Map<number, { readonly bytes: Uint8Array; readonly key: string }>()

  /** Indexes of the events an author key signed, one per sequence number (the first delivered of a forked pair). */
  eventsBy(author: string): ReadonlyArray<number> {
    const chain = this.chains.get(author)
    return chain === undefined ? [] : [...chain.values()]
  }

  /** The ids of the first `count` delivered events, 32 bytes each, back to back (a copy). */
  ids(count: number = this.size): Uint8Array {
    if (!Number.isSafeInteger(count) || count < 0 || count > this.size) throw new RangeError(`no prefix of ${count} events`)
    return this.allIds.slice(0, 32 * count)
  }

  /**
   * A digest that identifies the first `count` delivered events and their delivery order:
   * SHA-256 of a domain prefix, `count` (4 bytes, big-endian) and the SHA-256 of each run
   * of 4,096 ids (the last run may be shorter). Whole runs are hashed once, so the digest
   * of a long log costs little more than hashing the ids added since the last call.
   */
  digest(count: number): Uint8Array {
    if (!Number.isSafeInteger(count) || count < 0 || count > this.size) throw new RangeError(`no prefix of ${count} events`)
    const whole = Math.floor(count / DIGEST_SEGMENT)
    const parts: Array<Uint8Array> = [DIGEST_DOMAIN, Uint8Array.of(count >>> 24, (count >>> 16) & 255, (count >>> 8) & 255, count & 255)]
    for (let k = 0; k < whole; k++) parts.push(this.segmentDigests[k]!)
    const rest = count % DIGEST_SEGMENT
    if (rest !== 0) {
      if (whole === Math.floor(this.size / DIGEST_SEGMENT)) parts.push(sha256(this.segment.subarray(0, 32 * rest)))
      else {
        // A prefix ending inside a finished run: its ids again from their keys.
        const ids = new Uint8Array(32 * rest)
        for (let k = 0; k < rest; k++) ids.set(Bytes.fromHex(this.keys[whole * DIGEST_SEGMENT + k]!)!, 32 * k)
        parts.push(sha256(ids))
      }
    }
    return sha256(Bytes.concat(...parts))
  }

  // ---------------------------------------------------------------------------------------
  // Ancestry

  /**
   * Calls `f` with the index of each event that names event `i` as a parent or prev (each
   * once per dependency it names), newest first.
   */
  forEachChild(i: number, f: (child: number) => void): void {
    for (let e = this.firstChild[i]!; e !== -1; e = this.edgeNext[e]!) f(this.edgeChild[e]!)
  }

  /** Whether event `x` is in the strict causal past of event `y` (indexes). */
  isAncestor(x: number, y: number): boolean {
    if (x === y || this.depth[x]! >= this.depth[y]!) return false
    if (x < this.covered[y]!) return true
    const author = this.author[x]!
    if (!this.equivocations.has(author)) {
      // Along one author's unforked chain, earlier is an ancestor: no table needed.
      if (this.author[y] === author) return this.seq[x]! < this.seq[y]!
      return this.knownSeq(y, author) >= this.seq[x]!
    }
    // An author who forked its chain: walk back from y.
    const seen = new Set<number>([y])
    const stack = [y]
    const limit = this.depth[x]!
    while (stack.length > 0) {
      const n = stack.pop()!
      for (const d of this.deps[n]!) {
        if (d === x) return true
        if (this.depth[d]! > limit && !seen.has(d)) {
          seen.add(d)
          stack.push(d)
        }
      }
    }
    return false
  }

  /**
   * How many of the first delivered events (by index) are certainly `i` or in its causal
   * past: every event with a lower index is (a lower bound, found from its dependencies'
   * bounds when it was delivered).
   */
  coveredBy(i: number): number {
    return this.covered[i]!
  }

  /** Whether `x` is `y` or in its causal past. */
  isAncestorOrSelf(x: number, y: number): boolean {
    return x === y || this.isAncestor(x, y)
  }

  /** Greatest sequence number of `author` in the causal past of `y`, `y` included. */
  knownSeq(y: number, author: string): number {
    let memo = this.known.get(author)
    if (!memo) {
      // No event delivered before the author's first one can have the author's events in its past.
      const chain = this.chains.get(author)
      let base = this.size
      if (chain !== undefined) for (const i of chain.values()) if (i < base) base = i
      this.known.set(author, (memo = { table: new Int32Array(Math.max(64, this.size - base)), base, filled: base }))
    }
    const base = memo.base
    if (y < base) return 0
    if (y >= memo.filled) {
      if (memo.table.length <= y - base) {
        const grown = new Int32Array(Math.max(y + 1 - base, memo.table.length * 2))
        grown.set(memo.table)
        memo.table = grown
      }
      const t = memo.table
      for (let i = memo.filled; i <= y; i++) {
        let s = this.author[i] === author ? this.seq[i]! : 0
        for (const d of this.deps[i]!) if (d >= base && t[d - base]! > s) s = t[d - base]!
        t[i - base] = s
      }
      memo.filled = y + 1
    }
    return memo.table[y - base]!
  }

  // ---------------------------------------------------------------------------------------
  // Key registry

  private register(event: Event.Event, i: number, author: string): void {
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
        if (identity === undefined || !(this.adds.get(device) ?? []).some((f) => f.identity === identity && this.isAncestor(f.at, i))) {
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
    while (k > 0 && this.before(fact.at, list[k - 1]!.at)) k--
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
    return this.changes + this.proofs.length
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
    if (settled !== undefined && settled.version === version && this.author[i] === device && this.seq[i]! > settled.seq)
      return settled.standing
    const found = this.judge(device, i, this.wholeLog())
    if (
      found._tag === "Acts" &&
      this.author[i] === device &&
      this.adds.get(device)!.length === 1 &&
      !this.revokes.has(device) &&
      !this.ends.has(found.identity) &&
      !this.equivocations.has(device)
    ) {
      const seq = this.seq[i]!
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
    return scope === undefined || this.isAncestor(x, scope)
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
      if (f.at !== i && !this.before(f.at, i)) break
      if (!this.inScope(f.at, j.scope)) continue
      if (!seen && this.isAncestorOrSelf(f.at, i)) seen = true
      if (counting === undefined) {
        const identity = this.worth(device, f, j)
        if (identity !== undefined) counting = { at: f.at, identity }
      }
      if (seen && counting !== undefined) break
    }
    if (!seen) return UNKNOWN
    if (counting === undefined || !this.isAncestorOrSelf(counting.at, i)) return NOT_ADDED
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
    const adder = this.author[x]!
    let out: string | undefined
    if (this.forkedIn(adder, this.seq[x]!, j.scope)) out = undefined
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
      if (this.inScope(r.at, scope) && !this.isAncestorOrSelf(i, r.at) && this.revocationCounts(r, counting, scope)) return true
    return false
  }

  /**
   * Whether a revocation counts against the key whose counting addition is `counting`: that
   * addition is in its past and gives the key to the revoker's identity, and its signer did
   * not fork its chain at or below its sequence number.
   */
  private revocationCounts(r: Fact, counting: Fact, scope: number | undefined): boolean {
    return r.identity === counting.identity && this.isAncestor(counting.at, r.at) && this.unforked(r.at, scope)
  }

  /** Whether a departure of `identity` that counts (see {@link unforked}) had not seen event `i`. */
  private leftAt(identity: string, i: number, scope: number | undefined): boolean {
    for (const l of this.ends.get(identity) ?? [])
      if (this.inScope(l, scope) && !this.isAncestorOrSelf(i, l) && this.unforked(l, scope)) return true
    return false
  }

  /**
   * Whether the event `x` counts as its signer's fact: the signer did not fork its chain at
   * or below `x`'s sequence number (the fold rejects such events `Equivocated`).
   */
  private unforked(x: number, scope: number | undefined): boolean {
    return !this.forkedIn(this.author[x]!, this.seq[x]!, scope)
  }

  /** Whether `author` forked its chain at or below `seq` (in the causal past of `scope` when given). */
  private forkedIn(author: string, seq: number, scope: number | undefined): boolean {
    const first = this.equivocations.get(author)
    if (first === undefined || first > seq) return false
    if (scope === undefined) return true
    for (const [s, events] of this.forksOf(author)) {
      if (s > seq) continue
      let n = 0
      for (const e of events) if (this.isAncestor(e, scope) && ++n === 2) return true
    }
    return false
  }

  /** Per author that forked: sequence number → indexes of its events with that number (from {@link proofs}). */
  private readonly forks = new Map<string, Map<number, Set<number>>>()
  private forksRead = 0
  private readonly forkScan = makeScan()

  private forksOf(author: string): ReadonlyMap<number, ReadonlySet<number>> {
    for (; this.forksRead < this.proofs.length; this.forksRead++) {
      const p = this.proofs[this.forksRead]!
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
    const s = this.forkScan
    if (!scan(bytes, s)) return undefined
    return this.index.get(Bytes.toHex(sha256(bytes.subarray(s.headerStart, s.headerEnd))))
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

  /** Highest sequence number an author key has used, with that event's index (or `undefined`). */
  tip(author: string): { readonly seq: number; readonly index: number } | undefined {
    const index = this.tips.get(author)
    return index === undefined ? undefined : { seq: this.seq[index]!, index }
  }

  /** Whether the identity is a founder. */
  isFounder(identity: string): boolean {
    return this.founders.has(identity)
  }

  /** Whether a departure of this identity that counts is in the causal past of event `i`. */
  hasLeftBefore(identity: string, i: number): boolean {
    return (this.ends.get(identity) ?? []).some((l) => this.isAncestor(l, i) && this.unforked(l, undefined))
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
    const first = this.equivocations.get(author)
    if (first === undefined) return false
    for (const [seq, e] of this.chains.get(author) ?? []) if (seq >= first && this.before(e, i)) return true
    for (const [seq, events] of this.forksOf(author)) if (seq >= first) for (const e of events) if (this.before(e, i)) return true
    return false
  }

  /** Total order used by the fold: by depth, then by id. */
  before(a: number, b: number): boolean {
    const da = this.depth[a]!
    const db = this.depth[b]!
    return da !== db ? da < db : this.keys[a]! < this.keys[b]!
  }
}

const invalid = (key: string, tag: string, message: string) => ({
  verdict: { _tag: "Invalid" as const, key, reason: reject(tag, message) },
  delivered: [] as ReadonlyArray<number>
})

const decodeOr = CoreEvents.decodeBody
