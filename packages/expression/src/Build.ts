/**
 * Drafts of expression events (`{ module, type, body }`), to sign with `community.append` or
 * to carry as a decision's action. Events are named by their key (64 hex characters); members
 * by their identity (hex). What people write goes in the payload, never in these bodies.
 *
 * ```ts
 * import { Expression } from "@affinity/expression"
 *
 * const draft = Expression.openChannel({ name: "garden", title: "Garden talk", kind: "community" })
 * console.log(draft.module, draft.type, draft.body.group) // expression channel.open null
 * ```
 *
 * @module
 */
import { Bytes } from "@affinity/core/module"
import type * as B from "./Bodies.ts"

/** An expression event as a value: what `append` signs, or what a decision carries. */
export type Draft<T extends string, Body> = { readonly module: "expression"; readonly type: T; readonly body: Body }

/** An event or identity named by its hex key (or an object that has one, like an appended event). */
export type Ref = string | { readonly key: string }

/** The body type of each expression event, for clients that check appends when they compile. */
export type Events = {
  readonly "channel.open": B.Open
  readonly "channel.add": B.Add
  readonly "channel.leave": B.Leave
  readonly "channel.remove": B.Remove
  readonly "channel.rotate": B.Rotate
  readonly "channel.key": B.ChannelKey
  readonly "channel.rule": B.Rule
  readonly "channel.retention": B.Retention
  readonly "channel.mute": B.Mute
  readonly "message.post": B.Post
  readonly "message.edit": B.Edit
  readonly "message.delete": B.Delete
  readonly announce: B.Announce
  readonly "page.publish": B.Publish
  readonly "alert.raise": B.Raise
  readonly "alert.confirm": B.AlertRef
  readonly "alert.cancel": B.AlertRef
  readonly "emergency.rule": B.EmergencyRule
  readonly "contact.share": B.Share
  readonly "contact.withdraw": B.Withdraw
  readonly "drill.start": B.DrillStart
  readonly "drill.confirm": B.DrillRef
  readonly "drill.end": B.DrillRef
}

/** The bytes of a 32-byte key given as hex (or an object with a `key`); throws `TypeError` on anything else. */
export const bytes = (ref: Ref): Uint8Array => {
  const h = typeof ref === "string" ? ref : ref.key
  const b = /^[0-9a-f]{64}$/.test(h) ? Bytes.fromHex(h) : undefined
  if (!b) throw new TypeError(`expected 64 lower-case hex characters, got ${JSON.stringify(h).slice(0, 80)}`)
  return b
}
const sortedBytes = (refs: ReadonlyArray<Ref>): Array<Uint8Array> =>
  [...new Set(refs.map((r) => (typeof r === "string" ? r : r.key)))].sort().map(bytes)

const draft = <T extends keyof Events>(type: T, body: Events[T]): Draft<T, Events[T]> => ({ module: "expression", type, body })

/** Open a channel: `community` (every member), `group` (a working group's), `private` (its members, end to end) or `direct` (two people). */
export const openChannel = (o: {
  readonly name: string
  readonly title: string
  readonly kind: B.Kind
  readonly group?: Ref
  readonly members?: ReadonlyArray<Ref>
}): Draft<"channel.open", B.Open> =>
  draft("channel.open", { name: o.name, title: o.title, kind: o.kind, group: o.group === undefined ? null : bytes(o.group), members: sortedBytes(o.members ?? []) })

/** Add a full member to a private channel (by one of its members). */
export const addMember = (channel: Ref, member: Ref) => draft("channel.add", { channel: bytes(channel), member: bytes(member) })
/** Leave a private channel. */
export const leaveChannel = (channel: Ref) => draft("channel.leave", { channel: bytes(channel) })
/** Remove a member from a private channel: an action for a decision. */
export const removeMember = (channel: Ref, member: Ref, reason: string) =>
  draft("channel.remove", { channel: bytes(channel), member: bytes(member), reason })
/** Start a new key epoch of a private channel (after one of your devices was revoked, say). */
export const rotate = (channel: Ref) => draft("channel.rotate", { channel: bytes(channel) })
/** Supply the key of `epoch` (hex), sealed in the payload to `devices` (hex device keys). */
export const channelKey = (channel: Ref, epoch: string, devices: ReadonlyArray<string>) =>
  draft("channel.key", { channel: bytes(channel), epoch: bytes(epoch), devices: sortedBytes(devices) })
/** Who may post in a channel: an action for a decision. */
export const postingRule = (channel: Ref, post: B.PostRule) => draft("channel.rule", { channel: bytes(channel), post })
/** Erase message bodies `days` after they were written (`null`: keep them): an action for a decision. */
export const retention = (channel: Ref, days: number | null) => draft("channel.retention", { channel: bytes(channel), days })
/** Mute a member in a channel until `until` (community time): an action for a decision. */
export const mute = (channel: Ref, member: Ref, until: number, reason: string) =>
  draft("channel.mute", { channel: bytes(channel), member: bytes(member), until, reason })
/** Post a message (its text goes in the payload); `key`: the channel key event, in a private channel. */
export const post = (channel: Ref, options: { readonly reply?: Ref; readonly key?: Ref } = {}) =>
  draft("message.post", { channel: bytes(channel), reply: options.reply === undefined ? null : bytes(options.reply), key: options.key === undefined ? null : bytes(options.key) })
/** Edit one's own message (the new text goes in the payload). */
export const edit = (message: Ref, key?: Ref) => draft("message.edit", { message: bytes(message), key: key === undefined ? null : bytes(key) })
/** Delete one's own message. */
export const remove = (message: Ref) => draft("message.delete", { message: bytes(message) })
/** An announcement in an announcement channel: an action for a decision. */
export const announce = (channel: Ref, text: string) => draft("announce", { channel: bytes(channel), text })
/** Publish the public page whose manifest hashes to `manifest` (hex): an action for a decision. */
export const publish = (manifest: string, title: string, files: number) => draft("page.publish", { manifest: bytes(manifest), title, files })
/** Raise an alert (what and where go in the payload). */
export const raise = (level: B.Level) => draft("alert.raise", { level })
/** Confirm someone's alert. */
export const confirm = (alert: Ref) => draft("alert.confirm", { alert: bytes(alert) })
/** Call off one's own alert. */
export const cancel = (alert: Ref) => draft("alert.cancel", { alert: bytes(alert) })
/** How alerts escalate and how many each person calls: an action for a community decision. */
export const emergencyRule = (rule: B.EmergencyRule) => draft("emergency.rule", rule)
/** Share an emergency contact detail (sealed in the payload) for `readers`. */
export const shareContact = (readers: ReadonlyArray<Ref>) => draft("contact.share", { readers: sortedBytes(readers) })
/** Take one's contact detail back. */
export const withdrawContact = () => draft("contact.withdraw", {})
/** Start a phone-tree drill. */
export const startDrill = () => draft("drill.start", {})
/** Confirm that the tree reached you in a drill. */
export const confirmDrill = (drill: Ref) => draft("drill.confirm", { drill: bytes(drill) })
/** End one's drill. */
export const endDrill = (drill: Ref) => draft("drill.end", { drill: bytes(drill) })
