/**
 * What the CLI reads from a community's replica (`handle.community.replica`), because the
 * Promise API of `@affinity/core` does not offer it: community time, what became of an
 * event, the time and body of an event, and the time this device last claimed. Kept in
 * this one file, so that each read can move to the Promise API when it offers it.
 *
 * @module
 */
import { type Cbor, type Client, Event, type Replica } from "@affinity/core"
import * as Governance from "@affinity/governance"

/** Community time as an event appended now would see it (`docs/protocol.md` §6). */
export const communityTime = (handle: Client.CommunityHandle): number => Governance.communityTime(handle.community.replica)

/** What the fold made of the event with that key (for a close: whether its decision's action applied). */
export const outcome = (handle: Client.CommunityHandle, key: string): Replica.Outcome | undefined => handle.community.replica.outcome(key)

/** Community time at the delivered event with that key, or `undefined` if it is not delivered. */
export const timeOf = (handle: Client.CommunityHandle, key: string): number | undefined => {
  const replica = handle.community.replica
  const i = replica.log.index.get(key)
  return i === undefined ? undefined : replica.communityTimeAt(i)
}

/** The body of the delivered event with that key, or `undefined`. */
export const bodyOf = (handle: Client.CommunityHandle, key: string): Cbor.Value | undefined => {
  const replica = handle.community.replica
  const i = replica.log.index.get(key)
  const bytes = i === undefined ? undefined : replica.log.bytes[i]
  if (bytes === undefined) return undefined
  const decoded = Event.decode(bytes)
  return decoded.ok ? decoded.event.body : undefined
}

/**
 * The delivered `core/member.profile` events signed by any of `devices` whose payload (the
 * profile) this replica still holds, in delivery order, each with its header bytes (what a
 * `core/payload.erase` names).
 */
export const profilesBy = (
  handle: Client.CommunityHandle,
  devices: ReadonlySet<string>
): ReadonlyArray<{ readonly key: string; readonly header: Uint8Array }> => {
  const log = handle.community.replica.log
  const found: Array<{ readonly key: string; readonly header: Uint8Array }> = []
  for (let i = 0; i < log.size; i++) {
    if (!devices.has(log.author[i]!)) continue
    const decoded = Event.decode(log.bytes[i]!)
    if (!decoded.ok || decoded.event.header.module !== "core" || decoded.event.header.type !== "member.profile") continue
    if (handle.payload(decoded.event.key) === undefined) continue
    found.push({ key: decoded.event.key, header: decoded.event.headerBytes.slice() })
  }
  return found
}

/** The time claimed by the latest event this device key signed, or `undefined` if it signed none. */
export const lastClaim = (handle: Client.CommunityHandle, device: string): number | undefined => {
  const replica = handle.community.replica
  const tip = replica.log.tip(device)
  return tip === undefined ? undefined : replica.log.time[tip.index]
}
