/**
 * Range-based set reconciliation over a community's delivered event ids, in the spirit
 * of negentropy.
 *
 * Items are sorted by (depth, id), the fold order every replica shares. A reconcile
 * message splits the whole item space into consecutive ranges by exclusive upper
 * bounds (`Bound` in `Message`); each range is skipped, summarised by a fingerprint, or listed
 * id by id. A side that receives a fingerprint that differs from its own over the same
 * range splits the range into {@link BUCKETS} buckets of equal size (or lists its ids when
 * it holds at most {@link ID_LIST_MAX} of them); a side that receives an id list knows
 * exactly what each side lacks in that range. Rounds end when a reply is all skips.
 *
 * Fingerprints are SHA-256 over a per-connection salt, the item count and the
 * concatenated ids of the range, truncated to 16 bytes (see `docs/protocol.md`, §13 for why not
 * an additive or XOR fingerprint).
 *
 * Everything here is pure and synchronous.
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js"
import * as Bytes from "../Bytes.ts"
import { compareBounds, uintSize, type Bound, type Range } from "./Message.ts"

/** Buckets a differing range is split into. */
export const BUCKETS = 16
/** A differing range holding at most this many items is answered with its ids. */
export const ID_LIST_MAX = 32
/** Bytes of a fingerprint. */
export const FINGERPRINT_BYTES = 16
/** Domain of the session salt. */
export const SALT_DOMAIN = Bytes.utf8("affinity/sync/v1/salt\u0000")

/** The salt both sides of a connection use: SHA-256 of the domain and both nonces, lower first. */
export const salt = (nonceA: Uint8Array, nonceB: Uint8Array): Uint8Array => {
  const [lo, hi] = Bytes.compare(nonceA, nonceB) <= 0 ? [nonceA, nonceB] : [nonceB, nonceA]
  return sha256(Bytes.concat(SALT_DOMAIN, lo, hi))
}

const countBytes = (n: number): Uint8Array => {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(n))
  return out
}

/** Fingerprint of a run of concatenated 32-byte ids: SHA-256(salt ‖ u64be(count) ‖ ids)[0..16]. */
export const fingerprintOf = (saltBytes: Uint8Array, ids: Uint8Array): Uint8Array =>
  sha256.create().update(saltBytes).update(countBytes(ids.length / 32)).update(ids).digest().slice(0, FINGERPRINT_BYTES)

/** An item to add to a set: its depth, its 32-byte id, and a number the owner uses to find it. */
export interface Item {
  readonly depth: number
  readonly id: Uint8Array
  readonly ref: number
}

const compareItems = (a: Item, b: Item): number => a.depth - b.depth || Bytes.compare(a.id, b.id)

/** A set of items sorted by (depth, id), packed into typed arrays. */
export class ItemSet {
  private depths = new Uint32Array(16)
  private packed = new Uint8Array(16 * 32)
  private refs = new Int32Array(16)
  private count = 0

  /** A set of the given items (any order; no id twice). */
  static of(items: ReadonlyArray<Item>): ItemSet {
    const set = new ItemSet()
    set.add(items)
    return set
  }

  get size(): number {
    return this.count
  }

  depth(i: number): number {
    return this.depths[i]!
  }

  /** The id of item `i` (a view; do not change it). */
  id(i: number): Uint8Array {
    return this.packed.subarray(i * 32, i * 32 + 32)
  }

  ref(i: number): number {
    return this.refs[i]!
  }

  /** Concatenated ids of items `lo` (included) to `hi` (excluded), as a view. */
  ids(lo: number, hi: number): Uint8Array {
    return this.packed.subarray(lo * 32, hi * 32)
  }

  /** Add items not yet in the set (kept sorted). */
  add(items: ReadonlyArray<Item>): void {
    if (items.length === 0) return
    const fresh = [...items].sort(compareItems)
    const n = this.count
    const appendOnly = n === 0 || this.compareAt(n - 1, fresh[0]!) < 0
    this.reserve(n + fresh.length)
    if (appendOnly) {
      fresh.forEach((it, j) => this.put(n + j, it.depth, it.id, it.ref))
      this.count = n + fresh.length
      return
    }
    // Merge from the back, in place (the arrays already have room).
    let i = n - 1
    let j = fresh.length - 1
    let k = n + fresh.length - 1
    while (j >= 0) {
      const f = fresh[j]!
      if (i >= 0 && this.compareAt(i, f) > 0) {
        this.depths[k] = this.depths[i]!
        this.packed.copyWithin(k * 32, i * 32, i * 32 + 32)
        this.refs[k] = this.refs[i]!
        i--
      } else {
        this.put(k, f.depth, f.id, f.ref)
        j--
      }
      k--
    }
    this.count = n + fresh.length
  }

  private compareAt(i: number, item: Item): number {
    return this.depths[i]! - item.depth || Bytes.compare(this.id(i), item.id)
  }

  private put(k: number, depth: number, id: Uint8Array, ref: number): void {
    this.depths[k] = depth
    this.packed.set(id, k * 32)
    this.refs[k] = ref
  }

  private reserve(n: number): void {
    if (n <= this.depths.length) return
    let cap = this.depths.length
    while (cap < n) cap *= 2
    const d = new Uint32Array(cap)
    d.set(this.depths.subarray(0, this.count))
    const p = new Uint8Array(cap * 32)
    p.set(this.packed.subarray(0, this.count * 32))
    const r = new Int32Array(cap)
    r.set(this.refs.subarray(0, this.count))
    this.depths = d
    this.packed = p
    this.refs = r
  }

  /** Whether item `i` sorts below `bound`. */
  below(i: number, bound: Bound): boolean {
    if (bound === null) return true
    const d = this.depths[i]!
    return d < bound.depth || (d === bound.depth && Bytes.compare(this.id(i), bound.prefix) < 0)
  }

  /** Index of the first item at or above `bound` (the size when there is none). */
  lowerIndex(bound: Bound): number {
    if (bound === null) return this.count
    let lo = 0
    let hi = this.count
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.below(mid, bound)) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** The shortest bound above item `i − 1` and at or below item `i`. */
  boundBefore(i: number): Bound {
    const d = this.depths[i]!
    if (this.depths[i - 1]! < d) return { depth: d, prefix: new Uint8Array(0) }
    const a = this.id(i - 1)
    const b = this.id(i)
    let k = 0
    while (k < 32 && a[k] === b[k]) k++
    return { depth: d, prefix: b.slice(0, Math.min(k + 1, 32)) }
  }

  /** Fingerprint of items `lo` to `hi` under `salt`. */
  fingerprint(saltBytes: Uint8Array, lo: number, hi: number): Uint8Array {
    return fingerprintOf(saltBytes, this.ids(lo, hi))
  }
}

/** What processing a reconcile message gives. */
export interface Step {
  /** The reply's ranges; empty when the round is over. */
  readonly ranges: ReadonlyArray<Range>
  /** Refs of items this side holds and the other lacks. */
  readonly theyLack: ReadonlyArray<number>
  /** Ids the other side holds and this side lacks, ascending. */
  readonly weLack: ReadonlyArray<Uint8Array>
  /** Items hashed to compute fingerprints (the work the message cost). */
  readonly hashed: number
}

/** Encoded size of a bound. */
const boundSize = (b: Bound): number => (b === null ? 1 : 1 + uintSize(b.depth) + uintSize(b.prefix.length) + b.prefix.length)

/** Encoded size of a range. */
export const rangeSize = (r: Range): number =>
  r._tag === "Skip"
    ? 1 + boundSize(r.upper)
    : r._tag === "Fingerprint"
      ? 1 + boundSize(r.upper) + 1 + FINGERPRINT_BYTES
      : 1 + boundSize(r.upper) + uintSize(r.ids.length) + 34 * r.ids.length

/** Most bytes a fingerprint range can take (a bound with a 32-byte prefix and a large depth). */
const MAX_FINGERPRINT_RANGE = 1 + 1 + 9 + 1 + 32 + 1 + FINGERPRINT_BYTES

/** Builds a reply, merging consecutive skips and counting its encoded size. */
class Reply {
  readonly ranges: Array<Range> = []
  hashed = 0
  bytes = 0
  skip(upper: Bound): void {
    const last = this.ranges[this.ranges.length - 1]
    if (last?._tag === "Skip") {
      this.bytes -= rangeSize(last)
      this.ranges[this.ranges.length - 1] = { _tag: "Skip", upper }
    } else this.ranges.push({ _tag: "Skip", upper })
    this.bytes += rangeSize(this.ranges[this.ranges.length - 1]!)
  }
  push(r: Range): void {
    this.ranges.push(r)
    this.bytes += rangeSize(r)
  }
  /** All skips means nothing is left to say. */
  done(): ReadonlyArray<Range> {
    return this.ranges.every((r) => r._tag === "Skip") ? [] : this.ranges
  }
}

/** How large a reply may grow. */
export interface Budget {
  /** Most encoded bytes of all ranges together. */
  readonly maxBytes: number
  /** Most ranges. */
  readonly maxRanges: number
}

/** No practical limit (for tests and simulations). */
export const unlimited: Budget = { maxBytes: Number.MAX_SAFE_INTEGER, maxRanges: Number.MAX_SAFE_INTEGER }

const sortedIds = (set: ItemSet, lo: number, hi: number): Array<Uint8Array> => {
  const out: Array<Uint8Array> = []
  for (let i = lo; i < hi; i++) out.push(set.id(i).slice())
  return out.sort(Bytes.compare)
}

/** Bytes and ranges `describe` adds for `c` items. */
const describeCost = (c: number): { readonly bytes: number; readonly ranges: number } =>
  c <= ID_LIST_MAX ? { bytes: 1 + 44 + uintSize(c) + 34 * c, ranges: 1 } : { bytes: BUCKETS * MAX_FINGERPRINT_RANGE, ranges: BUCKETS }

/** Describe items `lo..hi` (up to `upper`): ids when few, otherwise {@link BUCKETS} fingerprints. */
const describe = (set: ItemSet, saltBytes: Uint8Array, lo: number, hi: number, upper: Bound, out: Reply): void => {
  const c = hi - lo
  if (c <= ID_LIST_MAX) {
    out.push({ _tag: "Ids", upper, ids: sortedIds(set, lo, hi) })
    return
  }
  out.hashed += c
  for (let b = 0; b < BUCKETS; b++) {
    const s = lo + Math.floor((b * c) / BUCKETS)
    const e = lo + Math.floor(((b + 1) * c) / BUCKETS)
    const ub = b === BUCKETS - 1 ? upper : set.boundBefore(e)
    out.push({ _tag: "Fingerprint", upper: ub, fingerprint: set.fingerprint(saltBytes, s, e) })
  }
}

/** The first message of a round: the whole set described as one range. */
export const initiate = (set: ItemSet, saltBytes: Uint8Array): Step => {
  const out = new Reply()
  describe(set, saltBytes, 0, set.size, null, out)
  return { ranges: out.ranges, theyLack: [], weLack: [], hashed: out.hashed }
}

/**
 * Answer a reconcile message's ranges from this side's set. The ranges must be strictly
 * ascending and end at `null` (as `Message.decode` guarantees).
 */
export const respond = (
  set: ItemSet,
  saltBytes: Uint8Array,
  ranges: ReadonlyArray<Range>,
  budget: Budget = unlimited
): Step => {
  const out = new Reply()
  const theyLack: Array<number> = []
  const weLack: Array<Uint8Array> = []
  let lo = 0
  let previous: Bound | undefined
  for (const r of ranges) {
    if (previous !== undefined && compareBounds(previous, r.upper) >= 0) break
    previous = r.upper
    const hi = Math.max(lo, set.lowerIndex(r.upper))
    switch (r._tag) {
      case "Skip":
        out.skip(r.upper)
        break
      case "Fingerprint": {
        out.hashed += hi - lo
        const mine = set.fingerprint(saltBytes, lo, hi)
        if (Bytes.equals(mine, r.fingerprint)) out.skip(r.upper)
        else {
          const cost = describeCost(hi - lo)
          if (
            out.bytes + cost.bytes + MAX_FINGERPRINT_RANGE > budget.maxBytes ||
            out.ranges.length + cost.ranges + 1 > budget.maxRanges
          ) {
            // No room left: one fingerprint over everything from here on; the other side splits it next.
            out.hashed += set.size - lo
            out.push({ _tag: "Fingerprint", upper: null, fingerprint: set.fingerprint(saltBytes, lo, set.size) })
            return { ranges: out.done(), theyLack, weLack, hashed: out.hashed }
          }
          describe(set, saltBytes, lo, hi, r.upper, out)
        }
        break
      }
      case "Ids": {
        const theirs = new Set<string>()
        for (const id of r.ids) theirs.add(Bytes.toHex(id))
        const mine = new Set<string>()
        for (let i = lo; i < hi; i++) {
          const key = Bytes.toHex(set.id(i))
          mine.add(key)
          if (!theirs.has(key)) theyLack.push(set.ref(i))
        }
        for (const id of r.ids) if (!mine.has(Bytes.toHex(id))) weLack.push(id)
        out.skip(r.upper)
        break
      }
    }
    lo = hi
  }
  return { ranges: out.done(), theyLack, weLack, hashed: out.hashed }
}
