/**
 * What the economy costs: the fold of many payments beside the plain fold of as many events,
 * and the balance and concentration queries over many accounts.
 *
 * (a) One signed history of member acts (`acts/act`, counted and nothing else) and (b) one of
 * `economy/pay` events, each by the next of the members (all founders) and citing the one
 * before, after a currency created by a community decision (governance's proposal, stances,
 * close). Each timing is `Replica.ingest` of the whole history, decoded beforehand (a
 * replica's fold checks no signature); signing is not timed. The queries are asked of an
 * economy state of `accounts` accounts made from the module's own `init` (payments between
 * 10,000 members would need 10,000 admissions first), with balances settled for demurrage
 * over up to 30 community days.
 *
 * The economy module is passed in (`measureEconomy(Economy.module)`), so this file depends on
 * nothing but the kernel and governance.
 *
 * @module
 */
import { Body, Bytes, type Cbor, type Event, Module, Replica } from "@affinity/core"
import { signDraft, testKey, type TestKey } from "@affinity/core/testing"
import * as Governance from "@affinity/governance"
import { sha256 } from "@noble/hashes/sha2.js"
import { performance } from "node:perf_hooks"
import { collect, median } from "./measure.ts"
import { count, type Row } from "./report.ts"

/** Options of {@link measureEconomy}; the defaults are the sizes the rows are named after. */
export interface EconomyOptions {
  /** Payments in the history. Default 100,000. */
  readonly payments?: number
  /** Members of the community, all founders (at most 1,000). Default 200. */
  readonly members?: number
  /** Accounts of the state the queries are asked of. Default 10,000. */
  readonly accounts?: number
  /** Timed runs of each fold, after one warm-up of each. Default 3. */
  readonly runs?: number
  readonly progress?: (line: string) => void
}

/** What one run measured, besides the rows. */
export interface EconomyResult {
  readonly rows: ReadonlyArray<Row>
  /** Events per second of the plain fold (a) and of the payments (b). */
  readonly plain: number
  readonly payments: number
}

const T0 = 1_700_000_000_000
const HOUR = 3_600_000
const DAY = 24 * HOUR
const MAX_FOUNDERS = 1000

type Acts = { readonly acts: number }
const acts = Module.make<Acts>({
  name: "acts",
  init: () => ({ acts: 0 }),
  events: {
    act: Module.eventType<Acts, { readonly n: number }>({
      body: Body.strict({ n: Body.int(0, Number.MAX_SAFE_INTEGER) }),
      authority: "member",
      apply: (state) => ({ acts: state.acts + 1 })
    })
  }
})

const member = (i: number): TestKey => testKey(sha256(Bytes.utf8(`affinity/bench/economy/member/${i}`)), `member ${i}`)

/** A chain of events: each cites the one before, each author keeps its own `prev`. */
class Chain {
  readonly genesis: Event.Event
  readonly events: Array<Event.Event> = []
  private readonly tips = new Map<string, Event.Event>()
  private last: Event.Event
  time = T0
  constructor(keys: ReadonlyArray<TestKey>) {
    const founders = keys.map((k) => k.publicKey).sort(Bytes.compare)
    this.genesis = signDraft(keys[0]!.secret, {
      community: null,
      author: keys[0]!.publicKey,
      seq: 1,
      prev: null,
      parents: [],
      time: T0,
      module: "core",
      type: "genesis",
      body: { name: "Economy bench", founders, params: {} }
    })
    this.tips.set(keys[0]!.id, this.genesis)
    this.last = this.genesis
  }
  add(key: TestKey, module: string, type: string, body: Cbor.Value, time = this.time + 1000): Event.Event {
    this.time = Math.max(this.time, time)
    const tip = this.tips.get(key.id)
    const e = signDraft(key.secret, {
      community: this.genesis.id,
      author: key.publicKey,
      seq: tip === undefined ? 1 : tip.header.seq + 1,
      prev: tip === undefined ? null : tip.id,
      parents: tip !== undefined && tip.key === this.last.key ? [] : [this.last.id],
      time: this.time,
      module,
      type,
      body
    })
    this.tips.set(key.id, e)
    this.events.push(e)
    this.last = e
    return e
  }
}

/** The plain history: `events` member acts. */
const plainHistory = (keys: ReadonlyArray<TestKey>, events: number): Chain => {
  const c = new Chain(keys)
  for (let n = 0; n < events; n++) c.add(keys[n % keys.length]!, "acts", "act", { n })
  return c
}

/** The payments history: a currency by decision, then `events` payments; returns it and where the payments start. */
const paymentHistory = (keys: ReadonlyArray<TestKey>, events: number): { readonly chain: Chain; readonly from: number } => {
  const c = new Chain(keys)
  const deadline = T0 + 2 * HOUR
  const currency = { module: "economy", type: "currency.create", body: { name: "Hours", symbol: "h", decimals: 2, policy: { creditLimit: 1_000_000_000_000, demurrage: 1_000 } } }
  const open = c.add(keys[0]!, "governance", "proposal.open", Governance.propose({ title: "Hours", deadline, process: "consensus", action: currency }).body)
  for (const k of keys) c.add(k, "governance", "stance", Governance.stance(open.key, "agree").body)
  c.add(keys[0]!, "core", "tick", {}, deadline)
  c.add(keys[1]!, "core", "tick", {}, deadline)
  c.add(keys[0]!, "governance", "proposal.close", Governance.close(open.key).body)
  const from = c.events.length
  for (let n = 0; n < events; n++) {
    const payer = keys[n % keys.length]!
    const payee = keys[(n * 7 + 1) % keys.length]!
    c.add(payer === payee ? keys[(n + 1) % keys.length]! : payer, "economy", "pay", { to: payee.publicKey, amount: 1 + (n % 97), note: "" })
  }
  return { chain: c, from }
}

const fold = (c: Chain, modules: ReadonlyArray<Module.Module>): { readonly ms: number; readonly replica: Replica.Replica } => {
  const opened = Replica.Replica.open(c.genesis, { modules })
  if (!opened.ok) throw new Error(`economy bench: ${opened.error.message}`)
  collect()
  const start = performance.now()
  opened.replica.ingest(c.events)
  return { ms: performance.now() - start, replica: opened.replica }
}

/** A context for asking queries outside a fold: every entry is in the past, at community time `time`. */
const contextAt = (time: number): Module.EventContext =>
  ({
    key: "00".repeat(32),
    device: "00".repeat(32),
    identity: null,
    time,
    communityTime: time,
    params: Module.defaultParams,
    warrant: { _tag: "Direct" },
    statusOf: () => "full",
    fullMembers: () => [],
    happenedBefore: () => true,
    seenBefore: () => true,
    ask: () => ({ ok: false, refusal: { _tag: "NestedQuery", message: "no asks here" } }),
    mayAct: () => undefined,
    primeModules: []
  }) as Module.EventContext

/** An economy state of `n` accounts, from the module's `init`, with balances last settled up to 30 days before day 30. */
const stateOf = (economy: Module.Module, n: number): Cbor.Value => {
  const base = economy.init({ community: "00".repeat(32), name: "bench", founders: [], params: Module.defaultParams, time: T0 }) as { readonly [k: string]: Cbor.Value }
  const accounts: Record<string, Cbor.Value> = {}
  let x = 12345
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648
    const id = Bytes.toHex(sha256(Bytes.utf8(`account ${i}`)))
    accounts[id] = {
      balance: (x % 200_000) - 50_000,
      asOf: i % 30,
      since: T0,
      lastOut: null,
      frozen: null,
      debt: 0,
      allowance: { day: -1, used: 0 },
      net: {},
      limits: [],
      claimed: null
    }
  }
  const policy = {
    key: "11".repeat(32),
    day: 0,
    mutualCredit: true,
    creditLimit: 100_000,
    softPercent: 80,
    maxBalance: null,
    issuance: 0,
    claimDays: 14,
    demurrage: 1_000,
    earnCap: 0,
    earnPerPayer: 0,
    probationDays: 30,
    offlineAllowance: 0,
    commonsCredit: 0
  }
  return { ...base, currency: { key: "11".repeat(32), name: "Hours", symbol: "h", decimals: 2, created: T0 }, policies: [policy], accounts }
}

/**
 * The economy rows: the fold of `payments` payments beside the plain fold of as many events, in
 * events per second; and the balance query (per account) and the concentration query over
 * `accounts` accounts.
 */
export const measureEconomy = async (economy: Module.Module, options: EconomyOptions = {}): Promise<EconomyResult> => {
  const payments = options.payments ?? 100_000
  const members = Math.min(MAX_FOUNDERS, options.members ?? 200)
  const accounts = options.accounts ?? 10_000
  const runs = options.runs ?? 3
  const progress = options.progress ?? (() => {})
  if (members < 3 || payments < 1 || runs < 1 || accounts < 1) throw new RangeError("economy bench: at least 3 members, 1 payment, 1 account and 1 run")

  const keys = Array.from({ length: members }, (_, i) => member(i))
  progress(`economy: signing ${count(payments)} payments and ${count(payments)} plain acts by ${count(members)} members…`)
  const plainChain = plainHistory(keys, payments)
  const { chain, from } = paymentHistory(keys, payments)
  const plainModules = [Governance.module, acts]
  const payModules = [Governance.module, economy]

  const plain: Array<number> = []
  const paid: Array<number> = []
  for (let r = 0; r <= runs; r++) {
    for (const which of r % 2 === 0 ? (["a", "b"] as const) : (["b", "a"] as const)) {
      const { ms, replica } = which === "a" ? fold(plainChain, plainModules) : fold(chain, payModules)
      if (r === 0 && which === "b")
        for (const e of chain.events.slice(from - 1)) {
          const o = replica.outcome(e.key)
          if (o?._tag !== "Applied") throw new Error(`economy bench: ${e.header.type} was ${o === undefined ? "not delivered" : `refused: ${o.reason.message}`}`)
        }
      if (r > 0) (which === "a" ? plain : paid).push(which === "a" ? plainChain.events.length / (ms / 1000) : chain.events.length / (ms / 1000))
    }
    await new Promise((resolve) => setImmediate(resolve))
  }

  progress(`economy: queries over ${count(accounts)} accounts…`)
  const state = stateOf(economy, accounts)
  const ctx = contextAt(T0 + 30 * DAY)
  const ids = Object.keys((state as { readonly accounts: Record<string, unknown> }).accounts)
  const balance = economy.queries?.balance
  const concentration = economy.queries?.concentration
  if (!balance || !concentration) throw new Error("economy bench: the module answers no balance or concentration query")
  const balanceRuns: Array<number> = []
  const concentrationRuns: Array<number> = []
  for (let r = 0; r <= runs; r++) {
    collect()
    let start = performance.now()
    for (const identity of ids) balance.answer(state, { identity }, ctx)
    const perBalance = ((performance.now() - start) * 1000) / ids.length
    start = performance.now()
    concentration.answer(state, {}, ctx)
    const perConcentration = performance.now() - start
    if (r > 0) {
      balanceRuns.push(perBalance)
      concentrationRuns.push(perConcentration)
    }
  }

  const a = median(plain)
  const b = median(paid)
  const common = `\`Replica.ingest\` of signed events (decoded beforehand), each by the next of ${count(members)} members (all founders) citing the one before; median of ${runs} after a warm-up`
  return {
    plain: a,
    payments: b,
    rows: [
      {
        section: "kernel",
        name: `Economy: plain fold (${count(payments)} member acts)`,
        result: `${count(a)} events/s`,
        detail: `${common}; \`acts/act\` only counts, so this is the kernel's own work per event`
      },
      {
        section: "kernel",
        name: `Economy: fold of ${count(payments)} payments`,
        result: `${count(b)} events/s`,
        detail: `${common}; \`economy/pay\` after a currency created by decision, demurrage on, no payment refused; ${(a / b).toFixed(2)}× the plain fold's time per event`
      },
      {
        section: "kernel",
        name: `Economy: balance query (${count(accounts)} accounts)`,
        result: `${median(balanceRuns).toFixed(2)} µs/query`,
        detail: `\`balance\` of each of ${count(accounts)} accounts in turn, each settled for demurrage over up to 30 days (exact, in bigint); median of ${runs}`
      },
      {
        section: "kernel",
        name: `Economy: concentration query (${count(accounts)} accounts)`,
        result: `${median(concentrationRuns).toFixed(1)} ms/query`,
        detail: `\`concentration\` (top 10 % share and Gini, exact fractions) over ${count(accounts)} accounts, each settled for demurrage; median of ${runs}`
      }
    ]
  }
}
