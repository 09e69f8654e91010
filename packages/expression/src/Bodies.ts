/**
 * The bodies of the expression module's events, as `Body` schemas of `@affinity/core/module`
 * and their types. Every key listed is required unless marked optional; no other key is
 * allowed. Event references (channels, messages, alerts, drills, channel keys) are the 32 bytes
 * of the event id; identities and devices are 32-byte public keys; epochs are 32 bytes.
 *
 * What people write (a message, an alert's words, a contact detail) is never in a body: it
 * travels in the event's payload (`docs/protocol.md` §3a), which the fold never sees.
 *
 * ```ts
 * import { Body } from "@affinity/core/module"
 * import { Bodies } from "@affinity/expression"
 *
 * console.log(Body.decode(Bodies.Post, { channel: new Uint8Array(32), reply: null, key: null }).ok) // true
 * console.log(Body.decode(Bodies.Post, { channel: new Uint8Array(32), reply: null })) // { ok: false, message: "key: missing" }
 * ```
 *
 * @module
 */
import { Body } from "@affinity/core/module"

/** Longest channel title, in characters. */
export const MAX_TITLE = 80
/** Longest announcement, in characters. */
export const MAX_ANNOUNCEMENT = 4_000
/** Longest reason (a mute), in characters. */
export const MAX_REASON = 400
/** Most members a private channel's opening names besides its author. */
export const MAX_INITIAL = 256
/** Most devices one channel key event says it was sealed to. */
export const MAX_DEVICES = 16_384
/** Most people one contact detail is sealed for. */
export const MAX_CONTACT_READERS = 64
/** Most files one public page lists. */
export const MAX_FILES = 10_000
/** Longest retention, in days (ten years). */
export const MAX_RETENTION_DAYS = 3_650

const Ref = Body.bytes(32)
const Key = Body.bytes(32)
const Time = Body.int(0, Number.MAX_SAFE_INTEGER)

/** A channel's short name: lower-case letters, digits and dashes, 1 to 32. */
export const Name: Body.Schema<string> = Body.pattern(/^[a-z0-9][a-z0-9-]{0,31}$/, "a channel name of lower-case letters, digits and dashes (at most 32)")

/** What kind of channel: community-wide, a working group's, private (members only, end to end) or a direct conversation. */
export type Kind = "community" | "group" | "private" | "direct"
/** Who may post: any member who may read it, only its working group's members, or only decisions (`announce`). */
export type PostRule = "members" | "group" | "announce"
/** How urgent an alert is. */
export type Level = "check" | "help" | "danger"

/** `channel.open`: a new channel; its id is this event's key. */
export type Open = {
  readonly name: string
  readonly title: string
  readonly kind: Kind
  /** The working group of a `group` channel (its id), else `null`. */
  readonly group: Uint8Array | null
  /** A private channel's first members besides the author; a direct conversation's other person. */
  readonly members: ReadonlyArray<Uint8Array>
}
export const Open: Body.Schema<Open> = Body.refine(
  Body.strict({
    name: Name,
    title: Body.text(1, MAX_TITLE),
    kind: Body.literal(["community", "group", "private", "direct"]),
    group: Body.nullable(Ref),
    members: Body.array(Key, 0, MAX_INITIAL)
  }),
  (b) => {
    if (b.kind === "group" && b.group === null) return "a group channel names its working group in group"
    if (b.kind !== "group" && b.group !== null) return `a ${b.kind} channel names no group (group: null)`
    if (b.kind === "direct" && b.members.length !== 1) return "a direct conversation names exactly one other person in members"
    if ((b.kind === "community" || b.kind === "group") && b.members.length > 0)
      return `a ${b.kind} channel is open to ${b.kind === "community" ? "every member" : "the group"}: members must be empty`
    return undefined
  }
)

/** `channel.add`: a member of a private channel adds a full member. */
export type Add = { readonly channel: Uint8Array; readonly member: Uint8Array }
export const Add: Body.Schema<Add> = Body.strict({ channel: Ref, member: Key })

/** `channel.leave`: the author leaves a private channel. */
export type Leave = { readonly channel: Uint8Array }
export const Leave: Body.Schema<Leave> = Body.strict({ channel: Ref })

/** `channel.remove` (a decision): a member is removed from a private channel. */
export type Remove = { readonly channel: Uint8Array; readonly member: Uint8Array; readonly reason: string }
export const Remove: Body.Schema<Remove> = Body.strict({ channel: Ref, member: Key, reason: Body.text(1, MAX_REASON) })

/** `channel.rule` (a decision): who may post in a channel. */
export type Rule = { readonly channel: Uint8Array; readonly post: PostRule }
export const Rule: Body.Schema<Rule> = Body.strict({ channel: Ref, post: Body.literal(["members", "group", "announce"]) })

/** `channel.retention` (a decision): message bodies are erased `days` after they were written (`null`: kept). */
export type Retention = { readonly channel: Uint8Array; readonly days: number | null }
export const Retention: Body.Schema<Retention> = Body.strict({ channel: Ref, days: Body.nullable(Body.int(1, MAX_RETENTION_DAYS)) })

/** `channel.mute` (a decision): a member may not post in a channel until a time. */
export type Mute = { readonly channel: Uint8Array; readonly member: Uint8Array; readonly until: number; readonly reason: string }
export const Mute: Body.Schema<Mute> = Body.strict({ channel: Ref, member: Key, until: Time, reason: Body.text(1, MAX_REASON) })

/** `channel.rotate`: a member of a private channel starts a new key epoch (after a device was revoked, say). */
export type Rotate = { readonly channel: Uint8Array }
export const Rotate: Body.Schema<Rotate> = Body.strict({ channel: Ref })

/**
 * `channel.key`: the key of an epoch of a private channel, sealed (payload) to the devices
 * listed, sorted (§5a). `epoch` is the epoch the author's causal past is in.
 */
export type ChannelKey = { readonly channel: Uint8Array; readonly epoch: Uint8Array; readonly devices: ReadonlyArray<Uint8Array> }
export const ChannelKey: Body.Schema<ChannelKey> = Body.strict({ channel: Ref, epoch: Ref, devices: Body.array(Key, 1, MAX_DEVICES) })

/**
 * `message.post`: a message; its text is the payload (encrypted under the channel key event
 * `key` in a private channel, where `key` is required; `null` elsewhere).
 */
export type Post = { readonly channel: Uint8Array; readonly reply: Uint8Array | null; readonly key: Uint8Array | null }
export const Post: Body.Schema<Post> = Body.strict({ channel: Ref, reply: Body.nullable(Ref), key: Body.nullable(Ref) })

/** `message.edit`: new text for one's own message (payload, as for a post). */
export type Edit = { readonly message: Uint8Array; readonly key: Uint8Array | null }
export const Edit: Body.Schema<Edit> = Body.strict({ message: Ref, key: Body.nullable(Ref) })

/** `message.delete`: one's own message is deleted (its payloads are erased with `core/payload.erase`). */
export type Delete = { readonly message: Uint8Array }
export const Delete: Body.Schema<Delete> = Body.strict({ message: Ref })

/** `announce` (a decision): an announcement in a channel whose rule is `announce`; part of the decision record. */
export type Announce = { readonly channel: Uint8Array; readonly text: string }
export const Announce: Body.Schema<Announce> = Body.strict({ channel: Ref, text: Body.text(1, MAX_ANNOUNCEMENT) })

/** `page.publish` (a decision of expression's prime group or the community): the public page whose manifest hashes to `manifest`. */
export type Publish = { readonly manifest: Uint8Array; readonly title: string; readonly files: number }
export const Publish: Body.Schema<Publish> = Body.strict({ manifest: Body.bytes(32), title: Body.text(1, MAX_TITLE), files: Body.int(1, MAX_FILES) })

/** `alert.raise`: an alert; what and where is the payload. */
export type Raise = { readonly level: Level }
export const Raise: Body.Schema<Raise> = Body.strict({ level: Body.literal(["check", "help", "danger"]) })

/** `alert.confirm` / `alert.cancel`: about an alert. */
export type AlertRef = { readonly alert: Uint8Array }
export const AlertRef: Body.Schema<AlertRef> = Body.strict({ alert: Ref })

/** `emergency.rule` (a community decision): how many confirmations within how many minutes escalate an alert; how many each person calls. */
export type EmergencyRule = { readonly confirmations: number; readonly minutes: number; readonly fanout: number }
export const EmergencyRule: Body.Schema<EmergencyRule> = Body.strict({
  confirmations: Body.int(1, 16),
  minutes: Body.int(1, 60),
  fanout: Body.int(2, 3)
})

/** `contact.share`: an emergency contact detail, sealed (payload) for the members listed, sorted. */
export type Share = { readonly readers: ReadonlyArray<Uint8Array> }
export const Share: Body.Schema<Share> = Body.strict({ readers: Body.array(Key, 1, MAX_CONTACT_READERS) })

/** `contact.withdraw`: the author takes their contact detail back. */
export type Withdraw = Record<string, never>
export const Withdraw: Body.Schema<Withdraw> = Body.strict({})

/** `drill.start`: a phone-tree drill, rooted at its author. */
export type DrillStart = Record<string, never>
export const DrillStart: Body.Schema<DrillStart> = Body.strict({})

/** `drill.confirm` / `drill.end`: about a drill. */
export type DrillRef = { readonly drill: Uint8Array }
export const DrillRef: Body.Schema<DrillRef> = Body.strict({ drill: Ref })
