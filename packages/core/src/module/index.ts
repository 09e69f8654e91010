/**
 * `@affinity/core/module`: the module contract and nothing else, for module packages. A
 * module is a pure state machine; it needs the contract ({@link Module}, {@link Query}), the
 * CBOR value model and its canonical encoding ({@link Cbor}), bytes and hashes ({@link Bytes},
 * {@link Hash}), body decoding ({@link Body}), typed bodies ({@link EventBodies}) and, for a
 * module that keeps restrictions, {@link Standing}; for a signature carried in a body,
 * {@link Signature}; to show members and keys by name or label, {@link Names}. This
 * entry gives exactly those, without the services, the log or `effect`, so a module adds
 * little to a bundle. Everything here is the same object as in `@affinity/core`.
 *
 * ```ts
 * import { Body, Module } from "@affinity/core/module"
 *
 * type Notes = { readonly count: number }
 * const Post = Body.strict({ text: Body.text(1, 280) })
 *
 * const notes = Module.make<Notes>({
 *   name: "notes",
 *   init: () => ({ count: 0 }),
 *   events: {
 *     post: Module.eventType<Notes, Body.Infer<typeof Post>>({ body: Post, authority: "member", apply: (state) => ({ count: state.count + 1 }) })
 *   }
 * })
 * console.log(notes.events.post!.decode({ text: "hello" }).ok) // true
 * ```
 *
 * @module
 */
export * as Body from "../Body.ts"
export * as Bytes from "../Bytes.ts"
export * as Cbor from "../Cbor.ts"
export * as EventBodies from "../EventBodies.ts"
export * as Hash from "../Hash.ts"
export * as Module from "../Module.ts"
export * as Names from "../Names.ts"
export * as Query from "../Query.ts"
export * as Signature from "../Signature.ts"
export * as Standing from "../Standing.ts"
