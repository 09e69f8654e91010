/**
 * The modules every community of this app runs, in one list: the browser's fold and anything
 * that must reach the same state (a benchmark checking the page's state hash, say) register
 * exactly these. Their state machines are part of the app's first load; their screens load
 * when a page of theirs opens (`screen.ts`).
 *
 * @module
 */
import * as Administration from "@affinity/administration"
import type { Module } from "@affinity/core"
import * as Defense from "@affinity/defense"
import * as Economy from "@affinity/economy"
import { Expression } from "@affinity/expression"
import * as Governance from "@affinity/governance"
import * as Justice from "@affinity/justice"

/** The modules every community of this app runs. */
export const modules: ReadonlyArray<Module.Module> = [
  Governance.module,
  Administration.module,
  Justice.module,
  Economy.module,
  Expression.module,
  Defense.module
] as ReadonlyArray<Module.Module>
