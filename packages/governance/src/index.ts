/**
 * `@affinity/governance`: the governance module — making decisions: proposals and async consensus, decisions that carry actions, working groups, prime working groups drawn by lot, decision records.
 *
 * The module is a pure state machine registered with a community's replica. This release
 * defines its name and initial state; its event types arrive with their issues.
 *
 * @module
 */
import { Module } from "@affinity/core"

/** State of the governance module. */
export type State = {
  /** Protocol version of this module's state layout. */
  readonly version: number
}

/** The initial governance state of a community. */
export const init = (_genesis: Module.Genesis): State => ({ version: 1 })

/** The governance module, to register with a community: `Community.create({ modules: [Governance.module], … })`. */
export const module: Module.Module<State> = Module.make<State>({
  name: "governance",
  init,
  events: {}
})
