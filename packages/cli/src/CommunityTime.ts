/**
 * Community time in a member's hands. Deadlines pass by community time, which moves only
 * with the claimed times of full members' events (`docs/protocol.md` §6): one member's
 * clock is enough while the community has one or two full members; from three on it takes
 * the clocks of at least two. A member's device says what time it is by writing an event;
 * a `core/tick` does only that (a **time witness**).
 *
 * Like the web app, the CLI writes one when it is useful: when this device acts for a full
 * member, a deadline (an open proposal's, or the start of the next term) has passed on its
 * clock but not in community time, and its latest event claims an earlier time.
 *
 * @module
 */
import * as Governance from "@affinity/governance"
import type { Membership } from "@affinity/core"
import * as Reads from "./Reads.ts"
import { fullMembers, isFull, type Room } from "./Session.ts"

/** How many full members' clocks community time needs, `w(n)` (`docs/protocol.md` §6). */
export const witnessesNeeded = (core: Membership.State): number => {
  const n = fullMembers(core).length
  return n <= 2 ? 1 : Math.min(Math.max(core.community.params.timeWitnesses, 2), n - 1)
}

/** In words, after "community time": what moves it in this community (`moves with the clock of …`). */
export const whoMovesTime = (core: Membership.State): string => {
  const w = witnessesNeeded(core)
  return w === 1
    ? "moves with the clock of any full member while there are one or two"
    : `moves when the devices of ${w} full members say the time has come, so no single member moves it`
}

/** Deadlines that have passed on this device's clock but not yet in community time, earliest first. */
export const due = (room: Room): ReadonlyArray<number> => {
  const gov = room.gov()
  const params = room.core().community.params
  const ct = room.communityTime()
  const now = room.ctx.now()
  const deadlines = [...Governance.Records.open(gov).map((p) => p.deadline), Governance.termStart(gov, params, gov.lastTerm + 1)]
  return deadlines.filter((d) => d <= now && d > ct).sort((a, b) => a - b)
}

/**
 * Write a time witness (`core/tick`) when one is useful (see the module documentation);
 * resolves to whether it did.
 */
export const attestIfDue = async (room: Room): Promise<boolean> => {
  const me = room.me()
  if (me === undefined || room.key === undefined || !isFull(room.core(), me)) return false
  const deadlines = due(room)
  if (deadlines.length === 0) return false
  const last = Reads.lastClaim(room.handle, room.key.id)
  if (last !== undefined && last >= deadlines[deadlines.length - 1]!) return false
  await room.append({ module: "core", type: "tick", body: {} }, "Your time witness")
  return true
}
