/**
 * The module laws: what every Affinity module must keep, checked by folding a scenario's
 * events through the real kernel ({@link Replica.Replica}) rather than by calling the module
 * directly, so a module is judged exactly as a community runs it.
 *
 * - **order**: every delivery order of the scenario's events gives the same state (hash) and
 *   the same outcome for every event (orders drawn with fast-check, one event at a time).
 * - **redelivery**: delivering an event again, or every event twice in any order, changes nothing.
 * - **rejection**: an event that is refused leaves the state (hash) exactly as it was: every
 *   refusal in the scenario, and probes (each event type with a body that does not decode, an
 *   unknown type, the scenario's own bodies sent again, by a member and by a stranger).
 * - **queries**: asking a query twice gives the same answer, changes no state, emits nothing,
 *   answers plain data, and a query cannot ask further (`NestedQuery`).
 * - **standing**: the standing gate holds for the module's acts: with a module beside it that
 *   restricts one member from every act of this module, each of that member's direct acts of
 *   the module is refused `Restricted`, changes nothing, and the outcomes are the same in
 *   every delivery order.
 *
 * Each law is one entry of {@link LAWS}: a new law is one more entry. {@link checkModuleLaws}
 * returns a result per law and needs no test framework; `moduleLaws` (in `ModuleLawsSuite.ts`)
 * registers them as vitest tests.
 *
 * @module
 */
import fc from "fast-check"
import * as Bytes from "../Bytes.ts"
import * as Cbor from "../Cbor.ts"
import type * as Event from "../Event.ts"
import * as Module from "../Module.ts"
import type * as Query from "../Query.ts"
import { type Outcome, Replica } from "../Replica.ts"
import { TestCommunity } from "./TestCommunity.ts"
import { type TestKey, testKey } from "./Signer.ts"

/** The names of the laws, in the order they run. */
export type LawName = "order" | "redelivery" | "rejection" | "queries" | "standing"

/** What a scenario adds besides its events. */
export interface LawScenario {
  /**
   * Arguments to ask each query with at the end of the scenario, by query name. A query not
   * named here is asked with `{}` (so at least its refusal is checked).
   */
  readonly queries?: { readonly [query: string]: ReadonlyArray<Cbor.Value> }
}

/** How to run the laws for one module. */
export interface ModuleLawsOptions {
  /**
   * Build the scenario: add events to `community` (a genesis by {@link ModuleLawsOptions.founders}
   * founders, named in `founders`). Every event it adds is part of the event set the laws
   * deliver; events that are refused are welcome (the rejection law checks them).
   */
  readonly scenario: (community: TestCommunity, founders: ReadonlyArray<TestKey>) => LawScenario | void
  /** Founders of the test community (default 3). */
  readonly founders?: number
  /** Community parameters of the genesis (default: none, so the defaults). */
  readonly params?: Readonly<Record<string, number>>
  /** Modules the community runs besides `core` and the module under test. */
  readonly modules?: ReadonlyArray<Module.Module>
  /** Delivery orders the order law tries (default 20; the redelivery law tries half as many). */
  readonly orders?: number
  /** fast-check seed of the orders (default fixed, so every run tries the same orders). */
  readonly seed?: number
  /** The laws to check (default: all of {@link LAWS}). */
  readonly laws?: ReadonlyArray<LawName>
}

/** The verdict of one law. */
export interface LawResult {
  readonly law: LawName
  /** `pending`: the law is not checked yet (see {@link Law.pending}). */
  readonly status: "passed" | "failed" | "pending"
  /** What was checked, in words (`20 delivery orders of 31 events`). */
  readonly checked: string
  /** Why it failed, in words, with the events involved; absent unless `failed`. */
  readonly failure?: string
}

/** What the laws share: the scenario, built once, and its reference fold. */
export interface LawSetup {
  readonly module: Module.Module
  /** Every module the community runs besides `core`: the module under test first. */
  readonly modules: ReadonlyArray<Module.Module>
  readonly community: TestCommunity
  readonly founders: ReadonlyArray<TestKey>
  /** The scenario's events after the genesis, in the order they were made. */
  readonly events: ReadonlyArray<Event.Event>
  readonly scenario: LawScenario
  /** A replica holding every event, delivered in the order they were made. */
  readonly reference: Replica
  readonly orders: number
  readonly seed: number
}

/** One law: its name, what it says, and its check (absent while it is pending). */
export interface Law {
  readonly name: LawName
  /** The law in one sentence (the test's title). */
  readonly title: string
  readonly check?: (setup: LawSetup) => LawResult
  /** Why the law is not checked yet. */
  readonly pending?: string
}

// --- helpers ---------------------------------------------------------------------------------

const NAMES = ["Ada", "Bo", "Cy", "Dee", "Eli", "Fay", "Gus", "Hal", "Ida"]

/** A stranger: a key no identity of the scenario holds. */
const stranger = (): TestKey => testKey(254, "stranger")

/** The outcome of an event in words: `Applied`, `Applied; m/t Applied`, `Rejected NotAMember`. */
const outcomeText = (o: Outcome | undefined): string =>
  o === undefined
    ? "not delivered"
    : o._tag === "Rejected"
      ? `Rejected ${o.reason._tag}`
      : ["Applied", ...o.actions.map((a) => `${a.module}/${a.type} ${a._tag === "Applied" ? "Applied" : a.reason._tag}`)].join("; ")

/** How the laws name an event in a failure: its position in the scenario and its module/type. */
const eventName = (setup: LawSetup, e: Event.Event): string => {
  const at = setup.events.findIndex((x) => x.key === e.key)
  return `${at < 0 ? "probe" : `event ${at + 1}`} (${e.header.module}/${e.header.type})`
}

const open = (setup: LawSetup, modules: ReadonlyArray<Module.Module> = setup.modules): Replica => {
  const opened = Replica.open(setup.community.genesis, { modules })
  if (!opened.ok) throw new Error(`the genesis does not open: ${opened.error.message}`)
  return opened.replica
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i])

/** The last event of `key`'s chain in the scenario (highest sequence number), or `null`. */
const chainTip = (setup: LawSetup, key: TestKey): Event.Event | null => {
  let tip: Event.Event | null = null
  for (const e of [setup.community.genesis, ...setup.events])
    if (sameBytes(e.header.author, key.publicKey) && (tip === null || e.header.seq > tip.header.seq)) tip = e
  return tip
}

/**
 * The canonical bytes of every module's state, encoded afresh (not the replica's cached hash,
 * so a module that changes a state in place is caught).
 */
const stateBytes = (replica: Replica, modules: ReadonlyArray<Module.Module>): Uint8Array => {
  const states: Record<string, Cbor.Value> = { core: replica.state("core") }
  for (const m of modules) states[m.name] = replica.state(m.name)
  return Cbor.encode(states)
}

/** Which modules' states differ between two replicas, in words. */
const stateDifference = (a: Replica, b: Replica, modules: ReadonlyArray<Module.Module>): string => {
  const names = ["core", ...modules.map((m) => m.name)]
  const differ = names.filter((n) => !sameBytes(Cbor.encode(a.state(n)), Cbor.encode(b.state(n))))
  return differ.length === 0 ? "the state differs" : `the state of ${differ.join(", ")} differs`
}

/** The first event whose outcome differs between two replicas, in words, or `undefined`. */
const outcomeDifference = (setup: LawSetup, a: Replica, b: Replica): string | undefined => {
  for (const e of setup.events) {
    const x = outcomeText(a.outcome(e.key))
    const y = outcomeText(b.outcome(e.key))
    if (x !== y) return `${eventName(setup, e)} is "${y}" instead of "${x}"`
  }
  return undefined
}

/** Compare a replica with the reference: `undefined` when state and outcomes agree. */
const against = (setup: LawSetup, replica: Replica, how: string): string | undefined => {
  if (!sameBytes(stateBytes(replica, setup.modules), stateBytes(setup.reference, setup.modules)))
    return `${how}, ${stateDifference(setup.reference, replica, setup.modules)} from delivery in the order the events were made`
  const outcome = outcomeDifference(setup, setup.reference, replica)
  return outcome === undefined ? undefined : `${how}, ${outcome}`
}

const orderText = (setup: LawSetup, order: ReadonlyArray<Event.Event>): string =>
  order.map((e) => {
    const at = setup.events.findIndex((x) => x.key === e.key)
    return String(at + 1)
  }).join(", ")

/** `1 refusal`, `2 refusals`. */
const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`

const passed = (law: LawName, checked: string): LawResult => ({ law, status: "passed", checked })
const failed = (law: LawName, checked: string, failure: string): LawResult => ({ law, status: "failed", checked, failure })

/** Run a fast-check property whose predicate answers a failure in words (or `undefined`). */
const property = <T>(arbitrary: fc.Arbitrary<T>, runs: number, seed: number, check: (value: T) => string | undefined): string | undefined => {
  const details = fc.check(
    fc.property(arbitrary, (value) => check(value) === undefined),
    { numRuns: runs, seed }
  )
  if (!details.failed) return undefined
  const example = details.counterexample?.[0]
  if (example === undefined) return `fast-check stopped: ${String(details.errorInstance ?? "no counterexample")}`
  return check(example) ?? "the property failed once and passed when checked again: the fold depends on something besides its events"
}

// --- the laws --------------------------------------------------------------------------------

const orderLaw = (setup: LawSetup): LawResult => {
  const n = setup.events.length
  const checked = `${count(setup.orders, "delivery order")} of ${count(n, "event")}, one event at a time`
  const failure = property(fc.shuffledSubarray([...setup.events], { minLength: n, maxLength: n }), setup.orders, setup.seed, (order) => {
    const replica = open(setup)
    for (const e of order) replica.ingest([e])
    return against(setup, replica, `delivered in the order ${orderText(setup, order)}`)
  })
  return failure === undefined ? passed("order", checked) : failed("order", checked, failure)
}

const redeliveryLaw = (setup: LawSetup): LawResult => {
  const n = setup.events.length
  const runs = Math.max(1, Math.floor(setup.orders / 2))
  const checked = `every event delivered again after the fold, and ${count(runs, "order")} delivering every event twice`
  const replica = setup.community.replica(setup.events, setup.modules)
  replica.ingest(setup.events)
  const again = against(setup, replica, "after every event was delivered a second time")
  if (again !== undefined) return failed("redelivery", checked, again)
  for (const e of setup.events) {
    replica.ingest([e])
    const one = against(setup, replica, `after ${eventName(setup, e)} was delivered once more`)
    if (one !== undefined) return failed("redelivery", checked, one)
  }
  const twice = [...setup.events, ...setup.events]
  const failure = property(fc.shuffledSubarray(twice, { minLength: 2 * n, maxLength: 2 * n }), runs, setup.seed, (order) => {
    const r = open(setup)
    for (const e of order) r.ingest([e])
    return against(setup, r, `with every event delivered twice, in the order ${orderText(setup, order)}`)
  })
  return failure === undefined ? passed("redelivery", checked) : failed("redelivery", checked, failure)
}

/** Probes for the rejection law: events likely refused, each to deliver on its own after the scenario. */
const rejectionProbes = (setup: LawSetup): ReadonlyArray<Event.Event> => {
  const c = setup.community
  const heads = c.heads()
  const member = setup.founders[0]!
  const outsider = stranger()
  const memberTip = chainTip(setup, member)
  const strangerTip = chainTip(setup, outsider)
  const probes: Array<Event.Event> = []
  const probe = (key: TestKey, tip: Event.Event | null, module: string, type: string, body: Cbor.Value) =>
    probes.push(c.signed(key, module, type, body, { parents: heads, prev: tip, seq: tip ? tip.header.seq + 1 : 1 }))
  const name = setup.module.name
  const types = Object.keys(setup.module.events).sort()
  for (const type of [...types, "law-no-such-type"]) {
    probe(member, memberTip, name, type, { "law-not-a-key": null })
    probe(outsider, strangerTip, name, type, { "law-not-a-key": null })
  }
  for (const e of setup.events) {
    if (e.header.module !== name) continue
    probe(member, memberTip, name, e.header.type, e.body)
    probe(outsider, strangerTip, name, e.header.type, e.body)
  }
  return probes
}

const rejectionLaw = (setup: LawSetup): LawResult => {
  // The scenario's own refusals: deliver in fold order, one at a time, so each event is
  // folded on top of exactly the events before it.
  const byKey = new Map(setup.events.map((e) => [e.key, e]))
  const order = setup.reference.orderedKeys().flatMap((k) => (byKey.has(k) ? [byKey.get(k)!] : []))
  const replica = open(setup)
  let inScenario = 0
  for (const e of order) {
    const before = stateBytes(replica, setup.modules)
    replica.ingest([e])
    const o = replica.outcome(e.key)
    if (o?._tag !== "Rejected") continue
    inScenario++
    if (!sameBytes(before, stateBytes(replica, setup.modules)))
      return failed("rejection", `${count(inScenario, "refusal")} in the scenario`, `${eventName(setup, e)} was refused (${o.reason._tag}) and still changed the state`)
  }
  let probed = 0
  for (const p of rejectionProbes(setup)) {
    const r = setup.community.replica(setup.events, setup.modules)
    const before = stateBytes(r, setup.modules)
    r.ingest([p])
    const o = r.outcome(p.key)
    if (o?._tag !== "Rejected") continue
    probed++
    if (!sameBytes(before, stateBytes(r, setup.modules))) {
      const who = sameBytes(p.header.author, setup.founders[0]!.publicKey) ? "a member" : "a stranger"
      return failed(
        "rejection",
        `${count(inScenario, "refusal")} in the scenario and ${count(probed, "refused probe")}`,
        `${p.header.module}/${p.header.type} by ${who} was refused (${o.reason._tag}) and still changed the state`
      )
    }
  }
  return passed("rejection", `${count(inScenario, "refusal")} in the scenario and ${count(probed, "refused probe")}`)
}

/** What a wrapped query saw while answering. */
interface QueryWitness {
  readonly query: string
  readonly stateChanged: boolean
  readonly notPlainData: string | undefined
  readonly nested: string
}

const PROBE = "law-probe"

/** The module under test with every query wrapped so that each answer is watched. */
const watched = (module: Module.Module, seen: Array<QueryWitness>): Module.Module => {
  const queries: Record<string, Query.Query<Cbor.Value>> = {}
  for (const [name, q] of Object.entries(module.queries ?? {})) {
    queries[name] = {
      decode: (args) => q.decode(args),
      answer: (state, args, ctx) => {
        const before = Cbor.encode(state)
        const answer = q.answer(state, args, ctx)
        const nested = ctx.ask(module.name, name, Cbor.check(args) === undefined ? (args as Cbor.Value) : {})
        seen.push({
          query: name,
          stateChanged: !sameBytes(before, Cbor.encode(state)),
          notPlainData: Cbor.check(answer)?.message,
          nested: nested.ok ? "answered" : nested.refusal._tag
        })
        return answer
      }
    }
  }
  return { ...module, queries }
}

/** A module whose `ask` event asks the module under test one query twice and records both answers. */
const prober = (target: string, asked: Array<readonly [Query.Answer, Query.Answer]>): Module.Module =>
  Module.make<Cbor.Value>({
    name: PROBE,
    init: () => 0,
    events: {
      ask: {
        authority: "member",
        decode: (body) => ({ ok: true, value: body }),
        validate: () => undefined,
        apply: (state, body, ctx) => {
          const { query, args } = body as { readonly query: string; readonly args: Cbor.Value }
          asked.push([ctx.ask(target, query, args), ctx.ask(target, query, args)])
          return { state: (state as number) + 1 }
        }
      }
    }
  })

const answerBytes = (a: Query.Answer): Uint8Array =>
  Cbor.encode(a.ok ? { ok: true, value: a.value } : { ok: false, tag: a.refusal._tag, message: a.refusal.message })

const queriesLaw = (setup: LawSetup): LawResult => {
  const seen: Array<QueryWitness> = []
  const asked: Array<readonly [Query.Answer, Query.Answer]> = []
  const module = setup.module
  const others = setup.modules.slice(1)
  const replica = open(setup, [watched(module, seen), ...others, prober(module.name, asked)])
  replica.ingest(setup.events)
  const names = Object.keys(module.queries ?? {}).sort()
  const c = setup.community
  const asker = setup.founders[0]!
  let parents = c.heads()
  let tip = chainTip(setup, asker)
  let asks = 0
  for (const query of [...names, "law-no-such-query"]) {
    for (const args of setup.scenario.queries?.[query] ?? [{}]) {
      const e = c.signed(asker, PROBE, "ask", { query, args }, { parents, prev: tip, seq: tip ? tip.header.seq + 1 : 1 })
      const before = Cbor.encode(replica.state(module.name))
      const seenBefore = seen.length
      replica.ingest([e])
      asks++
      const where = `asking ${module.name}/${query} with ${JSON.stringify(args, (_k, v: unknown) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v))}`
      const o = replica.outcome(e.key)
      if (o?._tag !== "Applied") return failed("queries", count(asks, "ask"), `${where}: the asking event was ${outcomeText(o)}`)
      if (o.actions.length > 0) return failed("queries", count(asks, "ask"), `${where}: the ask emitted actions (${outcomeText(o)})`)
      const pair = asked[asked.length - 1]
      if (pair === undefined) return failed("queries", count(asks, "ask"), `${where}: the query was never asked`)
      if (!sameBytes(answerBytes(pair[0]), answerBytes(pair[1]))) return failed("queries", count(asks, "ask"), `${where}: two asks gave different answers`)
      if (!sameBytes(before, Cbor.encode(replica.state(module.name))))
        return failed("queries", count(asks, "ask"), `${where}: the query changed the module's state`)
      for (const w of seen.slice(seenBefore)) {
        if (w.stateChanged) return failed("queries", count(asks, "ask"), `${where}: the query changed the state it was given`)
        if (w.notPlainData !== undefined) return failed("queries", count(asks, "ask"), `${where}: the answer is not plain data (${w.notPlainData})`)
        if (w.nested !== "NestedQuery") return failed("queries", count(asks, "ask"), `${where}: an ask made inside the query was ${w.nested}, not refused NestedQuery`)
      }
      if (names.includes(query) && pair[0].ok && seen.length === seenBefore)
        return failed("queries", count(asks, "ask"), `${where}: the kernel answered without asking the query`)
      parents = [e]
      tip = e
    }
  }
  const described = names.length === 0 ? "no queries declared; an unknown query refused" : count(names.length, "query", "queries")
  return passed("queries", `${count(asks, "ask")} made twice each (${described}), answers watched`)
}

/** A module that restricts `target` from every act of module `name` (for the standing law). */
const restricting = (target: string, name: string, key: string): Module.Module =>
  Module.make<null>({
    name: "law-standing",
    init: () => null,
    events: {},
    standing: {
      restrictions: (_state, subject) =>
        subject === target ? [{ subject, scope: { module: name }, until: null, by: "the module laws", reason: "a restriction the standing law imposes", key }] : []
    }
  })

const standingLaw = (setup: LawSetup): LawResult => {
  const name = setup.module.name
  // The identity of the first direct act of the module that applied: the member to restrict.
  const first = setup.reference
    .orderedKeys()
    .map((k) => setup.events.find((e) => e.key === k))
    .find((e) => e !== undefined && e.header.module === name && setup.reference.outcome(e.key)?._tag === "Applied")
  if (first === undefined) return passed("standing", "no direct act of the module applied in the scenario, so none to restrict")
  const target = setup.reference.log.identitiesOf(Bytes.toHex(first.header.author))[0] ?? Bytes.toHex(first.header.author)
  const modules = [...setup.modules, restricting(target, name, setup.community.genesis.key)]
  const acts = setup.events.filter((e) => e.header.module === name && (setup.reference.log.identitiesOf(Bytes.toHex(e.header.author))[0] ?? Bytes.toHex(e.header.author)) === target)
  const checked = `${count(acts.length, "act")} of ${name} by the restricted member, ${count(setup.orders, "delivery order")}`
  const reference = open(setup, modules)
  for (const e of setup.events) {
    const before = stateBytes(reference, modules)
    reference.ingest([e])
    if (!acts.includes(e)) continue
    const o = reference.outcome(e.key)
    if (o === undefined) continue
    if (o._tag !== "Rejected" || o.reason._tag !== "Restricted")
      return failed("standing", checked, `${eventName(setup, e)} by the restricted member was ${outcomeText(o)}, not refused Restricted`)
    if (!sameBytes(before, stateBytes(reference, modules)))
      return failed("standing", checked, `${eventName(setup, e)} was refused for standing and still changed the state`)
  }
  const expected = setup.events.map((e) => outcomeText(reference.outcome(e.key)))
  const hash = reference.stateHashHex()
  const failure = property(fc.shuffledSubarray([...setup.events], { minLength: setup.events.length, maxLength: setup.events.length }), setup.orders, setup.seed, (order) => {
    const replica = open(setup, modules)
    for (const e of order) replica.ingest([e])
    const got = setup.events.map((e) => outcomeText(replica.outcome(e.key)))
    const at = got.findIndex((x, i) => x !== expected[i])
    if (at >= 0) return `${eventName(setup, setup.events[at]!)} was ${got[at]} delivered in the order ${orderText(setup, order)}, ${expected[at]} in the order made`
    return replica.stateHashHex() === hash ? undefined : `the state differs delivered in the order ${orderText(setup, order)}`
  })
  return failure === undefined ? passed("standing", checked) : failed("standing", checked, failure)
}

/**
 * A scenario of the `core` events every community has: an application, concurrent ticks by
 * the founders, a device key added, a departure, and an event refused (an admission signed
 * directly, which only a decision can make). For a module with no event types yet, or to run
 * beside a module's own scenario.
 */
export const coreScenario = (community: TestCommunity, founders: ReadonlyArray<TestKey>): LawScenario => {
  const [ada, bo] = founders
  if (ada === undefined || bo === undefined) throw new RangeError("the core scenario needs two founders")
  const newcomer = testKey(200, "newcomer")
  community.join(newcomer)
  const base = community.heads()
  community.tick(ada, community.time + 60_000, { parents: base })
  community.tick(bo, community.time + 60_000, { parents: base })
  community.add(ada, "core", "device.add", community.deviceAdd(ada, testKey(201, "Ada's phone")))
  community.add(newcomer, "core", "member.leave", { note: "moving away" })
  community.add(bo, "core", "member.admit", { identity: newcomer.publicKey }) // refused: admitting takes a decision
  return {}
}

/**
 * The laws, in the order they run. A new law is one more entry; one that is not checked yet
 * has a `pending` reason instead of a `check`.
 */
export const LAWS: ReadonlyArray<Law> = [
  { name: "order", title: "every delivery order gives the same state and outcomes", check: orderLaw },
  { name: "redelivery", title: "delivering an event again changes nothing", check: redeliveryLaw },
  { name: "rejection", title: "a refused event changes nothing", check: rejectionLaw },
  { name: "queries", title: "queries are pure: the same answer twice, no state change, no actions, no nested asks", check: queriesLaw },
  { name: "standing", title: "a restricted member's acts are refused for standing and change nothing, in every delivery order", check: standingLaw }
]

/** Build the scenario of `options` for `module`: the shared part of every law. */
export const lawSetup = (module: Module.Module, options: ModuleLawsOptions): LawSetup => {
  const founders = Array.from({ length: options.founders ?? 3 }, (_, i) => testKey(i + 1, NAMES[i] ?? `founder ${i + 1}`))
  const community = new TestCommunity(founders, options.params ?? {})
  const scenario = options.scenario(community, founders) ?? {}
  const modules = [module, ...(options.modules ?? [])]
  const events = community.events.slice(1)
  return {
    module,
    modules,
    community,
    founders,
    events,
    scenario,
    reference: community.replica(events, modules),
    orders: options.orders ?? 20,
    seed: options.seed ?? 0x5eed
  }
}

/** Check one law on a setup (a pending law gives a `pending` result). */
export const checkLaw = (law: Law, setup: LawSetup): LawResult => {
  if (law.check === undefined) return { law: law.name, status: "pending", checked: law.pending ?? "not checked yet" }
  try {
    return law.check(setup)
  } catch (e) {
    return failed(law.name, "the check did not finish", `it threw: ${e instanceof Error ? e.message : String(e)}`)
  }
}

/**
 * Check the laws for `module` on the scenario of `options`: one result per law, in the
 * order of {@link LAWS}. Never throws for a broken module (a law that throws is `failed`);
 * a scenario that throws does throw.
 */
export const checkModuleLaws = (module: Module.Module, options: ModuleLawsOptions): ReadonlyArray<LawResult> => {
  const setup = lawSetup(module, options)
  const selected = options.laws
  return LAWS.filter((l) => selected === undefined || selected.includes(l.name)).map((l) => checkLaw(l, setup))
}
