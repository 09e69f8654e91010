/**
 * Typed event bodies: which body each event type of a module takes, so that appending
 * through a `Client` checks the module, the type and the body when the code is compiled. A
 * misspelt module or type, or a body of the wrong shape, is a type error instead of a
 * rejection at run time.
 *
 * A module declares its bodies with {@link typed}; a client made with typed modules knows
 * every body its communities accept (`core`'s always, {@link Core}). A module name or type
 * held in a variable of type `string` is checked at run time only, as before, so code
 * that builds events from data (a form, a bridge, a script) keeps working.
 *
 * ```ts
 * import { Client, EventBodies, Module, Storage } from "@affinity/core"
 * import * as v from "valibot"
 *
 * type Notes = { readonly count: number }
 * const Post = v.strictObject({ text: v.pipe(v.string(), v.maxLength(280)) })
 * type Post = v.InferOutput<typeof Post>
 *
 * const notes = EventBodies.typed<{ readonly post: Post }>()(
 *   Module.make<Notes>({
 *     name: "notes",
 *     init: () => ({ count: 0 }),
 *     events: { post: Module.eventType<Notes, Post>({ body: Post, authority: "member", apply: (state) => ({ count: state.count + 1 }) }) }
 *   }),
 *   "notes"
 * )
 *
 * const client = await Client.make({ storage: Storage.layerMemory, modules: [notes] })
 * const me = await client.generateKey()
 * const board = await client.create({ name: "Notice board", author: me })
 * const posted = await board.append(me, "notes", "post", { text: "Seed swap on Sunday" })
 * console.log(posted.outcome._tag) // "Applied"
 * // board.append(me, "notes", "pots", { text: "…" })  is a type error: notes has no event type "pots"
 * // board.append(me, "notes", "post", { txt: "…" })   is a type error: a post's body has "text"
 * const kind: string = "post"
 * const later = await board.append(me, "notes", kind, { text: "a string variable is checked when it runs" })
 * console.log(later.outcome._tag) // "Applied"
 * await client.close()
 * ```
 *
 * @module
 */
import type * as Cbor from "./Cbor.ts"
import type * as Module from "./Module.ts"

/** The body each event type of one module takes, by type name. */
export type ByType = { readonly [type: string]: Cbor.Value }

/** The bodies of a client's modules: by module name, then by type. */
export type Registry = { readonly [module: string]: ByType }

/** What a registry knows when it knows nothing: any module, any type, any CBOR body (checked at run time). */
export type Dynamic = { readonly [module: string]: { readonly [type: string]: Cbor.Value } }

/**
 * The bodies of the `core` module's event types (decoded by the schemas of `CoreEvents`);
 * a genesis is written by `create`, not appended.
 */
export type Core = {
  /** A key asks to join; it becomes an applicant identity. `seal`: its sealing key (`Seal.publicKey`), when it publishes it now. */
  readonly "member.apply": { readonly note: string; readonly seal?: Uint8Array }
  /** The author's identity leaves. */
  readonly "member.leave": { readonly note: string }
  /** The author says who they are; the profile travels as the payload (`Names.encodeProfile`). */
  readonly "member.profile": Record<string, never>
  /** Make an applicant a full member (a community decision's action). */
  readonly "member.admit": { readonly identity: Uint8Array }
  /** End an identity's membership (a community decision's action). */
  readonly "member.remove": { readonly identity: Uint8Array; readonly reason: string }
  /** Change community parameters from this decision on (a community decision's action; the prime term from the next term). */
  readonly "community.params": {
    readonly timeWitnesses?: number
    readonly primeSize?: number
    readonly primeTerm?: number
    readonly quorumPercent?: number
    readonly futureTolerance?: number
  }
  /**
   * The author's identity gains a device key; `consent` is from `client.deviceConsent`, or the
   * whole body, with the new device's sealing key `seal`, from `client.deviceAddition`.
   */
  readonly "device.add": { readonly device: Uint8Array; readonly consent: Uint8Array; readonly seal?: Uint8Array }
  /** The author device publishes its sealing key (`Seal.publicKey`); `community.publishSealingKey` appends it. */
  readonly "device.seal": { readonly key: Uint8Array }
  /** One of the identity's device keys stops counting. */
  readonly "device.revoke": { readonly device: Uint8Array }
  /** Two signed events by one key with one sequence number, as wire bytes. */
  readonly equivocation: { readonly a: Uint8Array; readonly b: Uint8Array }
  /**
   * Erase the payload of an earlier event: `header` is that event's header bytes
   * (`Event.headerBytes`). Signed by the event's author (`community.erasePayload`), or a
   * community decision's action.
   */
  readonly "payload.erase": { readonly header: Uint8Array }
  /** A time witness: an empty body. */
  readonly tick: { readonly [key: string]: never }
}

/**
 * A module whose name and event bodies the type checker knows. The bodies are a type only:
 * `"~bodies"` is never set at run time.
 */
export interface Typed<S extends Cbor.Value, N extends string, E extends ByType> extends Module.Module<S> {
  readonly name: N
  /** The body each event type takes, for the type checker; absent at run time. */
  readonly "~bodies"?: E
}

/**
 * Declare the bodies of a module's event types: `typed<Bodies>()(module, name)` returns the
 * same module object, typed. `name` must be the module's name (a `TypeError` otherwise);
 * it is given again so that the type checker knows it as a literal.
 *
 * ```ts
 * import { EventBodies, Module } from "@affinity/core"
 * import * as v from "valibot"
 *
 * const Add = v.strictObject({ by: v.pipe(v.number(), v.safeInteger()) })
 * type Add = v.InferOutput<typeof Add>
 * const counter = Module.make<number>({
 *   name: "counter",
 *   init: () => 0,
 *   events: { add: Module.eventType<number, Add>({ body: Add, authority: "member", apply: (n, body) => n + body.by }) }
 * })
 * const typedCounter = EventBodies.typed<{ readonly add: Add }>()(counter, "counter")
 * console.log(typedCounter === counter) // true
 * ```
 */
export const typed =
  <E extends ByType>() =>
  <S extends Cbor.Value, const N extends string>(module: Module.Module<S>, name: N): Typed<S, N, E> => {
    if (module.name !== name) throw new TypeError(`the module is named ${JSON.stringify(module.name)}, not ${JSON.stringify(name)}`)
    return module as Typed<S, N, E>
  }

/** The name of a module as the type checker knows it (`string` when it is not a literal). */
export type NameOf<M> = M extends { readonly name: infer N extends string } ? N : string

/** The bodies a module declares ({@link Typed}), or any body for every type when it declares none. */
export type BodiesOf<M> = M extends { readonly "~bodies"?: infer E } ? (E extends ByType ? E : Dynamic[string]) : Dynamic[string]

/**
 * The registry of a client running `Ms` besides `core`. When one of them has a name the
 * type checker does not know as a literal, every append is checked at run time only
 * ({@link Dynamic}).
 */
export type Of<Ms extends ReadonlyArray<Module.Module>> = string extends NameOf<Ms[number]>
  ? Dynamic
  : { readonly [K in "core" | NameOf<Ms[number]>]: K extends "core" ? Core : BodiesOf<Extract<Ms[number], { readonly name: K }>> }

/**
 * The module parameter of a typed append: a module the registry names, or any `string`
 * value (checked at run time). A literal the registry does not name is a type error that
 * lists the names it does.
 */
export type ModuleName<R extends Registry, M extends string> = string extends M ? M : M extends keyof R ? M : keyof R & string

/** The type parameter of a typed append: one of the module's event types, or any `string` value. */
export type TypeName<R extends Registry, M extends string, T extends string> = string extends M
  ? T
  : string extends T
    ? T
    : M extends keyof R
      ? T extends keyof R[M]
        ? T
        : keyof R[M] & string
      : T

/** The body a typed append takes for module `M` and type `T`: the declared one, else any CBOR value. */
export type BodyOf<R extends Registry, M extends string, T extends string> = string extends M
  ? Cbor.Value
  : string extends T
    ? Cbor.Value
    : M extends keyof R
      ? T extends keyof R[M]
        ? R[M][T]
        : Cbor.Value
      : Cbor.Value

/**
 * An event to append, as a value: module, type and body (`community.append(device, draft)`).
 * With no parameters it is any event; builders such as governance's return it narrowed to
 * their module, type and body.
 */
export type Draft<M extends string = string, T extends string = string, B extends Cbor.Value = Cbor.Value> = {
  readonly module: M
  readonly type: T
  readonly body: B
}
