/**
 * `@affinity/defense`: the defense module — responding to external threats: external restrictions, defensive working groups, key-compromise response.
 *
 * The module is a pure state machine registered with a community's replica. This release
 * defines its name and initial state; its event types arrive with their issues.
 *
 * @module
 */
import { Module } from "@affinity/core/module"

/** State of the defense module. */
export type State = {
  /** Protocol version of this module's state layout. */
  readonly version: number
}

/** The initial defense state of a community. */
export const init = (_genesis: Module.Genesis): State => ({ version: 1 })

/** The defense module, to register with a community: `Community.create({ modules: [Defense.module], … })`. */
export const module: Module.Module<State> = Module.make<State>({
  name: "defense",
  init,
  events: {}
})
