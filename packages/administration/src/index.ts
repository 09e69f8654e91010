/**
 * `@affinity/administration`: the administration module — running the community: qualifications, assignments to working groups, membership rules, stewardship records.
 *
 * The module is a pure state machine registered with a community's replica. This release
 * defines its name and initial state; its event types arrive with their issues.
 *
 * @module
 */
import { Module } from "@affinity/core/module"

/** State of the administration module. */
export type State = {
  /** Protocol version of this module's state layout. */
  readonly version: number
}

/** The initial administration state of a community. */
export const init = (_genesis: Module.Genesis): State => ({ version: 1 })

/** The administration module, to register with a community: `Community.create({ modules: [Administration.module], … })`. */
export const module: Module.Module<State> = Module.make<State>({
  name: "administration",
  init,
  events: {}
})
