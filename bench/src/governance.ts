/**
 * Governance benchmarks: how long the fold takes to decide a proposal with 1,000 stances,
 * and to draw the six prime working groups.
 *
 * The fold rows time one step of a `Replica` (from `@affinity/core`) running the governance
 * module: `replica.ingest([event])` of one event signed and decoded beforehand, so neither
 * signing nor signature checks are in the timing, only the log's bookkeeping and the fold.
 * The draw is timed twice: the pure ranking (`Lot.seed`, `Lot.rank`) over 10,000 members,
 * and the fold of a `term.draw` in a community of 2,000 members, 1,000 of them admitted by
 * decisions (a community of 10,000 built the same way takes the fold many minutes).
 * Building the histories is not timed.
 *
 * @module
 */
import { Bytes, type Cbor, Event, type Module, Query, Replica } from "@affinity/core"
import { signSync, testKey } from "@affinity/core/testing"
import * as Governance from "@affinity/governance"
import * as NodeCrypto from "node:crypto"
import { performance } from "node:perf_hooks"
import { collect, median } from "./measure.ts"
import { count, millis } from "./report.ts"

/** One row of the governance benchmark. */
export interface GovernanceRow {
  readonly name: string
  readonly result: string
  readonly detail: string
}

/** Options of {@link measureGovernance}; the defaults are the sizes the rows are named after. */
export interface GovernanceOptions {
  /** Stances on the proposal that is decided (at most 1,000: one per founder). Default 1,000. */
  readonly stances?: number
  /** Identities ranked by the pure ranking. Default 10,000. */
  readonly rankMembers?: number
  /** Members of the community whose draw is folded (1,000 founders, the rest admitted). Default 2,000. */
  readonly drawMembers?: number
  /** Timed runs of each row, after one warm-up. */
  readonly runs?: number
  /** Progress notes (building the histories takes a while). */
  readonly progress?: (line: string) => void
}

const HOUR = Governance.HOUR
const DAY = Governance.DAY
const T0 = 1_700_000_000_000
/** The most founders a genesis may name. */
const MAX_FOUNDERS = 1000

/** A key that signs synchronously (the test signer); deterministic from its label. */
interface Signer {
  readonly publicKey: Uint8Array
  readonly id: string
  readonly sign: (message: Uint8Array) => Uint8Array
}

const signer = (label: string): Signer => {
  const key = testKey(new Uint8Array(NodeCrypto.createHash("sha256").update(`affinity/bench/governance/${label}`).digest()), label)
  return { publicKey: key.publicKey, id: key.id, sign: (message) => signSync(key.secret, message) }
}

/** A linear history: each event cites the one before it, and claims a time that never goes back. */
class History {
  readonly events: Array<Event.Event> = []
  readonly genesis: Event.Event
  private readonly tips = new Map<string, { readonly seq: number; readonly id: Uint8Array }>()
  private time: number

  constructor(founders: ReadonlyArray<Signer>, params: Record<string, number>) {
    this.time = T0
    this.genesis = this.sign(founders[0]!, null, "core", "genesis", {
      name: "Bench",
      founders: [...Event.dedupeSorted(founders.map((f) => f.publicKey))],
      params
    }, T0)
  }

  private sign(author: Signer, community: Uint8Array | null, module: string, type: string, body: Cbor.Value, time?: number): Event.Event {
    const tip = this.tips.get(author.id)
    const last = this.events.at(-1)
    this.time = Math.max(this.time, time ?? this.time + 1)
    const prepared = Event.prepare({
      community,
      author: author.publicKey,
      seq: (tip?.seq ?? 0) + 1,
      prev: tip?.id ?? null,
      parents: last ? [last.id] : [],
      time: this.time,
      module,
      type,
      body
    })
    if (!prepared.ok) throw new Error(`governance bench: ${prepared.error.message}`)
    const decoded = Event.decode(Event.assemble(prepared.unsigned, author.sign(prepared.unsigned.message)), { owned: true })
    if (!decoded.ok) throw new Error(`governance bench: ${decoded.error.message}`)
    this.tips.set(author.id, { seq: (tip?.seq ?? 0) + 1, id: prepared.unsigned.id })
    this.events.push(decoded.event)
    return decoded.event
  }

  /** Sign a draft by `author`, at `time` (or just after the previous event). */
  add(author: Signer, draft: Governance.Draft, time?: number): Event.Event {
    return this.sign(author, this.genesis.id, draft.module, draft.type, draft.body, time)
  }

  /** Two founders' clocks claim `time`: community time (two witnesses) reaches it. */
  advance(a: Signer, b: Signer, time: number): void {
    this.add(a, { module: "core", type: "tick", body: {} }, time)
    this.add(b, { module: "core", type: "tick", body: {} }, time)
  }

  /** Every event after the genesis. */
  get tail(): ReadonlyArray<Event.Event> {
    return this.events.slice(1)
  }

  replica(): Replica.Replica {
    const opened = Replica.Replica.open(this.genesis, { modules: [Governance.module] })
    if (!opened.ok) throw new Error(opened.error.message)
    return opened.replica
  }
}

/** Fold one event and return how long `ingest` took, in ms; throws unless it was applied. */
const foldOne = (replica: Replica.Replica, event: Event.Event, what: string): number => {
  collect()
  const start = performance.now()
  replica.ingest([event])
  const ms = performance.now() - start
  const outcome = replica.outcome(event.key)
  if (outcome?._tag !== "Applied") throw new Error(`governance bench: ${what} was not applied: ${JSON.stringify(outcome)}`)
  return ms
}

const gov = (replica: Replica.Replica) => replica.state<Governance.State>(Governance.module)

/** Keys of every event before `close`, for the pure outcome function's causal-past answers. */
const pureContext = (replica: Replica.Replica, close: Event.Event, founders: ReadonlyArray<Signer>): Module.EventContext => {
  const past = new Set(replica.orderedKeys())
  const core = replica.core
  const full = founders.map((f) => f.id).sort()
  return {
    key: close.key,
    device: Bytes.toHex(close.header.author),
    identity: Bytes.toHex(close.header.author),
    time: close.header.time,
    communityTime: close.header.time,
    params: core.community.params,
    warrant: { _tag: "Direct" },
    statusOf: (id) => core.identities[id]?.status,
    fullMembers: () => full,
    happenedBefore: (key) => past.has(key),
    seenBefore: (key) => past.has(key),
    ask: (module, query) => Query.refuse("UnknownModule", `this bench context answers no query (${module}/${query})`),
    mayAct: () => undefined,
    primeModules: Governance.PRIME_GROUPS
  }
}

/**
 * (a) A community of `n` founders (n ≤ 1,000) and two proposals, each with one stance from
 * every founder; then both are closed. The first close is timed "cold" (the first event of
 * a fresh replica to ask whether these authors' events are in its past), the second "warm".
 */
const decideProposal = (n: number, runs: number, progress: (line: string) => void): GovernanceRow => {
  progress(`governance: signing two proposals with ${count(n)} stances each…`)
  const founders = Array.from({ length: n }, (_, k) => signer(`founder/${k}`))
  const h = new History(founders, { timeWitnesses: 2 })
  const deadline = T0 + 2 * HOUR
  const proposals = ["Open the workshop on Sundays", "Buy a second lathe"].map((title) =>
    h.add(founders[0]!, Governance.propose({ title, process: "consensus", deadline }))
  )
  for (const open of proposals)
    founders.forEach((f, k) =>
      h.add(
        f,
        k % 50 === 7
          ? Governance.stance(open.key, "object", "Sundays are for family")
          : k % 10 === 3
            ? Governance.stance(open.key, "abstain")
            : Governance.stance(open.key, "agree")
      )
    )
  h.advance(founders[0]!, founders[1 % n]!, deadline)
  const closes = proposals.map((p, k) => h.add(founders[(2 + k) % n]!, Governance.close(p.key)))
  const before = h.tail.slice(0, -2)

  const cold: Array<number> = []
  const warm: Array<number> = []
  const pure: Array<number> = []
  let decision: Governance.Decision | null = null
  for (let r = 0; r <= runs; r++) {
    const replica = h.replica()
    replica.ingest(before)
    const state = gov(replica)
    const proposal = state.proposals[proposals[0]!.key]!
    const ctx = pureContext(replica, closes[0]!, founders)
    collect()
    const start = performance.now()
    const verdict = Governance.Outcome.decide(state, proposal, ctx)
    const pureMs = performance.now() - start
    const coldMs = foldOne(replica, closes[0]!, "the first close")
    const warmMs = foldOne(replica, closes[1]!, "the second close")
    if (r > 0) {
      cold.push(coldMs)
      warm.push(warmMs)
      pure.push(pureMs)
    }
    decision = gov(replica).proposals[proposals[0]!.key]!.decision
    if (verdict.outcome !== decision?.outcome || verdict.stances.length !== decision.stances.length)
      throw new Error("governance bench: the pure outcome and the fold disagree")
  }
  if (decision?.outcome !== "passed" || decision.stances.length !== n)
    throw new Error(`governance bench: the proposal should pass with ${n} counted stances`)
  return {
    name: `Governance: decide a proposal with ${count(n)} stances`,
    result: millis(median(cold)),
    detail:
      `fold of the \`governance/proposal.close\` event: \`Replica.ingest\` of the one decoded event, after the rest of the ` +
        `history (${count(h.events.length - 2)} events) was ingested untimed. ${count(n)} full members each took one stance ` +
        `(${decision.tally.agree} agree, ${decision.tally.abstain} stand aside, ${decision.tally.object} object: ` +
        `${decision.rule}). This is the first close in a fresh replica, so it is the first event to ask whether these ` +
        `${count(n)} authors' events are in its causal past; the next close on the same stances (warm) takes ` +
        `${millis(median(warm))}, and the outcome rule alone (\`Outcome.decide\` over the state, with the causal past ` +
        `given as a set) ${millis(median(pure))}. Medians of ${runs} after a warm-up`
  }
}

/** (b) A community of `members` full members (1,000 founders, the rest admitted by decision); draws of successive terms. */
const drawTerms = (members: number, runs: number, progress: (line: string) => void): GovernanceRow => {
  const founderCount = Math.min(MAX_FOUNDERS, members)
  const founders = Array.from({ length: founderCount }, (_, k) => signer(`founder/${k}`))
  const applicants = Array.from({ length: members - founderCount }, (_, k) => signer(`applicant/${k}`))
  progress(`governance: signing a community of ${count(members)} members (${count(applicants.length)} admitted by decision)…`)
  const h = new History(founders, { timeWitnesses: 2, primeTerm: DAY, primeSize: 3 })
  const [a, b] = [founders[0]!, founders[1 % founderCount]!]
  const by = (k: number) => founders[k % founderCount]!
  const admitBy = T0 + 2 * HOUR
  for (const x of applicants) h.add(x, { module: "core", type: "member.apply", body: { note: "" } })
  const proposals = applicants.map((x, k) =>
    h.add(by(k), Governance.propose({ title: "Admit", process: "consent", deadline: admitBy, action: Governance.admit(x.id) }))
  )
  h.advance(a, b, admitBy)
  proposals.forEach((p, k) => h.add(by(k), Governance.close(p.key)))
  // The founders take part in the lot: commit, then reveal one layer per term.
  const layers = runs + 2
  const secret = (k: number) => Bytes.fromHex(NodeCrypto.createHash("sha256").update(`onion/${k}`).digest("hex"))!
  founders.forEach((f, k) => h.add(f, Governance.commit(Governance.Lot.anchor(secret(k), layers))))
  h.add(a, Governance.draw(0))
  const draws: Array<Event.Event> = []
  for (let t = 1; t <= runs + 1; t++) {
    founders.forEach((f, k) => h.add(f, Governance.reveal(t, Governance.Lot.layer(secret(k), layers, t))))
    h.advance(a, b, T0 + t * DAY)
    draws.push(h.add(by(t), Governance.draw(t)))
  }

  progress(`governance: folding ${count(h.events.length)} events (untimed)…`)
  const replica = h.replica()
  const buildStart = performance.now()
  const events = h.tail
  let done = 0
  const samples: Array<number> = []
  draws.forEach((draw, i) => {
    const at = events.indexOf(draw, done)
    replica.ingest(events.slice(done, at))
    const ms = foldOne(replica, draw, `the draw of term ${i + 1}`)
    if (i === 0) progress(`governance: history folded in ${millis(performance.now() - buildStart)}`)
    if (i > 0) samples.push(ms)
    done = at + 1
  })
  const state = gov(replica)
  const last = state.terms[String(runs + 1)]!
  if (last.full.length !== members) throw new Error(`governance bench: ${last.full.length} full members, expected ${members}`)

  return {
    name: `Governance: draw six prime groups (fold), ${count(members)} members`,
    result: millis(median(samples)),
    detail:
      `fold of one \`governance/term.draw\` event (\`Replica.ingest\` of the decoded event) in a community of ${count(members)} ` +
      `full members (${count(founderCount)} founders, ${count(applicants.length)} admitted by consent decisions): the seed from ` +
      `${count(last.reveals.length)} reveals, the full members in the draw's causal past, then for each of the six groups the ` +
      `previous term's ${last.size} seats excluded and every eligible member scored and sorted. Terms 2 to ${runs + 1} drawn one ` +
      `after another on one replica (term 1 is the warm-up); median of ${runs}. Not at 10,000 members: building that ` +
      `community through 9,000 admission decisions takes the fold several minutes (the pure ranking row covers 10,000)`
  }
}

/** (b, pure) The ranking a draw computes, over `members` identities for the six groups. */
const rankMembers = (members: number, runs: number): GovernanceRow => {
  const identities = Array.from({ length: members }, (_, k) => NodeCrypto.createHash("sha256").update(`member/${k}`).digest("hex")).sort()
  const reveals = Array.from({ length: 100 }, (_, k) => new Uint8Array(NodeCrypto.createHash("sha256").update(`reveal/${k}`).digest()))
  const community = new Uint8Array(32)
  const samples: Array<number> = []
  let seated = 0
  for (let r = 0; r <= runs; r++) {
    collect()
    const start = performance.now()
    const seed = Governance.Lot.seed(community, r + 1, reveals)
    for (const g of Governance.PRIME_GROUPS) {
      // As a draw does: last term's seats of the group are not eligible.
      const excluded = identities.slice(3 * r, 3 * r + 3)
      const ranked = Governance.Lot.rank(seed, g, identities.filter((m) => !excluded.includes(m)))
      seated += ranked.length > 0 ? 1 : 0
    }
    if (r > 0) samples.push(performance.now() - start)
  }
  if (seated !== (runs + 1) * Governance.PRIME_GROUPS.length) throw new Error("governance bench: empty ranking")
  return {
    name: `Governance: rank ${count(members)} members for six prime groups (pure)`,
    result: millis(median(samples)),
    detail:
      `the lot's pure functions as a draw runs them: \`Lot.seed\` over 100 reveals, then for each of the six groups ` +
      `\`Lot.rank(seed, group, eligible)\` over ${count(members)} identities less 3 excluded (a SHA-256 score each, then a sort); ` +
      `no replica, no fold; median of ${runs} after a warm-up`
  }
}

/**
 * The governance rows: deciding a proposal with 1,000 stances (the fold of its close), and
 * drawing the six prime groups: the pure ranking over 10,000 members, and the fold of a
 * `term.draw` in a community of 2,000 members built through admission decisions.
 */
export const measureGovernance = async (options: GovernanceOptions = {}): Promise<ReadonlyArray<GovernanceRow>> => {
  const runs = options.runs ?? 5
  const progress = options.progress ?? (() => {})
  const rows: Array<GovernanceRow> = []
  rows.push(decideProposal(Math.min(MAX_FOUNDERS, options.stances ?? 1000), runs, progress))
  // Let the event loop run between rows (progress output, timers of a caller).
  await new Promise((resolve) => setImmediate(resolve))
  progress("governance: ranking…")
  rows.push(rankMembers(options.rankMembers ?? 10_000, runs))
  await new Promise((resolve) => setImmediate(resolve))
  rows.push(drawTerms(options.drawMembers ?? 2000, runs, progress))
  return rows
}
