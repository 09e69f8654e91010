/**
 * The short path for records read back from storage. Storage holds only events a log
 * delivered before (their signatures checked, their links judged), in delivery order, so
 * the common record is read in place with the one envelope reader: its id is hashed again
 * and its links checked, but its body is neither hashed nor decoded.
 *
 * @module
 */
import * as Bytes from "../Bytes.ts"
import { sha256 } from "../Hash.ts"
import { type Envelope, makeEnvelope, read, textIs } from "../internal/envelope.ts"
import { type Graph, RECENT } from "./Graph.ts"
import type { Payloads } from "./Payloads.ts"

const CORE = Bytes.utf8("core")

/** Core event types that change the key registry: read back from storage, they are decoded in full. */
const REGISTRY_TYPE_BYTES: ReadonlyArray<Uint8Array> = ["genesis", "member.apply", "device.add", "device.revoke", "member.leave"].map(
  (t) => Bytes.utf8(t)
)

/** Reads stored records into one log's {@link Graph}. */
export class StoredReader {
  private readonly graph: Graph
  private readonly payloads: Payloads
  private readonly envelope: Envelope = makeEnvelope()
  private readonly authorPrefixes = new Map<number, { readonly bytes: Uint8Array; readonly key: string }>()

  constructor(graph: Graph, payloads: Payloads) {
    this.graph = graph
    this.payloads = payloads
  }

  /**
   * Add a record read back from storage (see `Log.addStored`): its index when delivered
   * that way, `null` when the log already holds it, `undefined` when it needs the full path.
   */
  add(bytes: Uint8Array, knownId?: Uint8Array): number | null | undefined {
    const e = this.envelope
    const g = this.graph
    // A record carries no payload: what is stored is an envelope of three items.
    if (!read(bytes, e) || e.payloadItem >= 0 || e.community < 0) return undefined
    if (!this.sameBytes(bytes, e.community, g.community, 0)) return undefined
    if (textIs(bytes, e.moduleStart, e.moduleEnd, CORE))
      for (const name of REGISTRY_TYPE_BYTES) if (textIs(bytes, e.typeStart, e.typeEnd, name)) return undefined
    const id = knownId ?? sha256(bytes.subarray(e.headerStart, e.headerEnd))
    const key = Bytes.toHex(id)
    if (g.anyPending && g.isPending(key)) return undefined
    if (g.anyRefused && g.isRefused(key)) return undefined
    // Claim the index entry now (one lookup instead of a look and a later insert); a record
    // stored twice finds it taken and gets it back; any later way out gives it up.
    const i = g.keys.length
    const before = g.index.size
    g.index.set(key, i)
    if (g.index.size === before) {
      g.index.set(key, g.keys.indexOf(key))
      return null
    }
    const taken = this.claimed(bytes, e, key, id, i)
    if (taken === undefined) g.index.delete(key)
    return taken
  }

  /** The rest of {@link add}, once the index entry for `key` is claimed as `i`. */
  private claimed(bytes: Uint8Array, e: Envelope, key: string, id: Uint8Array, i: number): number | undefined {
    const g = this.graph
    const author = this.authorKey(bytes, e.author)
    const seq = e.seq
    const time = e.time
    if (seq < 1 || e.bodySize !== e.bodyEnd - e.bodyStart) return undefined
    const deps: Array<number> = []
    let latest = 0
    for (let k = 0; k < e.parentCount; k++) {
      const d = this.find(bytes, e.parents[k]!)
      if (d === undefined) return undefined
      deps.push(d)
      if (g.time[d]! > latest) latest = g.time[d]!
    }
    if (e.prev >= 0) {
      const tipId = g.tipIds.get(author)
      const d = tipId !== undefined && this.sameBytes(bytes, e.prev, tipId, 0) ? g.tips.get(author) : this.find(bytes, e.prev)
      if (d === undefined || g.author[d] !== author || g.seq[d] !== seq - 1) return undefined
      deps.push(d)
      if (g.time[d]! > latest) latest = g.time[d]!
    } else if (seq !== 1) return undefined
    if (time < latest || deps.length === 0) return undefined
    g.place(key, id, bytes, author, seq, time, deps, false)
    // A version 2 record: its header commits to a payload, which storage keeps apart.
    if (e.payloadHash >= 0) this.payloads.commit(i, bytes.subarray(e.payloadHash, e.payloadHash + 32), e.payloadSize)
    if (g.isAwaited(key)) g.release(key, [])
    return i
  }

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
    const g = this.graph
    const size = g.keys.length
    for (let j = size - 1; j >= 0 && j >= size - RECENT; j--) if (this.sameBytes(bytes, at, g.recent, 32 * (j % RECENT))) return j
    return g.index.get(Bytes.toHex(bytes.subarray(at, at + 32)))
  }

  /** Interned hex of the author key at `bytes[at … at + 32]`, without making a string for a key seen before. */
  private authorKey(bytes: Uint8Array, at: number): string {
    const prefix = bytes[at]! * 2 ** 40 + bytes[at + 1]! * 2 ** 32 + bytes[at + 2]! * 0x100_0000 + ((bytes[at + 3]! << 16) | (bytes[at + 4]! << 8) | bytes[at + 5]!)
    const seen = this.authorPrefixes.get(prefix)
    if (seen !== undefined && this.sameBytes(bytes, at, seen.bytes, 0)) return seen.key
    const own = bytes.slice(at, at + 32)
    const key = this.graph.intern(Bytes.toHex(own))
    if (seen === undefined) this.authorPrefixes.set(prefix, { bytes: own, key })
    return key
  }
}
