/**
 * What the kernel's meeting points cost the fold: standing and queries on, beside off, in one
 * run.
 *
 * One signed history of member acts (`acts/act`, one after the other, by every member in turn)
 * in a community whose members are all founders is folded twice over: (a) by modules that
 * neither provide standing nor ask queries, and (b) by the same modules where `guard`
 * provides standing (with restrictions in force on subjects other than the members, so none
 * stops an act but the gate asks it before every one) and each act's `validate` asks
 * `roster/listed` whether its author is on the roster. Both folds reach the same state: only
 * the kernel's work differs. Each timing is `Replica.ingest` of the whole history, decoded
 * beforehand (signatures are not checked by a replica's fold); signing is not timed.
 *
 * @module
 */
import { Body, Bytes, type Event, Module, Query, Replica, type Standing } from "@affinity/core"
import { signDraft, testKey, type TestKey } from "@affinity/core/testing"
import { sha256 } from "@noble/hashes/sha2.js"
import { performance } from "node:perf_hooks"
import { collect, median } from "./measure.ts"
import { count, type Row } from "./report.ts"

/** Options of {@link measureKernel}; the defaults are the sizes the rows are named after. */
export interface KernelOptions {
  /** Member acts in the history (the genesis not counted). Default 20,000. */
  readonly events?: number
  /** Members of the community, all founders (at most 1,000). Default 300. */
  readonly members?: number
  /** Restrictions in force on subjects other than the members. Default 300. */
  readonly restrictions?: number
  /** Timed runs of each fold, after one warm-up of each. Default 5. */
  readonly runs?: number
  /** Progress notes (signing the history takes a moment). */
  readonly progress?: (line: string) => void
}

/** What one run measured, besides the rows. */
export interface KernelResult {
  readonly rows: ReadonlyArray<Row>
  /** Median µs per event of the fold without standing or queries (a), and with them (b). */
  readonly plain: number
  readonly gated: number
}

const T0 = 1_700_000_000_000
/** The most founders a genesis may name. */
const MAX_FOUNDERS = 1000

// ---- The modules -------------------------------------------------------------------------

const Act = Body.strict({ n: Body.int(0, Number.MAX_SAFE_INTEGER) })
type Act = Body.Infer<typeof Act>
const Listed = Body.strict({ member: Body.pattern(/^[0-9a-f]{64}$/, "an identity (64 hex characters)") })
type Listed = Body.Infer<typeof Listed>

type Acts = { readonly acts: number }
type Roster = { readonly members: { readonly [identity: string]: boolean } }
/** A restriction as state (a `Standing.Restriction`, as plain data). */
type Held = {
  readonly subject: string
  readonly scope: { readonly module: string }
  readonly until: number | null
  readonly by: string
  readonly reason: string
  readonly key: string
}
type Guard = { readonly bySubject: { readonly [subject: string]: ReadonlyArray<Held> } }

const listed = Query.ref<Listed, boolean>("roster", "listed", (value) =>
  typeof value === "boolean" ? { ok: true, value } : { ok: false, message: "expected true or false" }
)

/** `acts`: a member's act, counted; when `ask`, each act asks `roster/listed` about its author first. */
const acts = (ask: boolean): Module.Module<Acts> =>
  Module.make<Acts>({
    name: "acts",
    ...(ask ? { requires: ["roster"] } : {}),
    init: () => ({ acts: 0 }),
    events: {
      act: Module.eventType<Acts, Act>({
        body: Act,
        authority: "member",
        ...(ask
          ? {
              validate: (_state: Acts, _body: Act, ctx: Module.EventContext) => {
                const answer = Query.ask(ctx, listed, { member: ctx.identity ?? ctx.device })
                if (!answer.ok) return Module.reject("NoAnswer", answer.refusal.message)
                return answer.value ? undefined : Module.reject("NotListed", "the roster does not list you")
              }
            }
          : {}),
        apply: (state) => ({ acts: state.acts + 1 })
      })
    }
  })

/** `roster`: every founder, by identity; when `answers`, it answers `listed`. */
const roster = (answers: boolean): Module.Module<Roster> =>
  Module.make<Roster>({
    name: "roster",
    init: (genesis) => ({ members: Object.fromEntries(genesis.founders.map((f) => [f, true])) }),
    events: {},
    ...(answers
      ? {
          queries: {
            listed: Query.make<Roster, Listed, boolean>({
              args: Listed,
              answer: (state, args) => Object.hasOwn(state.members, args.member)
            })
          }
        }
      : {})
  })

/** A subject no member is: the hex of SHA-256 of a label. */
const outsider = (i: number): string => Bytes.toHex(sha256(Bytes.utf8(`affinity/bench/kernel/outsider/${i}`)))

/** `guard`: `n` restrictions in force on outsiders, from the genesis on; when `gates`, it provides standing. */
const guard = (n: number, gates: boolean): Module.Module<Guard> =>
  Module.make<Guard>({
    name: "guard",
    init: (genesis) => {
      const bySubject: Record<string, ReadonlyArray<Held>> = {}
      for (let i = 0; i < n; i++) {
        const subject = outsider(i)
        bySubject[subject] = [{ subject, scope: { module: "acts" }, until: null, by: "a community decision", reason: "restricted for the benchmark", key: genesis.community }]
      }
      return { bySubject }
    },
    events: {},
    ...(gates
      ? {
          standing: {
            restrictions: (state: Guard, subject: Standing.Subject): ReadonlyArray<Standing.Restriction> =>
              Object.hasOwn(state.bySubject, subject) ? state.bySubject[subject]! : []
          }
        }
      : {})
  })

// ---- The history -------------------------------------------------------------------------

/** A signed history: the genesis, and member acts each citing the one before. */
interface Signed {
  readonly genesis: Event.Event
  readonly events: ReadonlyArray<Event.Event>
}

const member = (i: number): TestKey => testKey(sha256(Bytes.utf8(`affinity/bench/kernel/member/${i}`)), `member ${i}`)

const sign = (members: number, events: number): Signed => {
  const keys = Array.from({ length: members }, (_, i) => member(i))
  const founders = keys.map((k) => k.publicKey).sort(Bytes.compare)
  const genesis = signDraft(keys[0]!.secret, {
    community: null,
    author: keys[0]!.publicKey,
    seq: 1,
    prev: null,
    parents: [],
    time: T0,
    module: "core",
    type: "genesis",
    body: { name: "Kernel bench", founders, params: {} }
  })
  const tips = new Map<string, Event.Event>([[keys[0]!.id, genesis]])
  const out: Array<Event.Event> = []
  let last = genesis
  for (let n = 0; n < events; n++) {
    const key = keys[n % members]!
    const tip = tips.get(key.id)
    const e = signDraft(key.secret, {
      community: genesis.id,
      author: key.publicKey,
      seq: tip === undefined ? 1 : tip.header.seq + 1,
      prev: tip === undefined ? null : tip.id,
      parents: tip !== undefined && tip.key === last.key ? [] : [last.id],
      time: T0 + (n + 1) * 1000,
      module: "acts",
      type: "act",
      body: { n }
    })
    tips.set(key.id, e)
    out.push(e)
    last = e
  }
  return { genesis, events: out }
}

// ---- The measurement ---------------------------------------------------------------------

/** Fold the history once with `modules`; ms of `ingest`, and the replica. */
const fold = (signed: Signed, modules: ReadonlyArray<Module.Module>): { readonly ms: number; readonly replica: Replica.Replica } => {
  const opened = Replica.Replica.open(signed.genesis, { modules })
  if (!opened.ok) throw new Error(`kernel bench: ${opened.error.message}`)
  collect()
  const start = performance.now()
  opened.replica.ingest(signed.events)
  return { ms: performance.now() - start, replica: opened.replica }
}

/** Throws unless every act was applied. */
const checkApplied = (replica: Replica.Replica, signed: Signed, what: string): void => {
  for (const e of signed.events) {
    const o = replica.outcome(e.key)
    if (o?._tag !== "Applied") throw new Error(`kernel bench (${what}): an act was ${o === undefined ? "not delivered" : `refused: ${o.reason.message}`}`)
  }
}

const micros = (us: number): string => `${us.toFixed(2)} µs/event`

/**
 * The kernel rows: the fold of `events` member acts in a community of `members`, (a) by
 * modules with no standing and no queries, (b) with one module providing standing
 * (`restrictions` in force on other subjects) and a query asked by every act; µs per event of
 * each, and (b) as a multiple of (a). The two folds alternate run by run; medians.
 */
export const measureKernel = async (options: KernelOptions = {}): Promise<KernelResult> => {
  const events = options.events ?? 20_000
  const members = Math.min(MAX_FOUNDERS, options.members ?? 300)
  const restrictions = options.restrictions ?? 300
  const runs = options.runs ?? 5
  const progress = options.progress ?? (() => {})
  if (members < 3 || events < 1 || runs < 1) throw new RangeError("kernel bench: at least 3 members, 1 event and 1 run")

  progress(`kernel: signing ${count(events)} member acts by ${count(members)} members…`)
  const signed = sign(members, events)
  const plainModules = [acts(false), roster(false), guard(restrictions, false)]
  const gatedModules = [acts(true), roster(true), guard(restrictions, true)]

  const plain: Array<number> = []
  const gated: Array<number> = []
  for (let r = 0; r <= runs; r++) {
    // Alternate which goes first, so neither is always the one after a collection.
    const order = r % 2 === 0 ? (["a", "b"] as const) : (["b", "a"] as const)
    for (const which of order) {
      const { ms, replica } = fold(signed, which === "a" ? plainModules : gatedModules)
      if (r === 0) {
        checkApplied(replica, signed, which)
        if (replica.state<Acts>("acts").acts !== events) throw new Error(`kernel bench (${which}): the acts were not all counted`)
      } else (which === "a" ? plain : gated).push((ms * 1000) / events)
    }
    await new Promise((resolve) => setImmediate(resolve))
  }
  const same = fold(signed, plainModules).replica.stateHashHex() === fold(signed, gatedModules).replica.stateHashHex()
  if (!same) throw new Error("kernel bench: the two folds reached different states")

  const a = median(plain)
  const b = median(gated)
  const size = `${count(events)} member acts, ${count(members)} members`
  const common =
    `\`Replica.ingest\` of ${count(events)} signed \`acts/act\` events (decoded beforehand; a replica's fold checks no signature), ` +
    `each by the next of ${count(members)} members (all founders) and citing the one before; median of ${runs} after a warm-up`
  return {
    plain: a,
    gated: b,
    rows: [
      {
        section: "kernel",
        name: `Kernel: fold without standing or queries (${size})`,
        result: micros(a),
        detail: `${common}. Three modules (\`acts\` counts each act; \`roster\` and \`guard\` hold the same state as below) that provide no standing and ask no query`
      },
      {
        section: "kernel",
        name: `Kernel: fold with standing and a query per act (${size})`,
        result: micros(b),
        detail:
          `${common}. The same modules, where \`guard\` provides standing with ${count(restrictions)} restrictions in force on subjects ` +
          `other than the members (the gate asks it before every act, none stops one), and each act's \`validate\` asks ` +
          `\`roster/listed\` (\`Query.ask\`, arguments decoded, answer checked) whether its author is listed. Both folds reach the same state`
      },
      {
        section: "kernel",
        name: "Kernel: standing and queries beside the plain fold",
        result: `${(b / a).toFixed(2)}× the plain fold`,
        detail: `(b) ${micros(b)} over (a) ${micros(a)}, from the two rows above, measured alternately in this run: ${micros(b - a)} for the standing gate and one query`
      }
    ]
  }
}
