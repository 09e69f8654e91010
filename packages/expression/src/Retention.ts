/**
 * Retention: a channel's rule (set by decision) that message bodies count as erased `days`
 * after they were written. It is judged on community time, which every replica computes the
 * same from the same events, so every replica treats the same bodies as erased; readers and
 * records never show them, and {@link due} lists the events whose payloads every replica
 * drops: it is the module's `erasures` (`docs/protocol.md` §3a, §17 X4), which the host asks
 * after each fold at the community time of its heads, then drops those payloads from memory
 * and storage and never sends them again, as it does for an erased payload.
 *
 * ```ts
 * import { Retention } from "@affinity/expression"
 *
 * const channel = { retention: 90 }
 * const message = { at: 0 }
 * console.log(!Retention.expired(channel, message, 89 * 86_400_000)) // true
 * console.log(Retention.expired(channel, message, 90 * 86_400_000)) // true
 * ```
 *
 * @module
 */
import { type Channel, DAY, type Message, messageOf, type State } from "./State.ts"

/** Whether a message's body is past its channel's retention at community time `now`. */
export const expired = (channel: Pick<Channel, "retention">, message: Pick<Message, "at">, now: number): boolean =>
  channel.retention !== null && now >= message.at + channel.retention * DAY

/**
 * The events (posts and edits) whose payloads are past retention at community time `now`,
 * sorted: the payloads the host drops (the module's `erasures`). A message counted here stays
 * counted at every later time of the same state.
 */
export const due = (state: State, now: number): ReadonlyArray<string> => {
  const out: Array<string> = []
  for (const c of Object.values(state.channels)) {
    if (c.retention === null) continue
    for (const key of c.messages) {
      const m = messageOf(state, key)!
      if (m.announcement === null && expired(c, m, now)) out.push(m.key, ...m.edits.map((e) => e.key))
    }
  }
  return out.sort()
}
