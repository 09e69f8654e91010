/**
 * `@affinity/administration`: running the community without an admin: qualifications that
 * expire, membership rules the fold enforces, fair assignment with workload caps, and
 * stewardship of shared things. The rules are in `docs/protocol.md` §14.
 *
 * Register {@link module} beside governance (`Client.make({ modules: [Governance.module,
 * Administration.module], … })`); build events with the drafts ({@link define}, {@link vouch},
 * {@link assignByLot}, {@link lend} …) and read the state with {@link Records}.
 *
 * ```ts
 * import * as Administration from "@affinity/administration"
 *
 * console.log(Administration.module.name, Object.keys(Administration.module.events).length) // administration 25
 * ```
 *
 * @module
 */
export * as Bodies from "./Bodies.ts"
export * from "./Build.ts"
export { module } from "./Machine.ts"
export * as Queries from "./Queries.ts"
export * as Records from "./Records.ts"
export * as Credential from "./Credential.ts"
export * as Binder from "./Binder.ts"
export * as Assignments from "./Assignments.ts"
export * as Membership from "./Membership.ts"
export {
  type Assignment,
  type Booking,
  type Change,
  DAY,
  DEFAULT_RULES,
  type Definition,
  type Freeze,
  type Grant,
  type GrantedBy,
  type GrantKind,
  type Holding,
  HOUR,
  holding,
  holds,
  init,
  type Invitation,
  type Lot,
  type Past,
  type Pending,
  type PoolEntry,
  type Resource,
  type ResourceChange,
  type Revocation,
  type Rules,
  type RulesChange,
  type State,
  type Steward,
  type Suspension
} from "./State.ts"
