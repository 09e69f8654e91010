/**
 * The expression module, typed: register it with a community and its appends are checked when
 * the code is compiled.
 *
 * @module
 */
import { EventBodies } from "@affinity/core/module"
import type { Events } from "./Build.ts"
import { module as machine } from "./Machine.ts"
import type { State } from "./State.ts"

/** The expression module, to register with a community: `Client.make({ modules: [Expression.module], … })`. */
export const module: EventBodies.Typed<State, "expression", Events> = EventBodies.typed<Events>()(machine, "expression")
