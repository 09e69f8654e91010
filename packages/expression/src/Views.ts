/**
 * Pure views for screens (chat, channels, the alert button, the phone tree): functions of the
 * state and of what the screen knows (who is looking, community time), with no I/O. Words come
 * from `Chat.read` (`@affinity/expression/client`); these give the structure around them.
 *
 * ```ts
 * import { Expression, Views } from "@affinity/expression"
 *
 * const state = Expression.init({ community: "ab".repeat(32), name: "Garden", founders: [], params: { timeWitnesses: 2, primeSize: 3, primeTerm: 1, quorumPercent: 50 }, time: 0 })
 * console.log(Views.channelsOf(state, "0a".repeat(32)).length, Views.openAlerts(state, 0).length) // 0 0
 * ```
 *
 * @module
 */
import { type Alert, type Channel, type Message, messageOf, MINUTE, type State } from "./State.ts"

/** The channels `identity` (a full member) reads: open ones, and private ones they belong to; by kind, then title. */
export const channelsOf = (state: State, identity: string): ReadonlyArray<Channel> => {
  const rank = { community: 0, group: 1, private: 2, direct: 3 } as const
  return Object.values(state.channels)
    .filter((c) => !c.private || c.members.some((m) => m.member === identity && m.ended === null))
    .sort((a, b) => rank[a.kind] - rank[b.kind] || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0))
}

/** A message and the replies to it, in fold order. */
export type Thread = { readonly message: Message; readonly replies: ReadonlyArray<Thread> }

/** A channel's messages as threads: messages that answer none, each with its replies (nested). */
export const threads = (state: State, channel: string): ReadonlyArray<Thread> => {
  const c = Object.hasOwn(state.channels, channel) ? state.channels[channel]! : undefined
  if (!c) return []
  const list = c.messages.map((k) => messageOf(state, k)!)
  const children = new Map<string, Array<Message>>()
  for (const m of list) if (m.reply !== null) children.set(m.reply, [...(children.get(m.reply) ?? []), m])
  const build = (m: Message): Thread => ({ message: m, replies: (children.get(m.key) ?? []).map(build) })
  return list.filter((m) => m.reply === null || !list.some((x) => x.key === m.reply)).map(build)
}

/** What an alert button shows about one alert. */
export type AlertView = {
  readonly alert: Alert
  readonly status: "raised" | "escalated" | "cancelled" | "expired"
  /** Confirmations in time, and how many escalate it. */
  readonly confirmed: number
  readonly needs: number
  /** Milliseconds of community time left to confirm in time (0 once past). */
  readonly left: number
}

/** The view of one alert at community time `now`. */
export const alertView = (alert: Alert, now: number): AlertView => {
  const deadline = alert.at + alert.minutes * MINUTE
  const confirmed = alert.confirmations.filter((c) => c.inTime).length
  const status = alert.cancelled !== null ? "cancelled" : alert.escalated !== null ? "escalated" : now > deadline ? "expired" : "raised"
  return { alert, status, confirmed, needs: alert.needs, left: Math.max(0, deadline - now) }
}

/** Alerts not cancelled and either escalated or still open to confirmation at `now`, newest first. */
export const openAlerts = (state: State, now: number): ReadonlyArray<AlertView> =>
  Object.values(state.alerts)
    .map((a) => alertView(a, now))
    .filter((v) => v.status === "raised" || v.status === "escalated")
    .sort((a, b) => b.alert.at - a.alert.at || (a.alert.key < b.alert.key ? -1 : 1))
