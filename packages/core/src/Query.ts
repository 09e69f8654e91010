/**
 * Queries between modules: how one module learns what another knows without reading its
 * state. A module declares the queries it answers (a name, an argument decoder and a pure
 * function of its state); while judging or applying an event, any module asks with
 * `ctx.ask(module, query, args)` (or {@link ask} with a typed {@link Ref}) and gets an
 * answer computed from the asked module's state at the current fold position, with the asking
 * event's context, so an answer about authority can be judged on the asking event's causal
 * past (`ctx.happenedBefore`). See `docs/protocol.md` §8, "Queries".
 *
 * Arguments and answers are plain data in Affinity's CBOR model. A query cannot emit effects
 * and cannot ask further (an `ask` inside a query answers `NestedQuery`); an unknown module or
 * query, arguments that do not decode, or a query that throws give a typed refusal, never an
 * exception.
 *
 * @module
 */
import type * as Cbor from "./Cbor.ts"
import * as Module from "./Module.ts"

/** Why a query was not answered. */
export type RefusalTag =
  /** The community runs no module of that name. */
  | "UnknownModule"
  /** The module answers no query of that name. */
  | "UnknownQuery"
  /** The arguments do not decode with the query's schema. */
  | "InvalidArgs"
  /** The answer does not decode with the asker's schema (see {@link Ref}). */
  | "InvalidAnswer"
  /** A query asked another query: queries cannot ask further. */
  | "NestedQuery"
  /** The query threw instead of answering. */
  | "QueryFailed"

/** A typed, human-readable reason a query was not answered. */
export interface Refusal {
  readonly _tag: RefusalTag
  readonly message: string
}

/** What asking a query gives: the answer, or why there is none. */
export type Answer<A = Cbor.Value> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly refusal: Refusal }

/**
 * One query a module answers. (Methods, so a module over a specific state can be registered
 * where any module is expected.)
 */
export interface Query<S> {
  /** Decode untrusted arguments; never throws. */
  decode(args: Cbor.Value): Module.Decoded
  /**
   * The answer, from the module's state at the asking event's fold position. `ctx` is the
   * asking event's context: `happenedBefore` and `statusOf` answer on its causal past; its
   * `ask` refuses (`NestedQuery`). Pure: no effects, no I/O, plain data out.
   */
  answer(state: S, args: unknown, ctx: Module.EventContext): Cbor.Value
}

/**
 * Define a query from an argument schema (any synchronous Standard Schema, as for event
 * bodies) and a pure function of the module's state.
 *
 * ```ts
 * import { Module, Query } from "@affinity/core"
 * import * as v from "valibot"
 *
 * type Badges = { readonly badges: ReadonlyArray<{ readonly member: string; readonly key: string }> }
 * const badges = Module.make<Badges>({
 *   name: "badges",
 *   init: () => ({ badges: [] }),
 *   events: {},
 *   queries: {
 *     // Whether `member` holds a badge given in the asking event's causal past.
 *     holds: Query.make<Badges, { readonly member: string }, boolean>({
 *       args: v.strictObject({ member: v.string() }),
 *       answer: (state, args, ctx) => state.badges.some((b) => b.member === args.member && ctx.happenedBefore(b.key))
 *     })
 *   }
 * })
 * console.log(badges.queries!.holds!.decode({ member: "ab" }).ok) // true
 * ```
 */
export const make = <S, A, R extends Cbor.Value>(def: {
  readonly args: Module.StandardSchemaV1<unknown, A>
  readonly answer: (state: S, args: A, ctx: Module.EventContext) => R
}): Query<S> => {
  const schema = def.args
  return {
    decode: (args) => Module.decodeWith(schema, args),
    answer: (state, args, ctx) => def.answer(state, args as A, ctx)
  }
}

/**
 * A typed reference to another module's query: its module and name, and a decoder of the
 * answer (the asked module is another package, possibly another implementation, so its answer
 * is checked, not trusted). `A` is the arguments' type.
 */
export interface Ref<A extends Cbor.Value, R> {
  readonly module: string
  readonly query: string
  /** Decode the answer; a failure is refused `InvalidAnswer`. */
  readonly answer: (value: Cbor.Value) => Module.Decoded<R>
  /** Phantom: the arguments' type. */
  readonly _args?: (args: A) => void
}

/** Make a {@link Ref}. */
export const ref = <A extends Cbor.Value, R>(
  module: string,
  query: string,
  answer: (value: Cbor.Value) => Module.Decoded<R>
): Ref<A, R> => ({ module, query, answer })

/** Ask a query through a typed {@link Ref}: the answer decoded, or why there is none. */
export const ask = <A extends Cbor.Value, R>(ctx: Module.EventContext, query: Ref<A, R>, args: A): Answer<R> => {
  const r = ctx.ask(query.module, query.query, args)
  if (!r.ok) return r
  const decoded = query.answer(r.value)
  return decoded.ok
    ? { ok: true, value: decoded.value }
    : refuse("InvalidAnswer", `${query.module}/${query.query} gave an answer of another shape: ${decoded.message}`)
}

/** Make a refusal. */
export const refuse = (tag: RefusalTag, message: string): { readonly ok: false; readonly refusal: Refusal } => ({
  ok: false,
  refusal: { _tag: tag, message }
})
