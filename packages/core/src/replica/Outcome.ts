/**
 * What became of a delivered event in the fold, and of each action it carried.
 *
 * @module
 */
import type * as Module from "../Module.ts"

/** What became of a delivered event in the fold. */
export type Outcome =
  | { readonly _tag: "Applied"; readonly actions: ReadonlyArray<ActionOutcome> }
  | { readonly _tag: "Rejected"; readonly reason: Module.Rejection }

/** What became of one action an event carried (a decision's payload). */
export type ActionOutcome =
  | { readonly _tag: "Applied"; readonly module: string; readonly type: string }
  | { readonly _tag: "Failed"; readonly module: string; readonly type: string; readonly reason: Module.Rejection }

/** The outcome of every event applied without actions (shared: outcomes are read-only). */
export const APPLIED: Outcome = Object.freeze({ _tag: "Applied", actions: Object.freeze([]) })

/** A rejected event's outcome. */
export const rejected = (tag: string, message: string): Outcome => ({ _tag: "Rejected", reason: { _tag: tag, message } })

/** A step or action that failed, with its reason. */
export const failed = (tag: string, message: string) => ({ _tag: "Failed" as const, reason: { _tag: tag, message } })

/** Whether an event took effect (the genesis always does). */
export const applied = (i: number, o: Outcome | undefined): boolean => i === 0 || (o !== undefined && o._tag === "Applied")
