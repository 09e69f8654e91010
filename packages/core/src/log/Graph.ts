/**
 * The event graph of a log: delivered events numbered in delivery order, with what the
 * fold needs of each (key, bytes, depth, time, author chain, dependencies), the heads,
 * the authors' chains and forks, the digest of the delivery order, and the quarantine of
 * events waiting for their parents (`docs/protocol.md` §4).
 *
 * @module
 */
import * as Bytes from "../Bytes.ts"
import type * as Event from "../Event.ts"
import { sha256 } from "../Hash.ts"
import type { Rejection } from "../Module.ts"
import type { EquivocationProof, LogLimits, Verdict } from "./types.ts"

/** Events per segment of {@link Graph.digest}. */
const DIGEST_SEGMENT = 4096

/** Latest events whose ids are kept for finding stored parents without making a key. */
export const RECENT = 16

const DIGEST_DOMAIN = Bytes.utf8("affinity/log-prefix/v1\u0000")

const reject = (tag: string, message: string): Rejection => ({ _tag: tag, message })

const invalid = (key: string, tag: string, message: string) => ({
  verdict: { _tag: "Invalid" as const, key, reason: reject(tag, message) },
  delivered: [] as ReadonlyArray<number>
})

/** What the other parts of a log learn from the graph as it grows. */
export interface GraphListener {
  /** An event was placed at index `i` with these dependencies (both paths: offered and stored). */
  readonly placed: (i: number, deps: ReadonlyArray<number>) => void
  /** An event offered to the log was delivered at index `i` (after {@link placed}). */
  readonly inserted: (event: Event.Event, i: number, author: string) => void
  /** `author` signed two events with one sequence number. */
  readonly forked: (author: string) => void
}

/**
 * The DAG of delivered events of one community and the quarantine of events waiting for
 * parents. Events are numbered in delivery order; an event's parents always have smaller
 * numbers.
 */
export class Graph {
  readonly community: Uint8Array
  readonly communityKey: string
  readonly limits: LogLimits
  // Per delivered event, by index.
  readonly keys: Array<string> = []
  /** What is stored of each event: its wire bytes without a payload item. */
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
  readonly recent = new Uint8Array(32 * RECENT)

  /** Per author: sequence number → index of the first event delivered with it. */
  readonly chains = new Map<string, Map<number, number>>()
  /** Per author: index of its event with the highest sequence number. */
  readonly tips = new Map<string, number>()
  /** Per author: id of that event (one buffer per author, rewritten). */
  readonly tipIds = new Map<string, Uint8Array>()
  private readonly headSet = new Set<number>()

  /** Author keys that signed two events with one sequence number, with the lowest such number. */
  readonly equivocations = new Map<string, number>()
  readonly proofs: Array<EquivocationProof> = []

  // Quarantine of events waiting for parents.
  private readonly pending = new Map<string, { readonly event: Event.Event; readonly missing: Set<string> }>()
  private readonly waiting = new Map<string, Set<string>>()
  private pendingBytes = 0
  /** Keys of events refused at link time (bounded); events depending on them can never be delivered. */
  private readonly refused = new Set<string>()

  private listener: GraphListener | undefined

  constructor(community: Uint8Array, limits: LogLimits) {
    this.community = community
    this.communityKey = Bytes.toHex(community)
    this.limits = limits
  }

  /** Set what hears of placed, inserted and forked events (once, before the first event). */
  listen(listener: GraphListener): void {
    this.listener = listener
  }

  /** Number of delivered events. */
  get size(): number {
    return this.keys.length
  }

  /** Number of events waiting for parents. */
  get pendingCount(): number {
    return this.pending.size
  }

  /** Whether an event of that key waits for parents. */
  isPending(key: string): boolean {
    return this.pending.has(key)
  }

  /** Whether an event of that key was refused at link time (remembered within a bound). */
  isRefused(key: string): boolean {
    return this.refused.has(key)
  }

  /** Whether some waiting event needs the event of that key. */
  isAwaited(key: string): boolean {
    return this.waiting.has(key)
  }

  /** Whether any event waits for parents, or was refused at link time. */
  get anyPending(): boolean {
    return this.pending.size > 0
  }

  /** Whether any event was refused at link time. */
  get anyRefused(): boolean {
    return this.refused.size > 0
  }

  /** Keys of the events nobody has named as a parent yet, sorted. */
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

  /** Deliver the waiting events that `key` completes (and those they complete), appending their indexes to `delivered`. */
  release(key: string, delivered: Array<number>): void {
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
  intern(author: string): string {
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
    const i = this.place(event.key, event.id, event.stored, author, h.seq, h.time, deps)
    this.listener?.inserted(event, i, author)
    return i
  }

  /**
   * Record a delivered event's graph facts (everything but the key registry and witness
   * times). `indexed: false` when the caller has set its index entry already.
   */
  place(
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
    this.listener?.placed(i, deps)
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
    for (const d of deps) this.headSet.delete(d)
    this.headSet.add(i)

    let chain = this.chains.get(author)
    if (!chain) this.chains.set(author, (chain = new Map()))
    const other = chain.get(seq)
    if (other !== undefined) {
      const first = this.equivocations.get(author)
      if (first === undefined || seq < first) this.equivocations.set(author, seq)
      const [a, b] = this.keys[other]! < key ? [this.bytes[other]!, bytes] : [bytes, this.bytes[other]!]
      this.proofs.push({ author, seq, a, b })
      this.listener?.forked(author)
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

  /** Indexes of the events an author key signed, one per sequence number (the first delivered of a forked pair). */
  eventsBy(author: string): ReadonlyArray<number> {
    const chain = this.chains.get(author)
    return chain === undefined ? [] : [...chain.values()]
  }

  /** Highest sequence number an author key has used, with that event's index (or `undefined`). */
  tip(author: string): { readonly seq: number; readonly index: number } | undefined {
    const index = this.tips.get(author)
    return index === undefined ? undefined : { seq: this.seq[index]!, index }
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

  /** Total order used by the fold: by depth, then by id. */
  before(a: number, b: number): boolean {
    const da = this.depth[a]!
    const db = this.depth[b]!
    return da !== db ? da < db : this.keys[a]! < this.keys[b]!
  }
}
