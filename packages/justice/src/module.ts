/**
 * `@affinity/justice`'s module, typed: register it with a community
 * (`Client.make({ modules: [Governance.module, Justice.module], … })`). Its event bodies are
 * typed ({@link Events}), so a client running it checks justice appends when the code is compiled.
 *
 * @module
 */
import { EventBodies } from "@affinity/core/module"
import type { Events } from "./Build.ts"
import { module as machine } from "./Machine.ts"
import type { State } from "./State.ts"

/** The justice module, to register with a community beside governance. */
export const module: EventBodies.Typed<State, "justice", Events> = EventBodies.typed<Events>()(machine, "justice")
