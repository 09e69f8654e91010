/**
 * The modules every community opened by the CLI runs, beside `core`: the same as the web
 * app's, so a community shared with it reaches the same state on both. A module's commands
 * (administration, justice, …) come with its module: add the module here and its commands
 * to `commands/index.ts`.
 *
 * @module
 */
import type { Module } from "@affinity/core"
import * as Administration from "@affinity/administration"
import * as Defense from "@affinity/defense"
import * as Economy from "@affinity/economy"
import * as Expression from "@affinity/expression"
import * as Governance from "@affinity/governance"
import * as Justice from "@affinity/justice"

/** The modules of every community the CLI opens. */
export const modules: ReadonlyArray<Module.Module> = [
  Governance.module,
  Administration.module,
  Justice.module,
  Economy.module,
  Expression.module,
  Defense.module
]

/** Each module's section of the binder, in the order the binder prints them, bound to a community's states. */
export const binderSections = (state: (module: string) => unknown): ReadonlyArray<Governance.Binder.Part> => [
  Governance.Binder.section(Administration.Binder.binderSection, state("administration") as Administration.State),
  Governance.Binder.section(Justice.Binder.binderSection, state("justice") as Justice.State),
  Governance.Binder.section(Economy.binderSection, state("economy") as Economy.State),
  Governance.Binder.section(Expression.Binder.binderSection, state("expression") as Expression.State),
  Governance.Binder.section(Defense.Binder.binderSection, state("defense") as Defense.State)
]
