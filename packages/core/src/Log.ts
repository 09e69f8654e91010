/**
 * The log: a community's events as a DAG with per-author chains.
 *
 * The log judges what can be judged from the graph alone: links (backlink, parents),
 * time monotonicity, equivocation, and the key registry (which device keys belong to which
 * identity, which were revoked, who left). Signatures are checked before events reach it.
 * Every answer it gives about an event depends only on that event's causal past, or on the
 * whole set of delivered events, never on the order they arrived in.
 *
 * `Log` is the face of four parts, one concept each: the event graph and its quarantine
 * (`log/Graph.ts`), ancestry (`log/Ancestry.ts`), the key registry (`log/KeyRegistry.ts`)
 * and the short path for stored records (`log/Stored.ts`); and it holds the payloads of
 * its events (`log/Payloads.ts`).
 *
 * @module
 */
import type * as Event from "./Event.ts"
import { Ancestry } from "./log/Ancestry.ts"
import { Graph } from "./log/Graph.ts"
import { KeyRegistry } from "./log/KeyRegistry.ts"
import { Payloads } from "./log/Payloads.ts"
import { StoredReader } from "./log/Stored.ts"
import { type Claim, defaultLimits, type EquivocationProof, type LogLimits, type Standing, type Verdict } from "./log/types.ts"
import type { Rejection } from "./Module.ts"

export { type Claim, defaultLimits, type EquivocationProof, type LogLimits, type Standing, type Verdict } from "./log/types.ts"

/**
 * The DAG of delivered events of one community, with the indexes the fold needs.
 * Events are numbered in delivery order; an event's parents always have smaller numbers.
 */
export class Log {
  readonly community: Uint8Array
  readonly communityKey: string
  readonly limits: LogLimits
  // Per delivered event, by index.
  readonly keys: Array<string>
  /**
   * What is stored of each event: its wire bytes without a payload item (the bytes the
   * fold decodes and storage keeps). {@link wire} gives the bytes peers are sent.
   */
  readonly bytes: Array<Uint8Array>
  readonly depth: Array<number>
  readonly time: Array<number>
  readonly seq: Array<number>
  readonly author: Array<string>
  readonly deps: Array<ReadonlyArray<number>>
  readonly index: Map<string, number>
  /** Author keys that signed two events with one sequence number, with the lowest such number. */
  readonly equivocations: Map<string, number>
  readonly proofs: Array<EquivocationProof>

  private readonly graph: Graph
  private readonly ancestry: Ancestry
  private readonly registry: KeyRegistry
  private readonly stored: StoredReader
  private readonly payloads = new Payloads()

  constructor(community: Uint8Array, limits: LogLimits = defaultLimits) {
    const graph = new Graph(community, limits)
    const ancestry = new Ancestry(graph)
    const registry = new KeyRegistry(graph, ancestry)
    const payloads = this.payloads
    graph.listen({
      placed: (i, deps) => ancestry.placed(i, deps),
      inserted: (event, i, author) => {
        registry.register(event, i, author)
        const h = event.header
        if (h.payloadHash !== null) {
          payloads.commit(i, h.payloadHash, h.payloadSize)
          if (event.payload !== null) payloads.attachChecked(i, event.payload)
        }
      },
      forked: (author) => registry.forked(author)
    })
    this.graph = graph
    this.ancestry = ancestry
    this.registry = registry
    this.stored = new StoredReader(graph, payloads)
    this.community = graph.community
    this.communityKey = graph.communityKey
    this.limits = graph.limits
    this.keys = graph.keys
    this.bytes = graph.bytes
    this.depth = graph.depth
    this.time = graph.time
    this.seq = graph.seq
    this.author = graph.author
    this.deps = graph.deps
    this.index = graph.index
    this.equivocations = graph.equivocations
    this.proofs = graph.proofs
  }

  // ---------------------------------------------------------------------------------------
  // The graph and its quarantine

  /** Number of delivered events. */
  get size(): number {
    return this.graph.size
  }

  /** Number of events waiting for parents. */
  get pendingCount(): number {
    return this.graph.pendingCount
  }

  /** Keys of the events nobody has named as a parent yet, sorted. */
  heads(): ReadonlyArray<string> {
    return this.graph.heads()
  }

  /** Keys that waiting events need and that this log has not received at all, sorted. */
  missing(): ReadonlyArray<string> {
    return this.graph.missing()
  }

  /**
   * Offer an event whose signature has been checked. Returns the verdict for it and the
   * indexes of every event delivered as a result (it, and waiting events it unblocked).
   * A delivered event's payload, when it carries one, is held by the log (see {@link payload}).
   */
  add(event: Event.Event): { readonly verdict: Verdict; readonly delivered: ReadonlyArray<number> } {
    return this.graph.add(event)
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
    return this.stored.add(bytes, knownId)
  }

  /** Indexes of the events an author key signed, one per sequence number (the first delivered of a forked pair). */
  eventsBy(author: string): ReadonlyArray<number> {
    return this.graph.eventsBy(author)
  }

  /** Highest sequence number an author key has used, with that event's index (or `undefined`). */
  tip(author: string): { readonly seq: number; readonly index: number } | undefined {
    return this.graph.tip(author)
  }

  /** The ids of the first `count` delivered events, 32 bytes each, back to back (a copy). */
  ids(count: number = this.size): Uint8Array {
    return this.graph.ids(count)
  }

  /**
   * A digest that identifies the first `count` delivered events and their delivery order:
   * SHA-256 of a domain prefix, `count` (4 bytes, big-endian) and the SHA-256 of each run
   * of 4,096 ids (the last run may be shorter). Whole runs are hashed once, so the digest
   * of a long log costs little more than hashing the ids added since the last call.
   */
  digest(count: number): Uint8Array {
    return this.graph.digest(count)
  }

  /** Total order used by the fold: by depth, then by id. */
  before(a: number, b: number): boolean {
    return this.graph.before(a, b)
  }

  // ---------------------------------------------------------------------------------------
  // Payloads

  /**
   * The payload of event `i` while this log holds it; `undefined` when its header commits
   * to none, or the payload was erased or never received.
   */
  payload(i: number): Uint8Array | undefined {
    return this.payloads.get(i)
  }

  /** Whether event `i`'s header commits to a payload (a version 2 event). */
  commitsToPayload(i: number): boolean {
    return this.payloads.committed(i)
  }

  /** Indexes of the delivered events whose headers commit to a payload, ascending. */
  payloadEvents(): ReadonlyArray<number> {
    return this.payloads.committedIndexes()
  }

  /**
   * Hold `payload` for event `i` (a payload read back from storage): `true` when the
   * event's header commits to exactly these bytes, else `false` and nothing changes.
   */
  attachPayload(i: number, payload: Uint8Array): boolean {
    return this.payloads.attach(i, payload)
  }

  /** Drop the payload of event `i` from memory (an erasure); `true` when one was held. */
  dropPayload(i: number): boolean {
    return this.payloads.drop(i)
  }

  /** The wire bytes of event `i` as peers are sent it: its stored bytes, with its payload while held. */
  wire(i: number): Uint8Array {
    return this.payloads.wire(i, this.graph.bytes[i]!)
  }

  // ---------------------------------------------------------------------------------------
  // Ancestry

  /**
   * Calls `f` with the index of each event that names event `i` as a parent or prev (each
   * once per dependency it names), newest first.
   */
  forEachChild(i: number, f: (child: number) => void): void {
    this.ancestry.forEachChild(i, f)
  }

  /** Whether event `x` is in the strict causal past of event `y` (indexes). */
  isAncestor(x: number, y: number): boolean {
    return this.ancestry.isAncestor(x, y)
  }

  /**
   * How many of the first delivered events (by index) are certainly `i` or in its causal
   * past: every event with a lower index is (a lower bound, found from its dependencies'
   * bounds when it was delivered).
   */
  coveredBy(i: number): number {
    return this.ancestry.coveredBy(i)
  }

  /** Whether `x` is `y` or in its causal past. */
  isAncestorOrSelf(x: number, y: number): boolean {
    return this.ancestry.isAncestorOrSelf(x, y)
  }

  /** Greatest sequence number of `author` in the causal past of `y`, `y` included. */
  knownSeq(y: number, author: string): number {
    return this.ancestry.knownSeq(y, author)
  }

  // ---------------------------------------------------------------------------------------
  // Key registry

  /**
   * The identity a device key acts for at event `i`, or `undefined` (see {@link standing}).
   *
   * - `"past"`: judged on the strict causal past of `i` alone (used to decide registry facts).
   * - `"strong"`: judged on the whole log: strong revocation (`docs/protocol.md` §5).
   */
  identityIn(device: string, i: number, mode: "past" | "strong"): string | undefined {
    return this.registry.identityIn(device, i, mode)
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
    return this.registry.standing(device, i, mode)
  }

  /** The rejection an event gets when its author key does not act (`docs/protocol.md` §7). */
  refusal(standing: Exclude<Standing, { readonly _tag: "Acts" }>): Rejection {
    return this.registry.refusal(standing)
  }

  /** Every device key ever added to an identity, sorted. */
  devicesOf(identity: string): ReadonlyArray<string> {
    return this.registry.devicesOf(identity)
  }

  /** The identities additions gave device key `device` to (usually one), in the order they were recorded. */
  identitiesOf(device: string): ReadonlyArray<string> {
    return this.registry.identitiesOf(device)
  }

  /**
   * Device keys whose standing changed for the whole log (revoked, identity departed,
   * chain forked, added again) since the last call, with every key added from them, and
   * from those, and so on (what their additions are worth may have changed too); events
   * they signed may need to be judged again.
   */
  drainTouched(): ReadonlySet<string> {
    return this.registry.drainTouched()
  }

  /** Whether the identity is a founder. */
  isFounder(identity: string): boolean {
    return this.registry.isFounder(identity)
  }

  /** Whether a departure of this identity that counts is in the causal past of event `i`. */
  hasLeftBefore(identity: string, i: number): boolean {
    return this.registry.hasLeftBefore(identity, i)
  }

  /**
   * Revocations (indexes) that count against a device key: those whose signer acted in their
   * causal past for the identity the key's counting addition (in their past) gave it, and
   * did not fork its chain at or below them.
   */
  revocationsOf(device: string): ReadonlyArray<number> {
    return this.registry.revocationsOf(device)
  }

  /** Departures (indexes) that count for an identity: their signers did not fork their chains at or below them. */
  departuresOf(identity: string): ReadonlyArray<number> {
    return this.registry.departuresOf(identity)
  }

  /**
   * What the key registry makes of event `i` when it is a well-formed `core/device.add`,
   * `device.revoke` or `member.leave`, judged on the whole log (see {@link Claim}); else
   * `undefined`. The fold applies such an event exactly when its fact counts.
   */
  claim(i: number): Claim | undefined {
    return this.registry.claim(i)
  }

  /**
   * Whether `author` forked its chain and one of its events at or above the first forked
   * sequence number (events the fold rejects `Equivocated`) sorts before event `i` in fold order.
   */
  forkedBefore(author: string, i: number): boolean {
    return this.registry.forkedBefore(author, i)
  }
}
