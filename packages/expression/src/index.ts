/**
 * `@affinity/expression`: communication and public image. Channels (community-wide, working
 * groups', private and direct) with replies, edits and deletions; end-to-end encrypted private
 * spaces whose key rotates when members leave; a public page anyone can host and verify;
 * emergency alerts that escalate once enough members confirm; a phone tree printed on one page;
 * records of communications whose words are erasable while their metadata stays verifiable.
 * The protocol is `docs/protocol.md` §17.
 *
 * ```ts
 * import { Expression } from "@affinity/expression"
 *
 * console.log(Expression.module.name) // expression
 * console.log(Object.keys(Expression.module.events).length) // 23
 * ```
 *
 * @module
 */
export * as Binder from "./Binder.ts"
export * as Bodies from "./Bodies.ts"
export * as Epoch from "./Epoch.ts"
export * as Expression from "./Expression.ts"
export * as Page from "./Page.ts"
export * as Queries from "./Queries.ts"
export * as Records from "./Records.ts"
export * as Retention from "./Retention.ts"
export * as Tree from "./Tree.ts"
export * as Views from "./Views.ts"
export { module } from "./module.ts"
export type { State } from "./State.ts"
