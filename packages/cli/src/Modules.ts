/**
 * The modules every community opened by the CLI runs, beside `core`: the same as the web
 * app's, so a community shared with it reaches the same state on both. A module's commands
 * (administration, justice, …) come with its module: add the module here and its commands
 * to `commands/index.ts`.
 *
 * @module
 */
import type { Module } from "@affinity/core"
import * as Governance from "@affinity/governance"

/** The modules of every community the CLI opens. */
export const modules: ReadonlyArray<Module.Module> = [Governance.module]
