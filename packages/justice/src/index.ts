/**
 * `@affinity/justice`: the justice module — addressing grievances: the grievance process, reconciliation and repair, restriction of membership privileges, records of decisions and restrictions.
 *
 * The module is a pure state machine registered with a community's replica. This release
 * defines its name and initial state; its event types arrive with their issues.
 *
 * @module
 */
import { Module } from "@affinity/core/module"

/** State of the justice module. */
export type State = {
  /** Protocol version of this module's state layout. */
  readonly version: number
}

/** The initial justice state of a community. */
export const init = (_genesis: Module.Genesis): State => ({ version: 1 })

/** The justice module, to register with a community: `Community.create({ modules: [Justice.module], … })`. */
export const module: Module.Module<State> = Module.make<State>({
  name: "justice",
  init,
  events: {}
})
