/**
 * What the parts of a log say to their callers: verdicts, fork proofs, limits, and the key
 * registry's answers. `Log` exports them all.
 *
 * @module
 */
import type { Rejection } from "../Module.ts"

/** What the log says about one event given to it. */
export type Verdict =
  | { readonly _tag: "Valid"; readonly key: string }
  | { readonly _tag: "Duplicate"; readonly key: string }
  | { readonly _tag: "Pending"; readonly key: string; readonly missing: ReadonlyArray<string> }
  | { readonly _tag: "Invalid"; readonly key: string | null; readonly reason: Rejection }

/** Two signed events by one author with one sequence number: proof the author forked its chain. */
export interface EquivocationProof {
  readonly author: string
  readonly seq: number
  /** The two events' stored bytes (without any payload), ordered by id. */
  readonly a: Uint8Array
  readonly b: Uint8Array
}

/** Limits on what the log holds for events whose parents have not arrived. */
export interface LogLimits {
  /** Most events waiting for parents. */
  readonly maxPending: number
  /** Most bytes of events waiting for parents. */
  readonly maxPendingBytes: number
}

/** Defaults: 10,000 waiting events, 16 MiB. */
export const defaultLimits: LogLimits = { maxPending: 10_000, maxPendingBytes: 16 * 1024 * 1024 }

/**
 * What the key registry makes of a `core/device.add`, `device.revoke` or `member.leave`
 * event, judged on the whole log (`docs/protocol.md` §5, §9): the key it adds or revokes
 * (none for a departure), and `counts`, the identity of the fact it states when that fact
 * counts (the key's counting addition, a revocation or a departure that counts), else
 * `undefined`.
 */
export interface Claim {
  readonly kind: "add" | "revoke" | "leave"
  readonly device: string | undefined
  readonly counts: string | undefined
}

/**
 * Whether a device key acts for an identity at an event, and if not, why
 * (`docs/protocol.md` §5):
 *
 * - `Acts`: it acts for `identity`.
 * - `Revoked`: a revocation of the key that counts had not seen the event.
 * - `Left`: a departure of its identity that counts had not seen the event.
 * - `NotAdded`: the key was added in the event's past, but by no addition that took effect
 *   (the adding event did not count: its signer was revoked, had left or forked its chain),
 *   or another addition of it comes first.
 * - `Unknown`: no addition of the key is in the event's past.
 */
export type Standing =
  | { readonly _tag: "Acts"; readonly identity: string }
  | { readonly _tag: "Revoked" }
  | { readonly _tag: "Left"; readonly identity: string }
  | { readonly _tag: "NotAdded" }
  | { readonly _tag: "Unknown" }
