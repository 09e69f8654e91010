/**
 * `@affinity/defense/module`: the defense module without the printable page, for code that
 * runs the state machine, builds its events and reads its records but needs no client. It
 * imports only `@affinity/core/module`, so it brings no `effect` into a bundle.
 *
 * ```ts
 * import * as Defense from "@affinity/defense/module"
 *
 * const draft = Defense.freeze("admissions", "a wave of fake applications tonight")
 * console.log(draft.module === "defense" && draft.type === "freeze") // true
 * console.log(Defense.module.name) // defense
 * ```
 *
 * @module
 */
import { EventBodies } from "@affinity/core/module"
import type { Events } from "./Build.ts"
import { module as machine } from "./Machine.ts"
import type { State } from "./State.ts"

export * as Authority from "./Authority.ts"
export * as Bodies from "./Bodies.ts"
export * as Feed from "./Feed.ts"
export * as Lists from "./Lists.ts"
export * as Queries from "./Queries.ts"
export * as Records from "./Records.ts"
export * as Restrictions from "./Restrictions.ts"
export * as SafetyNumber from "./SafetyNumber.ts"
export * as SyncPolicy from "./SyncPolicy.ts"
export * as Threats from "./Threats.ts"
export {
  acceptAdvisory,
  endFreeze,
  endMandate,
  type Events,
  extendFreeze,
  freeze,
  grantMandate,
  importList,
  impose,
  lift,
  renewMandate,
  restrict,
  reviewMandate,
  setParams,
  subscribe,
  unsubscribe
} from "./Build.ts"
export { subjectOf } from "./Machine.ts"
export {
  type Call,
  CALL_WINDOW,
  type Change,
  DAY,
  DEFAULT_EXPIRY,
  defaultParams,
  EMERGENCY_KINDS,
  EMERGENCY_RESTRICTION,
  type EmergencyKind,
  type Ending,
  type FeedEntry,
  type Freeze,
  FREEZE_LENGTH,
  type FreezeScope,
  HOUR,
  init,
  type Listed,
  type Mandate,
  MAX_EXPIRY,
  MAX_FREEZE_EXTENSION,
  MAX_MANDATE,
  type Params,
  type Restriction,
  REVIEW_WINDOW,
  type ScopeKind,
  type Severity,
  type State,
  type Subject,
  type SubjectKind,
  type Subscription
} from "./State.ts"

/**
 * The defense module, to register with a community: `Client.make({ modules: [Governance.module, Defense.module], … })`.
 * Its event bodies are typed ({@link Events}).
 */
export const module: EventBodies.Typed<State, "defense", Events> = EventBodies.typed<Events>()(machine, "defense")
