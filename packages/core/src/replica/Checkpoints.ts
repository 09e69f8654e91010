/**
 * Checkpoints of a fold (`docs/protocol.md` §10.1): the states after a replica's first
 * delivered events, what makes one usable again, and how its states are read back.
 *
 * @module
 */
import * as Bytes from "../Bytes.ts"
import * as Cbor from "../Cbor.ts"
import { sha256 } from "../Hash.ts"
import type { Log } from "../Log.ts"
import type { States } from "./Folding.ts"
import { APPLIED, type Outcome } from "./Outcome.ts"

/**
 * The fold of a replica's first `size` delivered events, as plain data: what a local
 * checkpoint stores so that reopening folds only the events delivered after it.
 */
export interface Checkpoint {
  /** Delivered events covered: indexes `0 … size - 1`, in delivery order. */
  readonly size: number
  /** `Log.digest(size)`: identifies those events and their delivery order. */
  readonly digest: Uint8Array
  /** `Log.ids(size)`: those events' ids, 32 bytes each, in delivery order. */
  readonly ids: Uint8Array
  /** Module names, sorted, `core` included. */
  readonly modules: ReadonlyArray<string>
  /** Canonical CBOR of the map of module states after folding those events. */
  readonly states: Uint8Array
  /** SHA-256 of `states`: the replica's state hash at that point. */
  readonly stateHash: Uint8Array
  /** Outcome of every covered event that is not a plain application without actions, by index. */
  readonly outcomes: ReadonlyArray<readonly [number, Outcome]>
}

/** What {@link Replica.resume} did with a checkpoint. */
export type Resumed =
  | { readonly _tag: "FromCheckpoint"; readonly position: number }
  | { readonly _tag: "FromGenesis"; readonly reason: string }

/** The checkpoint of every delivered event of `log`, folded into `states` with these outcomes. */
export const take = (
  log: Log,
  moduleNames: ReadonlyArray<string>,
  states: States,
  outcomes: ReadonlyArray<Outcome>,
  encode: (states: States) => Uint8Array = Cbor.encode
): Checkpoint => {
  const size = log.size
  const kept: Array<readonly [number, Outcome]> = []
  for (let i = 0; i < size; i++) {
    const o = outcomes[i]!
    if (o !== APPLIED && !(o._tag === "Applied" && o.actions.length === 0)) kept.push([i, o])
  }
  const encoded = encode(states)
  return { size, digest: log.digest(size), ids: log.ids(size), modules: moduleNames, states: encoded, stateHash: sha256(encoded), outcomes: kept }
}

/**
 * Why the checkpoint cannot match this log (its states aside), or `undefined`. `mark` is the
 * log size at which the records the checkpoint covers were loaded.
 */
export const unusable = (log: Log, moduleNames: ReadonlyArray<string>, checkpoint: Checkpoint, mark: number | undefined): string | undefined => {
  if (mark !== checkpoint.size) return "the stored records do not line up with the checkpoint"
  if (!Number.isSafeInteger(checkpoint.size) || checkpoint.size < 1 || checkpoint.size > log.size)
    return `the checkpoint covers ${checkpoint.size} events; the log holds ${log.size}`
  if (checkpoint.modules.length !== moduleNames.length || checkpoint.modules.some((m, k) => m !== moduleNames[k]))
    return `the checkpoint was written with modules ${checkpoint.modules.join(", ")}, not ${moduleNames.join(", ")}`
  if (!Bytes.equals(log.digest(checkpoint.size), checkpoint.digest)) return "the checkpoint was taken over other events than the first ones of this log"
  for (const [i] of checkpoint.outcomes) if (!Number.isSafeInteger(i) || i < 0 || i >= checkpoint.size) return "the checkpoint names an outcome outside it"
  return undefined
}

/** A checkpoint's states, decoded, when they are those of these modules; else why not. */
export const decodeStates = (bytes: Uint8Array, moduleNames: ReadonlyArray<string>): States | string => {
  const decoded = Cbor.decode(bytes)
  if (!decoded.ok) return `the checkpoint's states do not decode: ${decoded.issue.message}`
  const value = decoded.value
  if (value === null || typeof value !== "object" || Array.isArray(value) || value instanceof Uint8Array)
    return "the checkpoint's states are not a map of module states"
  const states = value as States
  const names = Object.keys(states).sort()
  if (names.length !== moduleNames.length || names.some((m, k) => m !== moduleNames[k])) return "the checkpoint's states are not those of this replica's modules"
  return states
}
