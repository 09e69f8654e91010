/**
 * `@affinity/governance/module`: the governance module without the binder, for code that runs
 * the state machine, builds its events and reads its records but needs no client. It imports
 * only `@affinity/core/module`, so it brings no `effect` into a bundle. Everything here is the
 * same object as in `@affinity/governance`, which adds `Binder` (the printable decision book).
 *
 * ```ts
 * import * as Governance from "@affinity/governance/module"
 *
 * const draft = Governance.close("00".repeat(32))
 * console.log(draft.module === "governance" && draft.type === "proposal.close") // true
 * console.log(Governance.module.name) // "governance"
 * ```
 *
 * @module
 */
import { EventBodies } from "@affinity/core/module"
import type { Events } from "./Build.ts"
import { module as machine } from "./Machine.ts"
import type { State } from "./State.ts"

export * as Explain from "./Explain.ts"
export * as Bodies from "./Bodies.ts"
export * as Carried from "./Carried.ts"
export {
  admit,
  amend,
  close,
  commit,
  createGroup,
  type Decided,
  decision,
  decisions,
  type Deciders,
  disbandGroup,
  type Draft,
  draw,
  type EventDraft,
  type Events,
  joinGroup,
  leaveGroup,
  propose,
  type Readable,
  type Ref,
  remove,
  renewGroup,
  resign,
  reveal,
  stance,
  withdraw
} from "./Build.ts"
export * as Lot from "./Lot.ts"
export { qualifies } from "./Machine.ts"
export * as Qualification from "./Qualification.ts"
export * as Queries from "./Queries.ts"
export * as Outcome from "./Outcome.ts"
export * as Paper from "./Paper.ts"
export * as Records from "./Records.ts"
export { communityTime, explainDraw } from "./Records.ts"
export {
  type Action,
  actionsOf,
  type Carries,
  DAY,
  type Decision,
  drawnAt,
  type Group,
  type GroupChange,
  HOUR,
  init,
  MAX_ACTIONS,
  MAX_WINDOW,
  MIN_WINDOW,
  type Onion,
  type OutcomeKind,
  PRIME_GROUPS,
  type PrimeGroup,
  primeGroups,
  type Process,
  type Proposal,
  type Reveal,
  revealCutoff,
  type Rule,
  type Scope,
  type Stance,
  type StanceKind,
  type State,
  type Status,
  type Tally,
  type Term,
  type TermGroup,
  termAt,
  termStart,
  type Version
} from "./State.ts"

/**
 * The governance module, to register with a community: `Client.make({ modules: [Governance.module], … })`.
 * Its event bodies are typed ({@link Events}): a client running it checks governance
 * appends when the code is compiled.
 */
export const module: EventBodies.Typed<State, "governance", Events> = EventBodies.typed<Events>()(machine, "governance")
