/**
 * `@affinity/governance`: the governance module — making decisions: proposals and async
 * consensus, decisions that carry actions, working groups, prime working groups drawn by lot,
 * decision records.
 *
 * Register {@link module} with a client (`Client.make({ modules: [Governance.module], … })`);
 * build event bodies with the helpers ({@link propose}, {@link stance}, {@link close} …),
 * typed by {@link Events}; read decisions and what became of their actions with
 * {@link decision}, and the state with {@link Records}. The rules are written down in
 * `docs/protocol.md`, §12.
 *
 * ```ts
 * import * as Governance from "@affinity/governance"
 *
 * const draft = Governance.propose({ title: "Weekly meeting on Thursdays", deadline: 1_700_000_000_000 + 3 * Governance.DAY })
 * console.log(draft.module === "governance" && draft.type === "proposal.open") // true
 * ```
 *
 * @module
 */
import { EventBodies } from "@affinity/core"
import type { Events } from "./Build.ts"
import { module as machine } from "./Machine.ts"
import type { State } from "./State.ts"

export * as Binder from "./Binder.ts"
export * as Explain from "./Explain.ts"
export * as Bodies from "./Bodies.ts"
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
export * as Outcome from "./Outcome.ts"
export * as Records from "./Records.ts"
export { communityTime, explainDraw } from "./Records.ts"
export {
  type Action,
  DAY,
  type Decision,
  drawnAt,
  type Group,
  type GroupChange,
  HOUR,
  init,
  MAX_WINDOW,
  MIN_WINDOW,
  type Onion,
  type OutcomeKind,
  PRIME_GROUPS,
  type PrimeGroup,
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
