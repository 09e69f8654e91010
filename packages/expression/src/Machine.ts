/**
 * The expression state machine: its event types, their authority, checks and effects
 * (`docs/protocol.md` §17). Pure and synchronous; it sees bodies, never payloads.
 *
 * @module
 */
import { Bytes, Module, Standing } from "@affinity/core/module"
import * as B from "./Bodies.ts"
import * as Epoch from "./Epoch.ts"
import { groupAt } from "./Groups.ts"
import * as Queries from "./Queries.ts"
import * as Retention from "./Retention.ts"
import {
  type Alert,
  type Channel,
  init,
  isMemberAt,
  lookup,
  type Member,
  type Message,
  messageOf,
  MINUTE,
  seen,
  type State,
  withMessage
} from "./State.ts"
import * as Tree from "./Tree.ts"

const hex = Bytes.toHex
const reject = Module.reject
const who = (ctx: Module.EventContext): string => ctx.identity ?? ctx.device

/** Who acts: the signer's identity, or for an action a decision carries, the deciding body. */
const actor = (ctx: Module.EventContext): string =>
  ctx.warrant._tag === "Decision" ? Standing.bodySubject(ctx.warrant.body) : who(ctx)

const withChannel = <S extends State>(state: S, id: string, f: (c: Channel) => Channel): S => ({
  ...state,
  channels: { ...state.channels, [id]: f(state.channels[id]!) }
})

/** The channel a body names, when it is in the event's causal past. */
const channelAt = (state: State, ref: Uint8Array, ctx: Module.EventContext): Channel | Module.Rejection => {
  const c = lookup(state.channels, hex(ref))
  if (!c || !seen(ctx, c.id)) return reject("UnknownChannel", "no channel with that id is in this event's past; open it or wait until its opening reaches you")
  return c
}
const isRejection = (x: unknown): x is Module.Rejection => typeof x === "object" && x !== null && "_tag" in x && "message" in x

/** A decision on a channel: a working group decides only for its own group's channel. */
const decidesFor = (c: Channel, ctx: Module.EventContext): Module.Rejection | undefined => {
  const w = ctx.warrant
  if (w._tag === "Decision" && w.body._tag === "Group" && w.body.group !== c.group)
    return reject("OutsideChannel", `a working group decides only for its own group's channel; "${c.title}" is ${c.group === null ? "not a group's channel" : "another group's"}: ask the community`)
  return undefined
}

/** The member's active membership in a private channel, in the event's causal past. */
const memberAt = isMemberAt
const activeEntry = (c: Channel, member: string): Member | undefined => c.members.find((m) => m.member === member && m.ended === null)

const notMember = (c: Channel): Module.Rejection =>
  reject("NotAChannelMember", `only members of the private channel "${c.title}" may do this, as this event's past shows; ask a member to add you`)

/** Whether the author may post in `c` at `ctx` (reading rights and the posting rule). */
const mayPost = (c: Channel, ctx: Module.EventContext): Module.Rejection | undefined => {
  const me = who(ctx)
  if (c.private && !memberAt(c, me, ctx)) return notMember(c)
  if (c.post === "announce")
    return reject("AnnouncementsOnly", `"${c.title}" is an announcement channel: only decisions post in it (expression/announce)`)
  if (c.post === "group") {
    if (c.group === null) return undefined
    const g = groupAt(ctx, c.group)
    if (!g.ok) return g.rejection
    if (!g.value.members.includes(me)) return reject("NotInGroup", `only members of the working group "${g.value.name}" post in "${c.title}"`)
  }
  return undefined
}

/** The key event a private message is encrypted under must be of this channel, seen, and of the epoch the author is in. */
const lockOk = (c: Channel, lock: Uint8Array | null, ctx: Module.EventContext): Module.Rejection | undefined => {
  if (!c.private) return lock === null ? undefined : reject("NotPrivate", `"${c.title}" is not private: its messages carry no channel key (key: null)`)
  if (lock === null) return reject("NeedsKey", `"${c.title}" is private: encrypt the message under the channel key of its current epoch and name that key event`)
  const k = lookup(c.keys, hex(lock))
  if (!k || !seen(ctx, k.key)) return reject("UnknownKey", `no key event of "${c.title}" with that id is in this event's past`)
  if (k.epoch !== Epoch.at(c, ctx))
    return reject("StaleEpoch", `the members of "${c.title}" changed since that key was made (a member left, was removed or added, or a rotation was asked): encrypt under the key of the current epoch`)
  return undefined
}

const messageAt = (state: State, ref: Uint8Array, ctx: Module.EventContext): Message | Module.Rejection => {
  const m = messageOf(state, hex(ref))
  if (!m || !seen(ctx, m.key)) return reject("UnknownMessage", "no message with that id is in this event's past")
  return m
}

/** An edit or a deletion: the message must be the author's own and not deleted. */
const ownMessage = (state: State, ref: Uint8Array, ctx: Module.EventContext): Message | Module.Rejection => {
  const m = messageAt(state, ref, ctx)
  if (isRejection(m)) return m
  if (m.author !== who(ctx)) return reject("NotYourMessage", "only the author of a message edits or deletes it; to take down someone else's words, the community decides a core/payload.erase")
  if (m.deleted !== null && seen(ctx, m.deleted.key)) return reject("Deleted", "that message was deleted")
  return m
}

const mayChangeMembers = (c: Channel): Module.Rejection | undefined => {
  if (!c.private) return reject("NotPrivate", `"${c.title}" is open to ${c.kind === "community" ? "every member" : "its group"}: it has no member list`)
  if (c.kind === "direct") return reject("DirectIsFixed", "a direct conversation stays between its two people; open a private channel to talk with more")
  return undefined
}

/** After a membership change or a rotation by the event `ctx` judges: the fold's epoch and the frontier of changes. */
const reEpoch = (c: Channel, ctx: Module.EventContext): Channel => ({
  ...c,
  epoch: Epoch.now(c),
  frontier: [...c.frontier.filter((k) => !ctx.happenedBefore(k)), ctx.key]
})

const alertAt = (state: State, ref: Uint8Array, ctx: Module.EventContext): Alert | Module.Rejection => {
  const a = lookup(state.alerts, hex(ref))
  if (!a || !seen(ctx, a.key)) return reject("UnknownAlert", "no alert with that id is in this event's past")
  if (a.cancelled !== null && seen(ctx, a.cancelled)) return reject("Cancelled", "that alert was called off by the person who raised it")
  return a
}

const drillAt = (state: State, ref: Uint8Array, ctx: Module.EventContext) => {
  const d = lookup(state.drills, hex(ref))
  if (!d || !seen(ctx, d.key)) return reject("UnknownDrill", "no drill with that id is in this event's past")
  if (d.ended !== null && seen(ctx, d.ended)) return reject("DrillEnded", "that drill is over")
  return d
}

const strictlySorted = (list: ReadonlyArray<Uint8Array>): boolean => list.every((x, i) => i === 0 || Bytes.compare(list[i - 1]!, x) < 0)

// --- channels ------------------------------------------------------------------------------

const open = Module.eventType<State, B.Open>({
  body: B.Open,
  authority: "member",
  validate: (_state, body, ctx) => {
    const me = who(ctx)
    if (body.kind === "group") {
      const g = groupAt(ctx, hex(body.group!))
      if (!g.ok) return g.rejection
      if (!g.value.members.includes(me)) return reject("NotInGroup", `only members of the working group "${g.value.name}" open its channel`)
    }
    const named = body.members.map(hex)
    if (new Set(named).size !== named.length || named.includes(me))
      return reject("InvalidMembers", "name each other member once, and not yourself: the author is a member already")
    if (!strictlySorted(body.members)) return reject("InvalidMembers", "list members sorted by their bytes, each once")
    for (const m of named) if (ctx.statusOf(m) !== "full") return reject("NotAMember", "every member named must be a full member of the community in this event's past")
    return undefined
  },
  apply: (state, body, ctx) => {
    const me = who(ctx)
    const priv = body.kind === "private" || body.kind === "direct"
    const members: Array<Member> = priv
      ? [me, ...body.members.map(hex)].sort().map((member) => ({ member, added: ctx.key, by: me, ended: null, end: null }))
      : []
    const base: Channel = {
      id: ctx.key,
      name: body.name,
      title: body.title,
      kind: body.kind,
      group: body.group === null ? null : hex(body.group),
      by: me,
      at: ctx.communityTime,
      private: priv,
      members,
      rotations: [],
      frontier: [],
      epoch: null,
      keys: {},
      post: body.kind === "group" ? "group" : "members",
      postBy: null,
      retention: null,
      retentionBy: null,
      messages: []
    }
    return { ...state, channels: { ...state.channels, [ctx.key]: priv ? reEpoch(base, ctx) : base } }
  }
})

const add = Module.eventType<State, B.Add>({
  body: B.Add,
  authority: "member",
  validate: (state, body, ctx) => {
    const c = channelAt(state, body.channel, ctx)
    if (isRejection(c)) return c
    const bad = mayChangeMembers(c)
    if (bad) return bad
    if (!memberAt(c, who(ctx), ctx)) return notMember(c)
    const m = hex(body.member)
    if (ctx.statusOf(m) !== "full") return reject("NotAMember", "only full members of the community can be added to a private channel")
    if (activeEntry(c, m)) return reject("AlreadyMember", "that person is a member of this channel already")
    return undefined
  },
  apply: (state, body, ctx) =>
    withChannel(state, hex(body.channel), (c) =>
      reEpoch({ ...c, members: [...c.members, { member: hex(body.member), added: ctx.key, by: who(ctx), ended: null, end: null }] }, ctx)
    )
})

const endMembership = (c: Channel, member: string, ctx: Module.EventContext, end: "left" | "removed"): Channel =>
  reEpoch({ ...c, members: c.members.map((m) => (m.member === member && m.ended === null ? { ...m, ended: ctx.key, end } : m)) }, ctx)

const leave = Module.eventType<State, B.Leave>({
  body: B.Leave,
  authority: "member",
  validate: (state, body, ctx) => {
    const c = channelAt(state, body.channel, ctx)
    if (isRejection(c)) return c
    const bad = mayChangeMembers(c)
    if (bad) return bad
    const entry = activeEntry(c, who(ctx))
    if (!entry || !seen(ctx, entry.added)) return notMember(c)
    return undefined
  },
  apply: (state, body, ctx) => withChannel(state, hex(body.channel), (c) => endMembership(c, who(ctx), ctx, "left"))
})

const remove = Module.eventType<State, B.Remove>({
  body: B.Remove,
  authority: "mandate",
  validate: (state, body, ctx) => {
    const c = channelAt(state, body.channel, ctx)
    if (isRejection(c)) return c
    const bad = mayChangeMembers(c) ?? decidesFor(c, ctx)
    if (bad) return bad
    if (!activeEntry(c, hex(body.member))) return reject("NotAChannelMember", `that person is not a member of "${c.title}"`)
    return undefined
  },
  apply: (state, body, ctx) => withChannel(state, hex(body.channel), (c) => endMembership(c, hex(body.member), ctx, "removed"))
})

const rotate = Module.eventType<State, B.Rotate>({
  body: B.Rotate,
  authority: "member",
  validate: (state, body, ctx) => {
    const c = channelAt(state, body.channel, ctx)
    if (isRejection(c)) return c
    if (!c.private) return reject("NotPrivate", `"${c.title}" is not private: it has no key to rotate`)
    return memberAt(c, who(ctx), ctx) ? undefined : notMember(c)
  },
  apply: (state, body, ctx) => withChannel(state, hex(body.channel), (c) => reEpoch({ ...c, rotations: [...c.rotations, ctx.key] }, ctx))
})

const channelKey = Module.eventType<State, B.ChannelKey>({
  body: B.ChannelKey,
  authority: "member",
  validate: (state, body, ctx) => {
    const c = channelAt(state, body.channel, ctx)
    if (isRejection(c)) return c
    if (!c.private) return reject("NotPrivate", `"${c.title}" is not private: it has no key`)
    if (!memberAt(c, who(ctx), ctx)) return notMember(c)
    if (!strictlySorted(body.devices)) return reject("InvalidDevices", "list the devices sealed to sorted by their bytes, each once")
    if (hex(body.epoch) !== Epoch.at(c, ctx))
      return reject("StaleEpoch", `that is not the epoch of "${c.title}" in this event's past: seal a key for the epoch your members and rotations give (Epoch.at)`)
    return undefined
  },
  apply: (state, body, ctx) =>
    withChannel(state, hex(body.channel), (c) => ({
      ...c,
      keys: { ...c.keys, [ctx.key]: { key: ctx.key, epoch: hex(body.epoch), by: who(ctx), devices: body.devices.length, at: ctx.communityTime } }
    }))
})

const rule = Module.eventType<State, B.Rule>({
  body: B.Rule,
  authority: "mandate",
  validate: (state, body, ctx) => {
    const c = channelAt(state, body.channel, ctx)
    if (isRejection(c)) return c
    if (body.post === "group" && c.group === null) return reject("NoGroup", `"${c.title}" belongs to no working group, so "group" cannot be its rule`)
    return decidesFor(c, ctx)
  },
  apply: (state, body, ctx) => withChannel(state, hex(body.channel), (c) => ({ ...c, post: body.post, postBy: ctx.key }))
})

const retention = Module.eventType<State, B.Retention>({
  body: B.Retention,
  authority: "mandate",
  validate: (state, body, ctx) => {
    const c = channelAt(state, body.channel, ctx)
    return isRejection(c) ? c : decidesFor(c, ctx)
  },
  apply: (state, body, ctx) => withChannel(state, hex(body.channel), (c) => ({ ...c, retention: body.days, retentionBy: ctx.key }))
})

const mute = Module.eventType<State, B.Mute>({
  body: B.Mute,
  authority: "mandate",
  validate: (state, body, ctx) => {
    const c = channelAt(state, body.channel, ctx)
    return isRejection(c) ? c : decidesFor(c, ctx)
  },
  apply: (state, body, ctx) => ({
    ...state,
    mutes: [...state.mutes, { channel: hex(body.channel), member: hex(body.member), until: body.until, reason: body.reason, by: actor(ctx), key: ctx.key }]
  }),
  restricts: (state, _body, ctx) => restrictionsOf(state.mutes.filter((m) => m.key === ctx.key))
})

// --- messages ------------------------------------------------------------------------------

const post = Module.eventType<State, B.Post>({
  body: B.Post,
  authority: "member",
  validate: (state, body, ctx) => {
    const c = channelAt(state, body.channel, ctx)
    if (isRejection(c)) return c
    if (body.reply !== null) {
      const r = messageAt(state, body.reply, ctx)
      if (isRejection(r)) return r
      if (r.channel !== c.id) return reject("UnknownMessage", "a reply answers a message of the same channel")
    }
    return mayPost(c, ctx) ?? lockOk(c, body.key, ctx)
  },
  apply: (state, body, ctx) => {
    const id = hex(body.channel)
    const c = state.channels[id]!
    const lock = body.key === null ? null : hex(body.key)
    const message: Message = {
      key: ctx.key,
      channel: id,
      author: who(ctx),
      at: ctx.communityTime,
      reply: body.reply === null ? null : hex(body.reply),
      lock,
      stale: lock !== null && c.keys[lock]!.epoch !== c.epoch,
      edits: [],
      deleted: null,
      announcement: null
    }
    return withMessage(withChannel(state, id, (ch) => ({ ...ch, messages: [...ch.messages, ctx.key] })), message)
  }
})

const edit = Module.eventType<State, B.Edit>({
  body: B.Edit,
  authority: "member",
  validate: (state, body, ctx) => {
    const m = ownMessage(state, body.message, ctx)
    if (isRejection(m)) return m
    return lockOk(state.channels[m.channel]!, body.key, ctx)
  },
  apply: (state, body, ctx) => {
    const id = hex(body.message)
    const m = messageOf(state, id)!
    return withMessage(state, { ...m, edits: [...m.edits, { key: ctx.key, at: ctx.communityTime, lock: body.key === null ? null : hex(body.key) }] })
  }
})

const del = Module.eventType<State, B.Delete>({
  body: B.Delete,
  authority: "member",
  validate: (state, body, ctx) => {
    const m = ownMessage(state, body.message, ctx)
    if (isRejection(m)) return m
    return m.deleted === null ? undefined : reject("Deleted", "that message was deleted already")
  },
  apply: (state, body, ctx) => {
    const id = hex(body.message)
    return withMessage(state, { ...messageOf(state, id)!, deleted: { key: ctx.key, at: ctx.communityTime } })
  }
})

const announce = Module.eventType<State, B.Announce>({
  body: B.Announce,
  authority: "mandate",
  validate: (state, body, ctx) => {
    const c = channelAt(state, body.channel, ctx)
    if (isRejection(c)) return c
    if (c.post !== "announce") return reject("NotAnnouncementChannel", `"${c.title}" is not an announcement channel; members post in it themselves`)
    return decidesFor(c, ctx)
  },
  apply: (state, body, ctx) => {
    const id = hex(body.channel)
    const message: Message = {
      key: ctx.key,
      channel: id,
      author: actor(ctx),
      at: ctx.communityTime,
      reply: null,
      lock: null,
      stale: false,
      edits: [],
      deleted: null,
      announcement: body.text
    }
    return withMessage(withChannel(state, id, (ch) => ({ ...ch, messages: [...ch.messages, ctx.key] })), message)
  }
})

// --- the public page -----------------------------------------------------------------------

const publish = Module.eventType<State, B.Publish>({
  body: B.Publish,
  authority: "prime",
  apply: (state, body, ctx) => ({
    ...state,
    pages: [...state.pages, { key: ctx.key, manifest: hex(body.manifest), title: body.title, files: body.files, at: ctx.communityTime, by: actor(ctx) }]
  })
})

// --- emergency -----------------------------------------------------------------------------

const raise = Module.eventType<State, B.Raise>({
  body: B.Raise,
  authority: "member",
  apply: (state, body, ctx) => ({
    ...state,
    alerts: {
      ...state.alerts,
      [ctx.key]: {
        key: ctx.key,
        by: who(ctx),
        level: body.level,
        at: ctx.communityTime,
        needs: state.rule.confirmations,
        minutes: state.rule.minutes,
        confirmations: [],
        escalated: null,
        cancelled: null
      }
    }
  })
})

const confirm = Module.eventType<State, B.AlertRef>({
  body: B.AlertRef,
  authority: "member",
  validate: (state, body, ctx) => {
    const a = alertAt(state, body.alert, ctx)
    if (isRejection(a)) return a
    const me = who(ctx)
    if (a.by === me) return reject("OwnAlert", "an alert is confirmed by someone other than the person who raised it")
    if (a.confirmations.some((c) => c.member === me)) return reject("AlreadyConfirmed", "you confirmed this alert already")
    return undefined
  },
  apply: (state, body, ctx) => {
    const id = hex(body.alert)
    const a = state.alerts[id]!
    const inTime = ctx.communityTime <= a.at + a.minutes * MINUTE
    const confirmations = [...a.confirmations, { member: who(ctx), key: ctx.key, at: ctx.communityTime, inTime }]
    const escalated = a.escalated ?? (confirmations.filter((c) => c.inTime).length >= a.needs ? ctx.key : null)
    return { ...state, alerts: { ...state.alerts, [id]: { ...a, confirmations, escalated } } }
  }
})

const cancel = Module.eventType<State, B.AlertRef>({
  body: B.AlertRef,
  authority: "member",
  validate: (state, body, ctx) => {
    const a = alertAt(state, body.alert, ctx)
    if (isRejection(a)) return a
    if (a.by !== who(ctx)) return reject("NotYourAlert", "only the person who raised an alert calls it off")
    return a.cancelled === null ? undefined : reject("Cancelled", "that alert was called off already")
  },
  apply: (state, body, ctx) => {
    const id = hex(body.alert)
    return { ...state, alerts: { ...state.alerts, [id]: { ...state.alerts[id]!, cancelled: ctx.key } } }
  }
})

const emergencyRule = Module.eventType<State, B.EmergencyRule>({
  body: B.EmergencyRule,
  authority: "community",
  apply: (state, body, ctx) => ({ ...state, rule: { confirmations: body.confirmations, minutes: body.minutes, fanout: body.fanout, key: ctx.key } })
})

const endContact = (state: State, member: string, key: string): State => ({
  ...state,
  contacts: state.contacts.map((c) => (c.member === member && c.ended === null ? { ...c, ended: key } : c))
})

const share = Module.eventType<State, B.Share>({
  body: B.Share,
  authority: "member",
  validate: (_state, body) => (strictlySorted(body.readers) ? undefined : reject("InvalidReaders", "list the readers sorted by their bytes, each once")),
  apply: (state, body, ctx) => {
    const me = who(ctx)
    const ended = endContact(state, me, ctx.key)
    return { ...ended, contacts: [...ended.contacts, { member: me, key: ctx.key, readers: body.readers.map(hex), at: ctx.communityTime, ended: null }] }
  }
})

const withdraw = Module.eventType<State, B.Withdraw>({
  body: B.Withdraw,
  authority: "member",
  validate: (state, _body, ctx) =>
    state.contacts.some((c) => c.member === who(ctx) && c.ended === null) ? undefined : reject("NoContact", "you have no emergency contact detail shared to withdraw"),
  apply: (state, _body, ctx) => endContact(state, who(ctx), ctx.key)
})

const drillStart = Module.eventType<State, B.DrillStart>({
  body: B.DrillStart,
  authority: "member",
  validate: (state, _body, ctx) =>
    Tree.participantsAt(state, ctx).filter((m) => m !== who(ctx)).length === 0
      ? reject("TooFewPeople", "nobody else has shared an emergency contact yet, so there is no tree to call through")
      : undefined,
  apply: (state, _body, ctx) => ({
    ...state,
    drills: {
      ...state.drills,
      [ctx.key]: {
        key: ctx.key,
        by: who(ctx),
        at: ctx.communityTime,
        tree: Tree.order(state.community, Tree.participantsAt(state, ctx), who(ctx)),
        fanout: state.rule.fanout,
        confirmations: [],
        ended: null
      }
    }
  })
})

const drillConfirm = Module.eventType<State, B.DrillRef>({
  body: B.DrillRef,
  authority: "member",
  validate: (state, body, ctx) => {
    const d = drillAt(state, body.drill, ctx)
    if (isRejection(d)) return d
    const me = who(ctx)
    if (!d.tree.includes(me)) return reject("NotInDrill", "you were not in the phone tree when this drill started")
    if (d.confirmations.some((c) => c.member === me)) return reject("AlreadyConfirmed", "you confirmed this drill already")
    return undefined
  },
  apply: (state, body, ctx) => {
    const id = hex(body.drill)
    const d = state.drills[id]!
    return { ...state, drills: { ...state.drills, [id]: { ...d, confirmations: [...d.confirmations, { member: who(ctx), key: ctx.key, at: ctx.communityTime }] } } }
  }
})

const drillEnd = Module.eventType<State, B.DrillRef>({
  body: B.DrillRef,
  authority: "member",
  validate: (state, body, ctx) => {
    const d = drillAt(state, body.drill, ctx)
    if (isRejection(d)) return d
    if (d.by !== who(ctx)) return reject("NotYourDrill", "only the person who started a drill ends it")
    return d.ended === null ? undefined : reject("DrillEnded", "that drill is over")
  },
  apply: (state, body, ctx) => {
    const id = hex(body.drill)
    return { ...state, drills: { ...state.drills, [id]: { ...state.drills[id]!, ended: ctx.key } } }
  }
})

// --- standing ------------------------------------------------------------------------------

/** The restrictions mutes impose: no `message.post` in that channel until the time. */
const restrictionsOf = (mutes: ReadonlyArray<{ readonly channel: string; readonly member: string; readonly until: number; readonly reason: string; readonly by: string; readonly key: string }>): ReadonlyArray<Standing.Restriction> =>
  mutes.map((m) => ({
    subject: m.member,
    scope: { module: "expression", types: ["message.post"], where: { channel: m.channel } },
    until: m.until,
    by: m.by === "community" ? "a community decision" : m.by.startsWith("group/") ? "a working group's decision" : "the expression prime group",
    reason: m.reason,
    key: m.key
  }))

/** The expression module's standing: members muted in a channel until a time. */
export const standing: Standing.Provider<State> = {
  restrictions: (state, subject) => restrictionsOf(state.mutes.filter((m) => m.member === subject))
}

/** The expression module (untyped bodies; `module.ts` gives the typed one). */
export const module: Module.Module<State> = Module.make<State>({
  name: "expression",
  init,
  events: {
    "channel.open": open,
    "channel.add": add,
    "channel.leave": leave,
    "channel.remove": remove,
    "channel.rotate": rotate,
    "channel.key": channelKey,
    "channel.rule": rule,
    "channel.retention": retention,
    "channel.mute": mute,
    "message.post": post,
    "message.edit": edit,
    "message.delete": del,
    announce,
    "page.publish": publish,
    "alert.raise": raise,
    "alert.confirm": confirm,
    "alert.cancel": cancel,
    "emergency.rule": emergencyRule,
    "contact.share": share,
    "contact.withdraw": withdraw,
    "drill.start": drillStart,
    "drill.confirm": drillConfirm,
    "drill.end": drillEnd
  },
  queries: Queries.all,
  standing,
  // Words past their channel's retention: every replica drops them (protocol §17 X4).
  erasures: Retention.due
})
