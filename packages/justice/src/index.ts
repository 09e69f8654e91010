/**
 * `@affinity/justice`: the justice module — addressing grievances and managing conflict: cases
 * whose words stay sealed to the people in them, repair (pre-circle, circle, agreed actions,
 * post-circle) started only with the parties' consent, reviews decided by the community or the
 * justice prime group, restrictions that are scoped, always expire and are enforced by the
 * kernel's standing gate in every module, appeals heard by a panel drawn by lot that excludes
 * whoever decided, and the public record of it all. The rules are in `docs/protocol.md` §15.
 *
 * ```ts
 * import * as Justice from "@affinity/justice"
 *
 * console.log(Justice.module.name) // justice
 * console.log(Justice.module.events["case.decide"]!.authority) // prime
 * ```
 *
 * @module
 */
export * as Ask from "./Ask.ts"
export * as Binder from "./Binder.ts"
export * as Bodies from "./Bodies.ts"
export type { CaseKind, Option, ScopeBody, Weight } from "./Bodies.ts"
export { OPTIONS } from "./Bodies.ts"
export {
  accept,
  agree,
  appeal,
  appealStance,
  check,
  consent,
  decide,
  type EventDraft,
  type Events,
  file,
  fork,
  lift,
  met,
  open,
  params,
  type Ref,
  renew,
  speak,
  vote,
  withdraw
} from "./Build.ts"
export * as Fork from "./Fork.ts"
export { tallyAt } from "./Machine.ts"
export { module } from "./module.ts"
export * as Page from "./Page.ts"
export * as Panel from "./Panel.ts"
export * as Queries from "./Queries.ts"
export * as Records from "./Records.ts"
export * as Restrictions from "./Restrictions.ts"
export {
  type Agreement,
  type Appeal,
  type Case,
  type CaseDecision,
  DAY,
  type DecidedBy,
  defaultParams,
  expiry,
  handlers,
  HOUR,
  inForce,
  init,
  type LadderStep,
  type Params,
  parties,
  readers,
  type Repair,
  type Restriction,
  type Rung,
  RUNGS,
  rungOf,
  type State,
  type Step,
  subjectOf,
  type Vote
} from "./State.ts"
export * as Tally from "./Tally.ts"
