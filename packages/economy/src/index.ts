/**
 * `@affinity/economy`: the economy module — managing resources: resources under stewardship, currency issuance, funding working groups, transaction records.
 *
 * The module is a pure state machine registered with a community's replica. This release
 * defines its name and initial state; its event types arrive with their issues.
 *
 * @module
 */
import { Module } from "@affinity/core/module"

/** State of the economy module. */
export type State = {
  /** Protocol version of this module's state layout. */
  readonly version: number
}

/** The initial economy state of a community. */
export const init = (_genesis: Module.Genesis): State => ({ version: 1 })

/** The economy module, to register with a community: `Community.create({ modules: [Economy.module], … })`. */
export const module: Module.Module<State> = Module.make<State>({
  name: "economy",
  init,
  events: {}
})
