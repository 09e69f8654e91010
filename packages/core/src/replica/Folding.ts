/**
 * What a fold step works on: the module states the fold is at, the modules that make them,
 * and the log and clock that answer about the causal past.
 *
 * @module
 */
import type * as Cbor from "../Cbor.ts"
import type { Log } from "../Log.ts"
import type * as Membership from "../Membership.ts"
import type * as Module from "../Module.ts"
import type { CommunityClock } from "./CommunityClock.ts"
import type { Removals } from "./Removals.ts"

/** Every module's state, by module name (`core` included). */
export type States = Record<string, Cbor.Value>

/** The state of a fold as its steps see it; a step replaces `states` as it applies. */
export interface Folding {
  readonly log: Log
  readonly clock: CommunityClock
  /** The modules, by name, `core` included. */
  readonly modules: ReadonlyMap<string, Module.Module<Cbor.Value>>
  /** The modules with a prime working group, sorted (`Module.primeModules` of `modules`): what every step's context answers. */
  readonly primeModules: ReadonlyArray<string>
  /** Removals and restrictions in force as strong facts. */
  readonly removals: Removals
  /** The module states the fold is at. */
  states: States
}

/** The membership state a fold is at. */
export const coreOf = (folding: Folding): Membership.State => folding.states["core"] as Membership.State
