/**
 * The expression module's state: channels and their members, messages (their metadata only:
 * the words are payloads the fold never sees), channel key epochs, the public pages the
 * community published, alerts, emergency contacts, phone-tree drills and mutes.
 *
 * Everything is plain data in the CBOR model every replica hashes. Identities and event keys
 * are lower-case hex; times are milliseconds of community time (`docs/protocol.md` §6) unless
 * named `time`. Entries that other events are judged against record the event that made them
 * and the event that ended them, so that every answer about who may do what is judged on the
 * asking event's causal past.
 *
 * ```ts
 * import { Expression } from "@affinity/expression"
 *
 * const state = Expression.init({ community: "ab".repeat(32), name: "Garden", founders: [], params: { timeWitnesses: 2, primeSize: 3, primeTerm: 1, quorumPercent: 50 }, time: 0 })
 * console.log(state.rule.confirmations, state.rule.minutes, state.rule.fanout) // 2 10 3
 * ```
 *
 * @module
 */
import type { Module } from "@affinity/core/module"
import type { Kind, Level, PostRule } from "./Bodies.ts"

export type { Kind, Level, PostRule } from "./Bodies.ts"

/** A minute, in ms. */
export const MINUTE = 60_000
/** A day, in ms. */
export const DAY = 24 * 60 * MINUTE

/** One membership of a private channel: who, the event that made it, and the event that ended it. */
export type Member = {
  readonly member: string
  /** Key of the event that made them a member (the channel's opening, or an addition). */
  readonly added: string
  /** Who added them (identity hex). */
  readonly by: string
  /** Key of the event that ended it (a departure or a removal), or `null`. */
  readonly ended: string | null
  /** How it ended. */
  readonly end: "left" | "removed" | null
}

/** A channel key event: the key of one epoch, sealed to the devices it names. */
export type KeyEvent = {
  readonly key: string
  readonly epoch: string
  /** Identity that sealed it. */
  readonly by: string
  /** How many devices it was sealed to. */
  readonly devices: number
  readonly at: number
}

/** A channel. Its id is the key of the event that opened it. */
export type Channel = {
  readonly id: string
  readonly name: string
  readonly title: string
  readonly kind: Kind
  /** The working group of a `group` channel, else `null`. */
  readonly group: string | null
  /** Who opened it (identity hex) and when. */
  readonly by: string
  readonly at: number
  /** Whether its messages are end-to-end encrypted (private channels and direct conversations). */
  readonly private: boolean
  /** Memberships of a private channel, in fold order (empty for community and group channels). */
  readonly members: ReadonlyArray<Member>
  /** Keys of the `channel.rotate` events, in fold order. */
  readonly rotations: ReadonlyArray<string>
  /**
   * The latest membership changes and rotations: those no later one has in its causal past
   * (their keys, in fold order). An event that has them all in its past has every change in
   * its past, so its epoch is the channel's `epoch` (a shortcut, X5).
   */
  readonly frontier: ReadonlyArray<string>
  /** The epoch the fold is in now (hex), for a private channel; `null` otherwise. */
  readonly epoch: string | null
  /** Channel key events, by key, for a private channel. */
  readonly keys: { readonly [key: string]: KeyEvent }
  /** Who may post, and the decision that said so (`null`: the default). */
  readonly post: PostRule
  readonly postBy: string | null
  /** Days after which message bodies count as erased (`null`: kept), and the decision. */
  readonly retention: number | null
  readonly retentionBy: string | null
  /** Keys of its messages and announcements, in fold order. */
  readonly messages: ReadonlyArray<string>
}

/** An edit of a message: its event, when, and the channel key it is encrypted under. */
export type EditRecord = { readonly key: string; readonly at: number; readonly lock: string | null }

/** A message's metadata: verifiable from the log even after its words are erased. */
export type Message = {
  readonly key: string
  readonly channel: string
  /** The author's identity (hex), or for an announcement the deciding body (`community`, `prime/expression`, `group/<id>`). */
  readonly author: string
  readonly at: number
  readonly reply: string | null
  /** The channel key event its payload is encrypted under (private channels), else `null`. */
  readonly lock: string | null
  /**
   * Whether it was encrypted under an epoch the fold had already left when it came (its
   * author had not seen a concurrent membership change): whoever left may hold that key.
   */
  readonly stale: boolean
  readonly edits: ReadonlyArray<EditRecord>
  readonly deleted: { readonly key: string; readonly at: number } | null
  /** An announcement's words (part of a decision's record, so in the body); `null` for a message. */
  readonly announcement: string | null
}

/** A confirmation of an alert. */
export type Confirmation = { readonly member: string; readonly key: string; readonly at: number; readonly inTime: boolean }

/** An alert: raised by a member, escalated to everyone once enough others confirm it in time. */
export type Alert = {
  readonly key: string
  readonly by: string
  readonly level: Level
  readonly at: number
  /** Confirmations needed, and within how many minutes, as the rule stood when it was raised. */
  readonly needs: number
  readonly minutes: number
  readonly confirmations: ReadonlyArray<Confirmation>
  /** The confirmation that escalated it to everyone, or `null`. */
  readonly escalated: string | null
  readonly cancelled: string | null
}

/** An emergency contact detail shared (sealed in the payload for `readers`). */
export type Contact = {
  readonly member: string
  readonly key: string
  readonly readers: ReadonlyArray<string>
  readonly at: number
  /** The event that replaced or withdrew it, or `null`. */
  readonly ended: string | null
}

/** A phone-tree drill: the tree as it stood when it started, and who confirmed. */
export type Drill = {
  readonly key: string
  readonly by: string
  readonly at: number
  /** Everyone in the tree, the starter first, in tree order ({@link Tree}). */
  readonly tree: ReadonlyArray<string>
  readonly fanout: number
  readonly confirmations: ReadonlyArray<{ readonly member: string; readonly key: string; readonly at: number }>
  readonly ended: string | null
}

/** A public page the community decided to publish. */
export type Page = {
  /** The decision's event (its close). */
  readonly key: string
  /** Hex SHA-256 of the manifest. */
  readonly manifest: string
  readonly title: string
  readonly files: number
  readonly at: number
  /** The deciding body, as a subject (`community`, `prime/expression`). */
  readonly by: string
}

/** A member muted in a channel until a time, by a decision. */
export type Mute = {
  readonly channel: string
  readonly member: string
  readonly until: number
  readonly reason: string
  readonly by: string
  readonly key: string
}

/** How alerts escalate and phone trees branch, and the decision that said so (`null`: the defaults). */
export type EmergencyRule = { readonly confirmations: number; readonly minutes: number; readonly fanout: number; readonly key: string | null }

/** The expression state. */
export type State = {
  readonly version: 1
  /** The community id (hex). */
  readonly community: string
  readonly channels: { readonly [id: string]: Channel }
  /**
   * Messages by the first hex digit of their key, then the second, then by key: adding one
   * copies two small maps and a bucket, not every message (read them with {@link messageOf},
   * {@link allMessages}).
   */
  readonly messages: { readonly [d0: string]: { readonly [d1: string]: { readonly [key: string]: Message } } }
  readonly pages: ReadonlyArray<Page>
  readonly alerts: { readonly [key: string]: Alert }
  /** Contact details, in fold order. */
  readonly contacts: ReadonlyArray<Contact>
  readonly drills: { readonly [key: string]: Drill }
  readonly rule: EmergencyRule
  readonly mutes: ReadonlyArray<Mute>
}

/** Two confirmations within ten minutes escalate an alert; each person calls three others. */
export const DEFAULT_RULE: EmergencyRule = { confirmations: 2, minutes: 10, fanout: 3, key: null }

/** The initial expression state of a community. */
export const init = (genesis: Module.Genesis): State => ({
  version: 1,
  community: genesis.community,
  channels: {},
  messages: {},
  pages: [],
  alerts: {},
  contacts: [],
  drills: {},
  rule: DEFAULT_RULE,
  mutes: []
})

/** Whether the event with key `key` is the event being judged or in its causal past. */
export const seen = (ctx: Module.EventContext, key: string): boolean => key === ctx.key || ctx.happenedBefore(key)

/** An entry of a record keyed by id, if present (never one of `Object.prototype`'s). */
export const lookup = <T>(record: { readonly [k: string]: T }, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined

/** The message with key `key`, if any. */
export const messageOf = (state: State, key: string): Message | undefined => {
  const d0 = lookup(state.messages, key.slice(0, 1))
  const d1 = d0 === undefined ? undefined : lookup(d0, key.slice(1, 2))
  return d1 === undefined ? undefined : lookup(d1, key)
}

/** The state with `message` added or replaced. */
export const withMessage = <S extends State>(state: S, message: Message): S => {
  const [a, b] = [message.key.slice(0, 1), message.key.slice(1, 2)]
  const d0 = lookup(state.messages, a) ?? {}
  return { ...state, messages: { ...state.messages, [a]: { ...d0, [b]: { ...lookup(d0, b), [message.key]: message } } } }
}

/** Every message, in no particular order. */
export const allMessages = (state: State): ReadonlyArray<Message> =>
  Object.values(state.messages).flatMap((d0) => Object.values(d0).flatMap((d1) => Object.values(d1)))

/** The members of a private channel in the causal past of the event `ctx` judges, sorted. */
export const membersAt = (channel: Channel, ctx: Module.EventContext): ReadonlyArray<string> => {
  const out = new Set<string>()
  for (const m of channel.members) if (seen(ctx, m.added) && (m.ended === null || !seen(ctx, m.ended))) out.add(m.member)
  return [...out].sort()
}

/** Whether `member` is a member of a private channel in the causal past of the event `ctx` judges. */
export const isMemberAt = (channel: Channel, member: string, ctx: Module.EventContext): boolean =>
  channel.members.some((m) => m.member === member && seen(ctx, m.added) && (m.ended === null || !seen(ctx, m.ended)))

/** The members of a private channel now (in the fold), sorted. */
export const membersNow = (channel: Channel): ReadonlyArray<string> =>
  [...new Set(channel.members.filter((m) => m.ended === null).map((m) => m.member))].sort()

/** Contact details in force in the causal past of the event `ctx` judges, one per member (the latest). */
export const contactsAt = (state: State, ctx: Module.EventContext): ReadonlyArray<Contact> =>
  state.contacts.filter((c) => seen(ctx, c.key) && (c.ended === null || !seen(ctx, c.ended)))

/** Contact details in force now (in the fold). */
export const contactsNow = (state: State): ReadonlyArray<Contact> => state.contacts.filter((c) => c.ended === null)
