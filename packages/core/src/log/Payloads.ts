/**
 * The payloads a log holds (`docs/protocol.md` §3a): for each delivered event whose header
 * commits to a payload (version 2), the hash and size it commits to, and the payload bytes
 * while this replica holds them. The log's stored bytes never carry a payload; the wire
 * form peers are sent is made from them and the payload held.
 *
 * @module
 */
import { sha256Equals } from "../Hash.ts"
import { withPayload } from "../internal/envelope.ts"

/** What a header commits a payload to. */
interface Commitment {
  readonly hash: Uint8Array
  readonly size: number
}

/** The payloads of one log's delivered events, by event index. */
export class Payloads {
  /** Per delivered event whose header commits to a payload: the hash and size. */
  private readonly commitments = new Map<number, Commitment>()
  /** Per delivered event: its payload, while held. */
  private readonly held = new Map<number, Uint8Array>()
  private heldBytes = 0

  /** Record that event `i`'s header commits to a payload of `size` bytes hashing to `hash` (a copy is kept). */
  commit(i: number, hash: Uint8Array, size: number): void {
    this.commitments.set(i, { hash: hash.slice(), size })
  }

  /** Whether event `i`'s header commits to a payload. */
  committed(i: number): boolean {
    return this.commitments.has(i)
  }

  /** Indexes of the delivered events whose headers commit to a payload, ascending. */
  committedIndexes(): ReadonlyArray<number> {
    return [...this.commitments.keys()].sort((a, b) => a - b)
  }

  /** The payload of event `i` while held, or `undefined`. */
  get(i: number): Uint8Array | undefined {
    return this.held.get(i)
  }

  /** Number of payloads held, and their bytes. */
  get stats(): { readonly count: number; readonly bytes: number } {
    return { count: this.held.size, bytes: this.heldBytes }
  }

  /**
   * Hold `payload` for event `i` when its header commits to exactly these bytes (their
   * SHA-256 and length); `false` (and nothing held) otherwise. Holding one already held
   * changes nothing.
   */
  attach(i: number, payload: Uint8Array): boolean {
    const c = this.commitments.get(i)
    if (c === undefined || payload.length !== c.size || !sha256Equals(payload, c.hash)) return false
    if (!this.held.has(i)) {
      this.held.set(i, payload)
      this.heldBytes += payload.length
    }
    return true
  }

  /** Hold a payload already checked against event `i`'s header (when the event was decoded). */
  attachChecked(i: number, payload: Uint8Array): void {
    if (this.held.has(i)) return
    this.held.set(i, payload)
    this.heldBytes += payload.length
  }

  /** Drop event `i`'s payload; `true` when one was held. */
  drop(i: number): boolean {
    const p = this.held.get(i)
    if (p === undefined) return false
    this.held.delete(i)
    this.heldBytes -= p.length
    return true
  }

  /** The wire bytes of event `i` from its stored bytes: with its payload when held. */
  wire(i: number, stored: Uint8Array): Uint8Array {
    const p = this.held.size === 0 ? undefined : this.held.get(i)
    return p === undefined ? stored : withPayload(stored, p)
  }
}
