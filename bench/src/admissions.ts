/**
 * A community built by admissions, signed once before anything is timed: three founders,
 * then for each applicant a `core/member.apply`, a consent proposal carrying
 * `core/member.admit`, two stances, ticks that carry community time past its deadline, and
 * the close that admits them. Proposers, stances, ticks and closes rotate over every
 * full member so far, so the number of authors grows with the community, as it does in a
 * real one.
 *
 * @module
 */
import { type Cbor, Event, Replica } from "@affinity/core"
import { signSync, testKey } from "@affinity/core/testing"
import * as Governance from "@affinity/governance"
import * as NodeCrypto from "node:crypto"

/** Claimed time of the genesis. */
export const T0 = 1_700_000_000_000

/** A key that signs synchronously (the test signer); deterministic from its label. */
export interface Signer {
  /** The 32-byte secret seed (for `Keys.fromSecret`). */
  readonly secret: Uint8Array
  readonly publicKey: Uint8Array
  readonly id: string
  readonly sign: (message: Uint8Array) => Uint8Array
}

/** The signer whose seed is the SHA-256 of `label` (any number of distinct keys). */
export const signer = (label: string): Signer => {
  const key = testKey(new Uint8Array(NodeCrypto.createHash("sha256").update(`affinity/bench/scale/${label}`).digest()), label)
  return { secret: key.secret, publicKey: key.publicKey, id: key.id, sign: (message) => signSync(key.secret, message) }
}

/** A linear history (each event cites the one before it) whose claimed times never go back. */
export class Chain {
  /** Every event, the genesis first. */
  readonly events: Array<Event.Event> = []
  readonly genesis: Event.Event
  private readonly tips = new Map<string, { readonly seq: number; readonly id: Uint8Array }>()
  /** Latest claimed time. */
  time: number

  constructor(founders: ReadonlyArray<Signer>, params: Record<string, number> = {}) {
    this.time = T0
    this.genesis = this.sign(
      founders[0]!,
      null,
      { module: "core", type: "genesis", body: { name: "Scale", founders: [...Event.dedupeSorted(founders.map((f) => f.publicKey))], params } },
      T0
    )
  }

  private sign(author: Signer, community: Uint8Array | null, draft: Governance.Draft, time?: number): Event.Event {
    const tip = this.tips.get(author.id)
    const last = this.events.at(-1)
    this.time = Math.max(this.time, time ?? this.time + 1)
    const prepared = Event.prepare({
      community,
      author: author.publicKey,
      seq: (tip?.seq ?? 0) + 1,
      prev: tip?.id ?? null,
      parents: last === undefined ? [] : [last.id],
      time: this.time,
      module: draft.module,
      type: draft.type,
      body: draft.body
    })
    if (!prepared.ok) throw new Error(`scale bench: ${prepared.error.message}`)
    const decoded = Event.decode(Event.assemble(prepared.unsigned, author.sign(prepared.unsigned.message)), { owned: true })
    if (!decoded.ok) throw new Error(`scale bench: ${decoded.error.message}`)
    this.tips.set(author.id, { seq: (tip?.seq ?? 0) + 1, id: prepared.unsigned.id })
    this.events.push(decoded.event)
    return decoded.event
  }

  /** Sign a draft by `author` at `time` (default: a millisecond after the latest event). */
  add(author: Signer, draft: Governance.Draft, time?: number): Event.Event {
    return this.sign(author, this.genesis.id, draft, time)
  }

  /** The wire bytes of every event. */
  get bytes(): number {
    let n = 0
    for (const e of this.events) n += e.bytes.length
    return n
  }

  /** A replica running governance that holds the genesis only. */
  replica(): Replica.Replica {
    const opened = Replica.Replica.open(this.genesis, { modules: [Governance.module] })
    if (!opened.ok) throw new Error(opened.error.message)
    return opened.replica
  }
}

/** A community built by admissions (see the module's description). */
export interface Admissions {
  readonly chain: Chain
  readonly founders: ReadonlyArray<Signer>
  /** Every full member at the end, founders first, then in order of admission. */
  readonly members: ReadonlyArray<Signer>
  /** Index in `chain.events` of the first event of each batch of admissions, and, last, the end. */
  readonly starts: ReadonlyArray<number>
  /** Full members before each batch (the entry after the last is the final count). */
  readonly sizes: ReadonlyArray<number>
  /** The founders' onion secrets (see `Governance.Lot`), layers available: {@link LAYERS}. */
  readonly secrets: ReadonlyArray<Uint8Array>
}

/** Onion layers each founder commits to. */
export const LAYERS = 4

const TICK: Cbor.Value = {}

/** Admissions decided together: their proposals open in the same hour and close after it. */
export const BATCH = 10

/**
 * Sign the history of a community grown to `members` full members by admissions, three of
 * them founders, in batches of {@link BATCH}: the applications, a consent proposal for each
 * carrying `core/member.admit`, two stances on each, two ticks at the deadline, then the
 * closes. Terms last 90 days (the longest the protocol allows) with three seats per prime
 * group; the founders commit onions and term 0 is drawn before the first admission, so a
 * later term can be drawn among every member.
 */
export const admissions = (members: number): Admissions => {
  const founders = [signer("founder/0"), signer("founder/1"), signer("founder/2")]
  const chain = new Chain(founders, { primeTerm: 90 * Governance.DAY, primeSize: 3 })
  const secrets = founders.map((_, k) => new Uint8Array(NodeCrypto.createHash("sha256").update(`onion/${k}`).digest()))
  founders.forEach((f, k) => chain.add(f, Governance.commit(Governance.Lot.anchor(secrets[k]!, LAYERS))))
  chain.add(founders[0]!, Governance.draw(0))
  const full: Array<Signer> = [...founders]
  const starts: Array<number> = []
  const sizes: Array<number> = []
  for (let k = 0; full.length < members; k++) {
    const m = full.length
    const by = (offset: number) => full[(k * 7 + offset) % m]!
    starts.push(chain.events.length)
    sizes.push(m)
    const count = Math.min(BATCH, members - m)
    const applicants = Array.from({ length: count }, (_, j) => signer(`member/${k * BATCH + j}`))
    for (const a of applicants) chain.add(a, { module: "core", type: "member.apply", body: { note: "" } })
    // An hour and a minute away: the opens that follow claim later times, and so may community time.
    const deadline = chain.time + Governance.HOUR + 60_000
    const opens = applicants.map((a, j) =>
      chain.add(by(j), Governance.propose({ title: "Admit", process: "consent", deadline, action: Governance.admit(a.id) }))
    )
    opens.forEach((open, j) => {
      chain.add(by(j + 1), Governance.stance(open.key, "agree"))
      chain.add(by(j + 2), Governance.stance(open.key, "agree"))
    })
    chain.add(by(3), { module: "core", type: "tick", body: TICK }, deadline)
    chain.add(by(4), { module: "core", type: "tick", body: TICK }, deadline)
    opens.forEach((open, j) => chain.add(by(j + 5), Governance.close(open.key)))
    full.push(...applicants)
  }
  starts.push(chain.events.length)
  sizes.push(full.length)
  return { chain, founders, members: full, starts, sizes, secrets }
}
