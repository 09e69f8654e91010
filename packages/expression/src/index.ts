/**
 * `@affinity/expression`: the expression module — communication and public image: the public page, chat, community-wide channels, emergency contact, records of communications.
 *
 * The module is a pure state machine registered with a community's replica. This release
 * defines its name and initial state; its event types arrive with their issues.
 *
 * @module
 */
import { Module } from "@affinity/core/module"

/** State of the expression module. */
export type State = {
  /** Protocol version of this module's state layout. */
  readonly version: number
}

/** The initial expression state of a community. */
export const init = (_genesis: Module.Genesis): State => ({ version: 1 })

/** The expression module, to register with a community: `Community.create({ modules: [Expression.module], … })`. */
export const module: Module.Module<State> = Module.make<State>({
  name: "expression",
  init,
  events: {}
})
