/**
 * The module contract: a pure, synchronous, deterministic state machine over a community's
 * events. Modules never do I/O, read clocks or draw random numbers; they see only the
 * event, its body and an {@link EventContext} that answers questions about the event's
 * causal past.
 *
 * @module
 */
import type * as Cbor from "./Cbor.ts"
import type * as Query from "./Query.ts"
import type * as Standing from "./Standing.ts"
import { issueText } from "./internal/issues.ts"

/**
 * What authority an event type needs.
 *
 * - `anyone`: any signing key, member or not (an application to join).
 * - `member`: any full member, acting for themselves.
 * - `mandate`: a working group acting within its mandate (checked by the module that owns groups).
 * - `prime`: the consensus of the module's prime working group, through a decision.
 * - `community`: a community decision.
 *
 * Only `anyone` and `member` can be issued directly by one person; the others take
 * effect only as an action carried by a decision. There is no other source of power.
 */
export type AuthorityKind = "anyone" | "member" | "mandate" | "prime" | "community"

/** How an action reached the module: signed directly by its author, or carried by a decision. */
export type Warrant =
  | { readonly _tag: "Direct" }
  | {
      readonly _tag: "Decision"
      /** Who decided: the community, a module's prime working group or a working group. */
      readonly body: { readonly _tag: "Community" } | { readonly _tag: "Prime"; readonly module: string } | {
        readonly _tag: "Group"
        readonly group: string
      }
      /** Key of the event that recorded the decision. */
      readonly decision: string
    }

/** A typed, human-readable reason an event or action did not take effect. */
export interface Rejection {
  readonly _tag: string
  readonly message: string
}

/** Make a rejection. */
export const reject = (tag: string, message: string): Rejection => ({ _tag: tag, message })

/** Status of an identity in a community. */
export type MemberStatus = "applicant" | "full" | "left"

/** Community parameters fixed at genesis (later changed by community decision). */
export type Params = {
  /** How many distinct members' clocks must pass a time before community time reaches it. */
  readonly timeWitnesses: number
  /** Seats in each prime working group. */
  readonly primeSize: number
  /** Prime working group term, in milliseconds (default 14 days). */
  readonly primeTerm: number
  /** Share of full members (in percent) whose stances a community decision needs. */
  readonly quorumPercent: number
  /**
   * How far ahead of a device's clock an event's claimed time may be before the device
   * holds it (`docs/protocol.md` §6), in milliseconds. Absent: each implementation's own
   * default (5 minutes here). Local policy, set by community decision so members agree on it.
   */
  readonly futureTolerance?: number
  /**
   * When prime working groups' term length changed by decision: from which term each length
   * holds, and when that term starts. Absent while the genesis length holds throughout.
   */
  readonly termSchedule?: ReadonlyArray<TermSegment>
}

/** A run of prime-group terms of one length (see {@link Params.termSchedule}). */
export type TermSegment = {
  /** The first term of this length. */
  readonly fromTerm: number
  /** When that term starts (community time). */
  readonly start: number
  /** Each term's length, in milliseconds. */
  readonly length: number
}

const segmentsOf = (params: Params, genesisTime: number): ReadonlyArray<TermSegment> =>
  params.termSchedule ?? [{ fromTerm: 0, start: genesisTime, length: params.primeTerm }]

/** When prime-group term `term` starts (community time), for a community founded at `genesisTime`. */
export const termStart = (params: Params, genesisTime: number, term: number): number => {
  const segments = segmentsOf(params, genesisTime)
  let seg = segments[0]!
  for (const s of segments) if (s.fromTerm <= term) seg = s
  return seg.start + (term - seg.fromTerm) * seg.length
}

/** The prime-group term community time `time` falls in (0 up to the genesis). */
export const termAt = (params: Params, genesisTime: number, time: number): number => {
  if (time <= genesisTime) return 0
  const segments = segmentsOf(params, genesisTime)
  let seg = segments[0]!
  for (const s of segments) if (s.start <= time) seg = s
  return seg.fromTerm + Math.floor((time - seg.start) / seg.length)
}

/**
 * Parameters after a community decision changes some of them at community time `time`: each
 * takes effect from that decision, except the prime term's length, which takes effect from the
 * next term (a term under way is neither cut short nor extended).
 */
export const changeParams = (
  params: Params,
  genesisTime: number,
  time: number,
  change: Partial<Pick<Params, "timeWitnesses" | "primeSize" | "primeTerm" | "quorumPercent" | "futureTolerance">>
): Params => {
  const { primeTerm, ...rest } = change
  let next: Params = { ...params, ...rest }
  if (primeTerm !== undefined && primeTerm !== params.primeTerm) {
    const from = termAt(params, genesisTime, time) + 1
    const start = termStart(params, genesisTime, from)
    const kept = segmentsOf(params, genesisTime).filter((s) => s.fromTerm < from)
    next = { ...next, primeTerm, termSchedule: [...kept, { fromTerm: from, start, length: primeTerm }] }
  }
  return next
}

/** The defaults a genesis gets when it names no parameter. */
export const defaultParams: Params = {
  timeWitnesses: 2,
  primeSize: 3,
  primeTerm: 14 * 24 * 60 * 60 * 1000,
  quorumPercent: 50
}

/** What a module learns about the community at genesis. */
export interface Genesis {
  /** The community id (hex of the genesis event id). */
  readonly community: string
  readonly name: string
  /** Founding identities (hex). */
  readonly founders: ReadonlyArray<string>
  readonly params: Params
  /** Claimed time of the genesis. */
  readonly time: number
}

/** What a module may ask while judging or applying one event. Answers concern the event's causal past. */
export interface EventContext {
  /** Key (hex id) of the event being applied. */
  readonly key: string
  /** Signing device (hex public key). */
  readonly device: string
  /** The author's identity (hex), or `null` for a key no identity holds yet. */
  readonly identity: string | null
  /** Claimed time of the event. */
  readonly time: number
  /** Community time in the event's causal past (see `docs/protocol.md`, "Time"). */
  readonly communityTime: number
  readonly params: Params
  /** How this action is authorized. */
  readonly warrant: Warrant
  /** Status of an identity as of the event's causal past. */
  readonly statusOf: (identity: string) => MemberStatus | undefined
  /** Full members as of the event's causal past, sorted. */
  readonly fullMembers: () => ReadonlyArray<string>
  /** Whether the event with this key is in the causal past of the one being applied. */
  readonly happenedBefore: (key: string) => boolean
  /**
   * Whether the community had seen the event with this key before community time `time`, as
   * the fold knows it at this event: at least `w(n)` full members (the number community time
   * needs, `docs/protocol.md` §6) each have an applied event, folded before this one (or this
   * one itself, for its author), that is that event or has it in its causal past, and whose
   * community time is below `time` (`Infinity`: whether they had seen it at all). It
   * does not depend on this event's causal past, so an event cannot leave out what the
   * community saw by choosing its parents; and once community time has passed `time`, an
   * event signed on old parents is seen before it only when `w(n)` members vouch for it by
   * building on it with old parents too. See §6, "Seen before".
   */
  readonly seenBefore: (key: string, time: number) => boolean
  /**
   * Ask module `module` its query `query` (see {@link Query}): the answer is computed from that
   * module's state at this point of the fold, with this event's context, so its answers about
   * authority are judged on this event's causal past. Never throws: an unknown module or query,
   * arguments that do not decode, a query that throws, or an `ask` made inside a query give a
   * typed refusal. {@link Query.ask} is the typed form.
   */
  readonly ask: (module: string, query: string, args: Cbor.Value) => Query.Answer
  /**
   * Whether `subject` (an identity, a key, or a deciding body: see {@link Standing.Subject})
   * may do `module/type` with this decoded body, as every module that provides standing
   * answers at this point of the fold: `undefined`, or the first `Restricted` refusal. The
   * host asks it before every direct act and every action a decision carries; a module asks
   * it for eligibility the host cannot see (a seat drawn by lot, a working group's roster).
   */
  readonly mayAct: (subject: Standing.Subject, module: string, type: string, body?: unknown) => Rejection | undefined
  /**
   * The names of the community's modules that have a prime working group, sorted: the six of
   * the seed ({@link SEED_PRIME_GROUPS}) always, whether or not their package is registered
   * (they are the community's constitution), and every other registered module that sets
   * {@link Module.prime}. The same at every step of a replica's fold (`docs/protocol.md` §8).
   */
  readonly primeModules: ReadonlyArray<string>
  /**
   * Community time of the event that made `identity` a full member, as this event's causal past
   * records it (the genesis time for founders); `undefined` when it is not a full member there.
   * Rules about seniority (a probation period) read it. Optional, so contexts made by hand for
   * tests need not give it; the host always does.
   */
  readonly fullSince?: (identity: string) => number | undefined
  /**
   * The names of the community's modules, `core` aside, that answer the query `query`, sorted:
   * the modules the kernel asks a well-known query of (the membership rules, `docs/protocol.md`
   * §9). Optional, like {@link EventContext.fullSince}; the host always gives it.
   */
  readonly answering?: (query: string) => ReadonlyArray<string>
  /**
   * Community time at the delivered event `key` (`undefined` for an event this replica does not
   * hold): what the host computed for it (`docs/protocol.md` §6). Optional; the host gives it.
   */
  readonly timeOf?: (key: string) => number | undefined
  /**
   * When `identity` was last seen in this event's causal past: the claimed time of the latest
   * event signed by one of its device keys (this event included), capped at this event's
   * community time, or the community time it became full when that is later; `undefined` when
   * it is no member there. Inactivity rules read it.
   * Optional; the host gives it.
   */
  readonly lastSeen?: (identity: string) => number | undefined
}

/**
 * The modules of the seed, sorted: each has a prime working group in every community, whether
 * or not the community registers its package.
 */
export const SEED_PRIME_GROUPS = ["administration", "defense", "economy", "expression", "governance", "justice"] as const

/**
 * The names of the modules that have a prime working group in a community running `modules`:
 * {@link SEED_PRIME_GROUPS} and every module that sets {@link Module.prime}, sorted, without repeats.
 *
 * ```ts
 * import { Module } from "@affinity/core/module"
 *
 * const garden = Module.make({ name: "garden", prime: true, init: () => ({}), events: {} })
 * console.log(Module.primeModules([garden]).join(" ")) // administration defense economy expression garden governance justice
 * console.log(Module.primeModules([]).length) // 6
 * ```
 */
export const primeModules = (modules: Iterable<{ readonly name: string; readonly prime?: true }>): ReadonlyArray<string> => {
  const names = new Set<string>(SEED_PRIME_GROUPS)
  for (const m of modules) if (m.prime === true) names.add(m.name)
  return [...names].sort()
}

/**
 * An action a module asks the host to apply in the same step (a decision's payload).
 *
 * `warrant` is a claim, not a grant: the host mints the warrant itself. A `Decision` claim is
 * granted only to the community's decision process (the replica's `decider`, governance by
 * default), from the event it judges directly, and only for that event
 * (`decision === ctx.key`); a `Direct` claim acts as the event's signer and is granted only
 * while the signer acts directly. Any other claim fails with `WarrantForged` and changes nothing.
 *
 * When a step emits more than one effect and every one claims a `Decision`, they are one unit:
 * applied in order, all or none (a failure undoes the others, recorded `NotApplied`).
 */
export interface Effect {
  readonly _tag: "Apply"
  readonly module: string
  readonly type: string
  readonly body: Cbor.Value
  readonly warrant: Warrant
}

/** What `apply` returns: the next state, and actions to run under a warrant. */
export interface Applied<S> {
  readonly state: S
  readonly effects?: ReadonlyArray<Effect>
  /**
   * Restrictions this step imposed (see {@link Standing}): the host makes them strong facts,
   * so the subject's acts this event had not seen, sorting before it, are refused too.
   */
  readonly restricts?: ReadonlyArray<Standing.Restriction>
}

/** What decoding an untrusted body gives: the value, or a message a person can act on. */
export type Decoded<A = unknown> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly message: string }

/**
 * One event type of a module, with its body decoder, authority and transitions.
 * (Methods, so a module over a specific state can be registered where any module is expected.)
 */
export interface EventType<S> {
  readonly authority: AuthorityKind
  /** Decode an untrusted body; never throws. Modules need no particular schema library. */
  decode(body: Cbor.Value): Decoded
  /** Judge the event against the state; `undefined` means it may be applied. */
  validate(state: S, body: unknown, ctx: EventContext): Rejection | undefined
  /** The next state (and any actions). Called only after `validate` said yes. */
  apply(state: S, body: unknown, ctx: EventContext): Applied<S>
}

/**
 * A schema in the [Standard Schema](https://standardschema.dev) v1 form: any object with a
 * `~standard` property whose `validate` checks an unknown value. valibot, zod, ArkType and
 * effect's `Schema.toStandardSchemaV1` all produce one, so a module author picks the schema
 * library. (The spec's types, restated; they are interfaces only.)
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": StandardProps<Input, Output>
}

/** The `~standard` property of a {@link StandardSchemaV1}. */
export interface StandardProps<Input = unknown, Output = Input> {
  readonly version: 1
  readonly vendor: string
  /** Check a value; event bodies need a synchronous answer (a `Promise` is a decode failure). */
  readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>
  readonly types?: { readonly input: Input; readonly output: Output } | undefined
}

/** What a Standard Schema's `validate` answers: the value, or the issues. */
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardIssue> }

/** One problem a Standard Schema found, with where it is. */
export interface StandardIssue {
  readonly message: string
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined
}

/**
 * Decode an untrusted value with a Standard Schema; never throws. An asynchronous schema,
 * or one that throws, is a failure with a message saying so.
 */
export const decodeWith = <A>(schema: StandardSchemaV1<unknown, A>, value: unknown): Decoded<A> => {
  let r: StandardResult<A> | Promise<StandardResult<A>>
  try {
    r = schema["~standard"].validate(value)
  } catch (e) {
    return { ok: false, message: `the body schema failed: ${e instanceof Error ? e.message : String(e)}` }
  }
  if (r instanceof Promise || typeof (r as { then?: unknown }).then === "function") {
    Promise.resolve(r).catch(() => undefined)
    return {
      ok: false,
      message: "the body schema is asynchronous; event bodies must be decoded synchronously (use a schema without async checks)"
    }
  }
  const result = r as StandardResult<A>
  return result.issues ? { ok: false, message: issueText(result.issues) } : { ok: true, value: result.value }
}

/**
 * Define an event type from a body schema and typed transitions: the one way modules define
 * event types. `body` is a schema of `Body` (`@affinity/core/module`), or any synchronous
 * Standard Schema (valibot, zod, ArkType, effect's `Schema.toStandardSchemaV1`, …); it
 * should refuse keys it does not name, since every replica must decode bodies identically.
 *
 * ```ts
 * import { Body, Module } from "@affinity/core/module"
 *
 * type Notes = { readonly count: number }
 * const Note = Body.strict({ text: Body.text(1, 280) })
 *
 * const notes = Module.make<Notes>({
 *   name: "notes",
 *   init: () => ({ count: 0 }),
 *   events: {
 *     post: Module.eventType<Notes, Body.Infer<typeof Note>>({
 *       body: Note,
 *       authority: "member",
 *       apply: (state) => ({ count: state.count + 1 })
 *     })
 *   }
 * })
 * console.log(notes.events.post!.decode({ text: "hello" }).ok) // true
 * console.log(notes.events.post!.decode({ text: "hello", pinned: true }).ok === false) // true: an excess key
 * ```
 */
export const eventType = <S, B>(def: {
  readonly body: StandardSchemaV1<unknown, B>
  readonly authority: AuthorityKind
  readonly validate?: (state: S, body: B, ctx: EventContext) => Rejection | undefined
  readonly apply: (state: S, body: B, ctx: EventContext) => S
  /** Actions to run after this event, under a warrant (how decisions carry actions). */
  readonly effects?: (state: S, body: B, ctx: EventContext) => ReadonlyArray<Effect>
  /** Restrictions this event imposes, from the state after it (see {@link Applied.restricts}). */
  readonly restricts?: (state: S, body: B, ctx: EventContext) => ReadonlyArray<Standing.Restriction>
}): EventType<S> => {
  const schema = def.body
  return {
    authority: def.authority,
    decode: (body) => decodeWith(schema, body),
    validate: (state, body, ctx) => (def.validate ? def.validate(state, body as B, ctx) : undefined),
    apply: (state, body, ctx) => {
      const next = def.apply(state, body as B, ctx)
      const effects = def.effects?.(next, body as B, ctx)
      const restricts = def.restricts?.(next, body as B, ctx)
      if (effects === undefined && restricts === undefined) return { state: next }
      return { state: next, ...(effects === undefined ? {} : { effects }), ...(restricts === undefined ? {} : { restricts }) }
    }
  }
}

/**
 * A module: a name, an initial state made from the genesis, and its event types.
 * The state must be plain data in Affinity's CBOR model (records, arrays, strings,
 * integers, booleans, null, bytes) so that every replica hashes it identically.
 */
export interface Module<S extends Cbor.Value = Cbor.Value> {
  /** Module name, as events name it (`[a-z][a-z0-9-]{0,31}`). */
  readonly name: string
  readonly init: (genesis: Genesis) => S
  readonly events: { readonly [type: string]: EventType<S> }
  /**
   * The queries this module answers for other modules, by name (see {@link Query.make}).
   * Whatever a query answers about authority must be judged on the asking event's causal
   * past: state that others query records, per entry, the event that created it and the
   * event that ended it (`docs/protocol.md` §8).
   */
  readonly queries?: { readonly [name: string]: Query.Query<S> }
  /**
   * Modules this one asks and cannot do without, by name. A community whose modules lack one
   * of them is refused when it opens.
   */
  readonly requires?: ReadonlyArray<string>
  /**
   * The restrictions this module keeps, for the host's standing gate (see {@link Standing}).
   * A module that restricts no one leaves it out.
   */
  readonly standing?: Standing.Provider<S>
  /**
   * Set when this module has a prime working group: governance then draws one for it each term,
   * and a decision of that group carries this module's actions (`prime` authority). The six
   * modules of the seed have one whether or not they set it ({@link SEED_PRIME_GROUPS}).
   */
  readonly prime?: true
  /**
   * The payloads this module names as due for erasure at community time `communityTime`: keys
   * of events it applied (a message past its channel's retention, say), in any order. It must
   * be a pure function of the state and the time, and a key it names once it must keep naming
   * at every later time of the same state. The host asks after each completed fold, with the
   * community time of its current heads (`docs/protocol.md` §3a, "Erasure named by a
   * module"), and drops those payloads as it drops erased ones: from memory and storage, and
   * never sends them again. The state does not change and its hash does not depend on when a
   * replica dropped them. A module that names none leaves it out.
   *
   * ```ts
   * import { Module } from "@affinity/core/module"
   *
   * type Notes = { readonly due: { readonly [event: string]: number } }
   * const notes = Module.make<Notes>({
   *   name: "notes",
   *   init: () => ({ due: {} }),
   *   events: {},
   *   erasures: (state, now) => Object.keys(state.due).filter((event) => now >= state.due[event]!)
   * })
   * const state: Notes = { due: { ["ab".repeat(32)]: 1_000 } }
   * console.log(notes.erasures?.(state, 999).length) // 0
   * console.log(notes.erasures?.(state, 1_000).length) // 1
   * ```
   */
  erasures?(state: S, communityTime: number): ReadonlyArray<string>
}

/** Define a module, keeping its state type. */
export const make = <S extends Cbor.Value>(module: Module<S>): Module<S> => module

/**
 * Whether a warrant satisfies an event type's authority in module `module`. A community
 * decision satisfies every kind (a prime group short of seats falls back to the
 * community); a prime group's decision satisfies `prime` and `mandate` in its own module;
 * a working group's decision satisfies `mandate` (the module owning groups checks the
 * mandate itself).
 */
export const satisfies = (authority: AuthorityKind, warrant: Warrant, module: string): boolean => {
  if (authority === "anyone" || authority === "member") return true
  if (warrant._tag !== "Decision") return false
  const by = warrant.body
  if (by._tag === "Community") return true
  if (by._tag === "Prime") return by.module === module && authority !== "community"
  return authority === "mandate"
}
