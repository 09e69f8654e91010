/**
 * Key epochs of private channels (`docs/protocol.md` §17, X5). An epoch is a deterministic
 * function of what the fold knows: the channel, its member set and the rotations asked for.
 * Every replica holding the same events computes the same epoch, whatever order they came in,
 * and concurrent membership changes converge on one epoch once both are seen: the epoch of the
 * union of what happened. No orderer chooses among competing commits, because there are none:
 * a key event only supplies the key of an epoch the fold already named.
 *
 * ```ts
 * import { Epoch } from "@affinity/expression"
 *
 * const channel = "0c".repeat(32)
 * const a = Epoch.of(channel, ["0b".repeat(32), "0a".repeat(32)], [])
 * const b = Epoch.of(channel, ["0a".repeat(32), "0b".repeat(32)], [])
 * console.log(a === b, a.length) // true 64
 * console.log(a !== Epoch.of(channel, ["0a".repeat(32)], [])) // true
 * ```
 *
 * @module
 */
import { Bytes, Cbor, Hash, type Module } from "@affinity/core/module"
import { type Channel, membersAt, membersNow, seen } from "./State.ts"

/**
 * The epoch (hex) of a channel whose members are `members` and whose rotations are the events
 * `rotations` (keys): `hex(SHA-256(canonical CBOR { channel, members, rotations }))`, both lists
 * sorted and without repeats.
 */
export const of = (channel: string, members: ReadonlyArray<string>, rotations: ReadonlyArray<string>): string =>
  Bytes.toHex(
    Hash.sha256(Cbor.encodeTrusted({ channel, members: [...new Set(members)].sort(), rotations: [...new Set(rotations)].sort() }))
  )

/**
 * The epoch of a private channel in the causal past of the event `ctx` judges. When every
 * change of the channel's frontier is in that past, every change is, and the epoch is the
 * channel's epoch in the fold (the changes in an event's past are among those folded before it).
 */
export const at = (channel: Channel, ctx: Module.EventContext): string =>
  channel.epoch !== null && channel.frontier.every((k) => seen(ctx, k))
    ? channel.epoch
    : of(channel.id, membersAt(channel, ctx), channel.rotations.filter((r) => seen(ctx, r)))

/** The epoch of a private channel now, in the fold. */
export const now = (channel: Channel): string => of(channel.id, membersNow(channel), channel.rotations)
