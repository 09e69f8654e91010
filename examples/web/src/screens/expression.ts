/**
 * The expression screen: the community's channels and their messages (posting and replying),
 * the alert button with the alerts others raised, and the phone tree, a page to print: who
 * calls whom when the network is down. Every change is an `@affinity/expression` event signed
 * by the member; a message's words go in the event's payload, which its author can erase.
 *
 * Private channels and direct conversations are encrypted on the members' devices: this device
 * publishes its sealing key, supplies the key of a channel's current epoch (sealed to every
 * member's current devices) when none is there yet, rotates it when a member left the community
 * or a device it was sealed to was revoked, and reads with the key sealed to it. Members see who
 * can read; someone removed sees plainly that they no longer read what follows.
 *
 * @module
 */
import { Bytes } from "@affinity/core"
import { Epoch, Expression, Tree } from "@affinity/expression"
import { Chat, Private } from "@affinity/expression/client"
import { type Child, h } from "../dom.ts"
import type { Screen, ScreenContext } from "../screen.ts"
import { button, fieldError, type RoomView, type ViewState, when, who } from "../viewParts.ts"
import { heading, hoursOf, identity, memberSelect, names, windowSelect } from "./parts.ts"

const stateOf = (room: RoomView): Expression.State => room.state<Expression.State>("expression")

/** The message a reply is being written to, on this page. */
let replyTo: string | undefined

/** Contact details this device opened, by the key of the event that shared them (`null`: not sealed to this device). */
const contacts = new Map<string, string | null>()

const textOf = (room: RoomView, key: string): string | null => {
  const bytes = room.payload(key)
  if (!bytes) return null
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes)
  } catch {
    return null
  }
}

/** Channel keys this device opened, by key event (`null`: the key was not sealed to this device). */
const channelKeys = new Map<string, Uint8Array | null>()

/** Private words this device decrypted, by the event that carries them (`null`: they do not open). */
const opened = new Map<string, string | null>()

/** Key events and rotations this device has asked for, by channel and epoch, so it asks once. */
const asked = new Set<string>()

/** Members of a private channel none of whose devices can receive sealed words yet, by channel. */
const waiting = new Map<string, ReadonlyArray<string>>()

/** A message's words now: the latest edit's, the announcement, or why there are none. */
const wordsOf = (room: RoomView, m: Expression.Message): string => {
  if (m.announcement !== null) return m.announcement
  if (m.deleted) return "(deleted by its author)"
  const latest = m.edits.at(-1)
  const key = latest ? latest.key : m.key
  if ((latest ? latest.lock : m.lock) !== null) {
    if (!room.payload(key)) return "(its words were erased)"
    return opened.get(key) ?? "(sealed: this device cannot read it)"
  }
  return textOf(room, key) ?? "(its words were erased)"
}

/** A private channel's name; a direct conversation's is its people: `With Bo` for Ada, `Ada and Bo` for anyone else. */
const titleOf = (room: RoomView, c: Expression.Channel): string => {
  if (c.kind !== "direct") return `#${c.name}`
  const people = [...new Set(c.members.map((m) => m.member))]
  return room.identity !== undefined && people.includes(room.identity) ? `With ${names(room, people.filter((m) => m !== room.identity))}` : names(room, people)
}

/** Whether `me` holds a membership of a private channel now. */
const isMember = (c: Expression.Channel, me: string | undefined): boolean => me !== undefined && Expression.membersNow(c).includes(me)

const LEVELS: ReadonlyArray<readonly [Expression.Level, string]> = [
  ["check", "Check on me"],
  ["help", "I need help"],
  ["danger", "Danger"]
]

const alerts = (s: ViewState, room: RoomView): Child => {
  const state = stateOf(room)
  const me = room.identity
  const live = Object.values(state.alerts)
    .filter((a) => a.cancelled === null && room.communityTime - a.at < 24 * 60 * 60 * 1000)
    .sort((a, b) => b.at - a.at)
  return h(
    "div",
    { class: "card", "data-testid": "alerts" },
    h("h3", {}, "Alert"),
    room.status === "full"
      ? h(
          "form",
          { "data-form": "expression:alert", novalidate: true },
          h("label", {}, "What and where", h("input", { name: "what", maxlength: 500, "data-keep": "alert-what", "data-testid": "alert-what", placeholder: "Smoke at the north shed" })),
          h("select", { name: "level", "data-keep": "alert-level", "data-testid": "alert-level" }, LEVELS.map(([v, l]) => h("option", { value: v, selected: v === "help" }, l))),
          fieldError(s, "what"),
          h("button", { type: "submit", class: "alert-button", "data-testid": "alert-raise", disabled: s.busy }, "Raise the alert")
        )
      : null,
    h("p", { class: "hint" }, `An alert reaches every member. It escalates once ${state.rule.confirmations} others confirm it within ${state.rule.minutes} minutes, so one mistaken tap does not wake the whole community.`),
    live.length === 0
      ? null
      : h(
          "ul",
          { class: "list" },
          live.map((a) =>
            h(
              "li",
              { "data-testid": "alert", "data-escalated": a.escalated !== null },
              h("strong", {}, `${LEVELS.find(([v]) => v === a.level)?.[1] ?? a.level}: `),
              `${textOf(room, a.key) ?? "(no words)"} — ${who(room, a.by)}, ${when(a.at)}. ${a.escalated !== null ? "Escalated to everyone." : `${a.confirmations.length} of ${a.needs} confirmations.`}`,
              me !== undefined && a.by !== me && !a.confirmations.some((c) => c.member === me)
                ? button("expression:confirm", "I confirm", { "data-alert": a.key, class: "small", "data-testid": "alert-confirm", disabled: s.busy })
                : null,
              a.by === me ? button("expression:cancel", "Call it off", { "data-alert": a.key, class: "small secondary", disabled: s.busy }) : null
            )
          )
        )
  )
}

const KINDS: Readonly<Record<Expression.Kind, string>> = {
  community: "every member",
  group: "a working group",
  private: "private",
  direct: "a direct conversation"
}

const channels = (s: ViewState, room: RoomView): Child => {
  const all = Object.values(stateOf(room).channels).sort((a, b) => (a.name < b.name ? -1 : 1))
  const me = room.identity
  const others = room.full.filter((m) => m !== me)
  return h(
    "div",
    { class: "card", "data-testid": "channels" },
    h("h3", {}, "Channels"),
    all.length === 0
      ? h("p", { class: "muted" }, "No channel yet.")
      : h(
          "ul",
          { class: "list" },
          all.map((c) =>
            h(
              "li",
              { "data-testid": "channel", "data-channel": c.id, "data-kind": c.kind },
              h("a", { href: `#/c/${room.id}/m/expression/${c.id}`, "data-testid": "channel-link" }, c.private ? titleOf(room, c) : `#${c.name}`),
              ` — ${c.kind === "direct" ? "" : `${c.title}; `}${c.private ? `${KINDS[c.kind]}, read by ${names(room, Expression.membersNow(c))}` : KINDS[c.kind]}; ${c.messages.length} message${c.messages.length === 1 ? "" : "s"}`
            )
          )
        ),
    room.status === "full"
      ? [
          h(
            "form",
            { "data-form": "expression:open", class: "inline", novalidate: true },
            h("label", {}, "Open a channel for every member", h("input", { name: "title", maxlength: 200, placeholder: "Garden news", "data-keep": "channel-title", "data-testid": "channel-title" })),
            fieldError(s, "title"),
            h("button", { type: "submit", class: "small", "data-testid": "channel-open", disabled: s.busy }, "Open")
          ),
          others.length === 0
            ? null
            : [
                h(
                  "form",
                  { "data-form": "expression:open-private", novalidate: true, "data-testid": "private-form" },
                  h("h4", {}, "A private channel"),
                  h("p", { class: "hint" }, "Only its members read it: the words are encrypted on their devices, and the relay and everyone else see only that a message was written, by whom and when."),
                  h("label", {}, "Title", h("input", { name: "title", maxlength: 80, placeholder: "Planning the fair", "data-keep": "private-title", "data-testid": "private-title" })),
                  fieldError(s, "private-title"),
                  h(
                    "fieldset",
                    { class: "choices" },
                    h("legend", {}, "With"),
                    others.map((m) =>
                      h("label", { class: "choice" }, h("input", { type: "checkbox", name: `with-${m}`, "data-keep": `private-with-${m}`, "data-testid": "private-with", "data-member": m }), ` ${who(room, m)}`)
                    )
                  ),
                  fieldError(s, "private-with"),
                  h("button", { type: "submit", class: "small", "data-testid": "private-open", disabled: s.busy }, "Open the private channel")
                ),
                h(
                  "form",
                  { "data-form": "expression:open-direct", class: "inline", novalidate: true },
                  memberSelect(room, "member", "A direct conversation with", { others: true, testid: "direct-with" }),
                  fieldError(s, "direct-with"),
                  h("button", { type: "submit", class: "small", "data-testid": "direct-open", disabled: s.busy }, "Talk")
                )
              ]
        ]
      : null
  )
}

const channelPage = (s: ViewState, room: RoomView, id: string): Child => {
  const state = stateOf(room)
  const c = Object.hasOwn(state.channels, id) ? state.channels[id] : undefined
  if (!c) return [heading(room, "expression", "Channel"), h("p", { class: "muted" }, "This channel is not here yet.")]
  if (c.private) return privatePage(s, room, c)
  const replying = replyTo !== undefined && c.messages.includes(replyTo) ? Expression.messageOf(state, replyTo) : undefined
  return h(
    "div",
    { "data-testid": "channel-page" },
    heading(room, "expression", `#${c.name}`),
    h("p", { class: "hint" }, `${c.title}. Every member reads it. Your words can be erased later; that a message was written stays in the record.`),
    messageList(room, state, c, room.status === "full"),
    room.status === "full"
      ? h(
          "form",
          { "data-form": "expression:post", class: "card", novalidate: true },
          h("input", { type: "hidden", name: "channel", value: c.id }),
          replying ? [h("input", { type: "hidden", name: "reply", value: replying.key }), h("p", { class: "hint", "data-testid": "replying" }, `Replying to ${who(room, replying.author)}`)] : null,
          h("label", {}, "Message", h("textarea", { name: "text", rows: 3, maxlength: 4000, "data-keep": `post-${c.id}`, "data-testid": "post-text" })),
          fieldError(s, "text"),
          h("div", { class: "buttons" }, h("button", { type: "submit", "data-testid": "post-submit", disabled: s.busy }, "Send"), replying ? button("expression:reply-cancel", "Not a reply", { class: "secondary" }) : null)
        )
      : null
  )
}

/** The message list of a channel, with a reply button for those who may post. */
const messageList = (room: RoomView, state: Expression.State, c: Expression.Channel, canPost: boolean): Child => {
  const messages = c.messages.map((k) => Expression.messageOf(state, k)).filter((m) => m !== undefined)
  return messages.length === 0
    ? h("p", { class: "muted" }, "No message yet.")
    : h(
        "div",
        { "data-testid": "messages" },
        messages.map((m) => {
          const parent = m.reply ? Expression.messageOf(state, m.reply) : undefined
          return h(
            "div",
            { class: `message${m.reply ? " reply" : ""}`, "data-testid": "message", "data-message": m.key },
            parent ? h("span", { class: "reply-to" }, `↳ to ${who(room, parent.author)}: ${wordsOf(room, parent).slice(0, 60)}`) : null,
            h("strong", {}, who(room, m.author)),
            h("small", { class: "muted" }, ` ${when(m.at)}${m.edits.length > 0 ? " (edited)" : ""}`),
            m.stale ? h("small", { class: "muted", "data-testid": "message-stale" }, " — written before its author saw a change of members: whoever left then may read it") : null,
            h("div", { "data-testid": "message-text" }, wordsOf(room, m)),
            canPost && !m.deleted ? button("expression:reply", "Reply", { "data-message": m.key, class: "small secondary", "data-testid": "message-reply" }) : null
          )
        })
      )
}

/** Where this person stands in a private channel, in a sentence; `null` for a member. */
const standingIn = (room: RoomView, c: Expression.Channel): Child => {
  const me = room.identity
  if (isMember(c, me)) return null
  const mine = c.members.filter((m) => m.member === me && m.ended !== null)
  const last = mine.at(-1)
  const text =
    last?.end === "removed"
      ? "You were removed from this channel by a decision. You can no longer read what its members write from then on; what was written before stays readable on this device."
      : last?.end === "left"
        ? "You left this channel. You can no longer read what its members write from then on; what was written before stays readable on this device."
        : "You are not a member of this channel: you see that messages were written, by whom and when, but not their words."
  return h("p", { class: "card", "data-testid": "channel-outside", "data-standing": last?.end ?? "outside" }, text)
}

const privatePage = (s: ViewState, room: RoomView, c: Expression.Channel): Child => {
  const state = stateOf(room)
  const me = room.identity
  // Someone who left the community is no longer sealed to, so no longer among the readers.
  const members = Expression.membersNow(c).filter((m) => room.full.includes(m))
  const member = isMember(c, me)
  const canPost = member && room.status === "full"
  const replying = replyTo !== undefined && c.messages.includes(replyTo) ? Expression.messageOf(state, replyTo) : undefined
  const cannot = (waiting.get(c.id) ?? []).filter((m) => members.includes(m))
  const candidates = room.full.filter((m) => !members.includes(m))
  return h(
    "div",
    { "data-testid": "channel-page", "data-private": true },
    heading(room, "expression", titleOf(room, c)),
    h(
      "p",
      { class: "hint" },
      `${c.kind === "direct" ? "A direct conversation" : `${c.title}. A private channel`}: its words are encrypted on its members' devices. The relay and everyone else see only that a message was written, by whom and when.`
    ),
    h("p", { "data-testid": "channel-readers" }, `Who can read this: ${names(room, members)}.`),
    cannot.length === 0
      ? null
      : h("p", { class: "hint", "data-testid": "channel-waiting" }, `${names(room, cannot)} cannot read yet: no device of theirs can receive sealed words. It will once they open this page.`),
    standingIn(room, c),
    messageList(room, state, c, canPost),
    canPost
      ? h(
          "form",
          { "data-form": "expression:post", class: "card", novalidate: true },
          h("input", { type: "hidden", name: "channel", value: c.id }),
          replying ? [h("input", { type: "hidden", name: "reply", value: replying.key }), h("p", { class: "hint", "data-testid": "replying" }, `Replying to ${who(room, replying.author)}`)] : null,
          h("label", {}, "Message", h("textarea", { name: "text", rows: 3, maxlength: 4000, "data-keep": `post-${c.id}`, "data-testid": "post-text" })),
          fieldError(s, "text"),
          h("p", { class: "hint" }, `Encrypted on this device for ${names(room, members)}.`),
          h("div", { class: "buttons" }, h("button", { type: "submit", "data-testid": "post-submit", disabled: s.busy }, "Send"), replying ? button("expression:reply-cancel", "Not a reply", { class: "secondary" }) : null)
        )
      : null,
    canPost && c.kind === "private"
      ? h(
          "div",
          { class: "card" },
          h("h3", {}, "Members"),
          candidates.length === 0
            ? null
            : h(
                "form",
                { "data-form": "expression:add", class: "inline", novalidate: true },
                h("input", { type: "hidden", name: "channel", value: c.id }),
                h(
                  "label",
                  {},
                  "Add",
                  h("select", { name: "member", "data-keep": `add-${c.id}`, "data-testid": "add-member" }, h("option", { value: "" }, "Choose…"), candidates.map((m) => h("option", { value: m }, who(room, m))))
                ),
                fieldError(s, "add-member"),
                h("button", { type: "submit", class: "small", "data-testid": "add-submit", disabled: s.busy }, "Add")
              ),
          h("p", { class: "hint" }, "Whoever is added reads what is written from then on, not before."),
          button("expression:leave", "Leave this channel", { "data-channel": c.id, class: "small secondary", "data-testid": "channel-leave", disabled: s.busy })
        )
      : null,
    room.status === "full" && c.kind === "private" && members.length > 0
      ? h(
          "form",
          { "data-form": "expression:remove", class: "card", novalidate: true },
          h("h3", {}, "Remove a member"),
          h("p", { class: "hint" }, "The community decides. Once removed, they no longer read what is written; the key changes for everyone else."),
          h("input", { type: "hidden", name: "channel", value: c.id }),
          h(
            "label",
            {},
            "Who",
            h("select", { name: "member", "data-keep": `remove-${c.id}`, "data-testid": "remove-member" }, h("option", { value: "" }, "Choose…"), members.map((m) => h("option", { value: m }, who(room, m))))
          ),
          fieldError(s, "remove-member"),
          h("label", {}, "Why", h("input", { name: "reason", maxlength: 400, "data-keep": `remove-reason-${c.id}`, "data-testid": "remove-reason" })),
          fieldError(s, "remove-reason"),
          windowSelect(s, "remove-hours"),
          h("button", { type: "submit", "data-testid": "remove-propose", disabled: s.busy }, "Propose the removal")
        )
      : null
  )
}

const treePage = (s: ViewState, room: RoomView): Child => {
  const state = stateOf(room)
  const me = room.identity
  const root = me ?? room.full[0] ?? ""
  const tree = root === "" ? [] : Tree.now(state, room.full, root)
  const fanout = state.rule.fanout
  const shared = me !== undefined && state.contacts.some((c) => c.member === me && c.ended === null)
  const contactOf = (m: string): string => {
    const c = state.contacts.find((x) => x.member === m && x.ended === null)
    const t = c ? contacts.get(c.key) : undefined
    return t ? ` — ${t}` : ""
  }
  return h(
    "div",
    { "data-testid": "phone-tree" },
    heading(room, "expression", "Phone tree"),
    h("p", { class: "hint" }, `When phones work but the network does not, each person calls the next ${fanout}: everyone is reached in ${Tree.rounds(tree, fanout)} rounds of calls. The order is drawn from the community's id, so nobody is always last.`),
    h("p", { class: "hint no-print" }, "Print this page and keep it by the phone. It shows the numbers shared with you."),
    tree.length <= 1
      ? h("p", { class: "muted" }, "Nobody else has shared a number yet.")
      : h(
          "ol",
          { class: "tree", "data-testid": "tree" },
          tree.map((m) => {
            const calls = Tree.calls(tree, fanout, m)
            return h("li", { "data-testid": "tree-person" }, h("strong", {}, `${who(room, m)}${contactOf(m)}`), calls.length > 0 ? ` calls ${names(room, calls)}` : "")
          })
        ),
    room.status === "full"
      ? h(
          "form",
          { "data-form": "expression:contact", class: "card no-print", novalidate: true },
          h("h3", {}, shared ? "Change your number" : "Share your number"),
          h("label", {}, "A phone number or how to reach you", h("input", { name: "contact", maxlength: 200, autocomplete: "tel", "data-keep": "contact", "data-testid": "contact" })),
          fieldError(s, "contact"),
          h("p", { class: "hint" }, "It is sealed to the members: the relay and anyone outside cannot read it. You can take it back at any time."),
          h("button", { type: "submit", "data-testid": "contact-share", disabled: s.busy }, "Share")
        )
      : null,
    button("expression:print", "Print", { class: "no-print", "data-testid": "tree-print" })
  )
}

const view = (s: ViewState, room: RoomView, sub: string | undefined): Child => {
  if (sub === "tree") return treePage(s, room)
  if (sub !== undefined) return channelPage(s, room, sub)
  return h(
    "section",
    {},
    heading(room, "expression"),
    alerts(s, room),
    channels(s, room),
    h("p", {}, h("a", { href: `#/c/${room.id}/m/expression/tree`, "data-testid": "open-tree", class: "page-link" }, "The phone tree (to print)"))
  )
}

const ref = (el: HTMLElement, name: string): string | undefined => identity(el.getAttribute(name) ?? "")

/** A channel's name from its title: `Garden news` → `garden-news`. */
const slug = (title: string): string =>
  title
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 32)
    .replace(/-+$/, "")

/** A channel as the community handle holds it now (fresher than the page's view after an act). */
const channelNow = (ctx: ScreenContext, id: string): Expression.Channel | undefined => {
  const channels = ctx.handle.state<Expression.State>("expression").channels
  return Object.hasOwn(channels, id) ? channels[id] : undefined
}

/** The key of a key event, opened with this device (and kept); `undefined` when it cannot. */
const openKey = async (ctx: ScreenContext, c: Expression.Channel, lock: string): Promise<Uint8Array | undefined> => {
  const known = channelKeys.get(lock)
  if (known !== undefined) return known ?? undefined
  const k = Object.hasOwn(c.keys, lock) ? c.keys[lock] : undefined
  const sealed = ctx.room.payload(lock) ?? ctx.handle.payload(lock)
  if (!k || !sealed) return undefined
  const key = await ctx.unseal(sealed, Private.keyContext(c.id, k.epoch))
  channelKeys.set(lock, key ?? null)
  return key
}

/** The full members of a private channel now: those its key is sealed to. */
const readersOf = (ctx: ScreenContext, c: Expression.Channel): ReadonlyArray<string> => {
  const full = new Set(ctx.handle.members())
  return Expression.membersNow(c).filter((m) => full.has(m))
}

/**
 * Supply the key of a private channel's current epoch: 32 random bytes sealed to every current
 * device of its members, signed as `channel.key`. Resolves to the key event and the key.
 */
const supplyKey = async (ctx: ScreenContext, c: Expression.Channel): Promise<{ readonly lock: string; readonly key: Uint8Array } | undefined> => {
  await ctx.publishSealingKey()
  const epoch = Epoch.now(c)
  const key = Private.newKey()
  const sealed = await ctx.handle.seal(readersOf(ctx, c), key, { context: Private.keyContext(c.id, epoch) }).catch(() => undefined)
  if (!sealed) {
    ctx.say("error", "Not done: no member of this channel has a device that can receive sealed words yet. Open this page again once they have opened theirs.")
    return undefined
  }
  const devices = [...new Set(sealed.recipients.map((r) => r.device))]
  const lock = await ctx.act(Expression.channelKey(c.id, epoch, devices), { payload: sealed.sealed })
  if (!lock) return undefined
  channelKeys.set(lock, key)
  return { lock, key }
}

/**
 * Whether a key of the channel's current epoch went to a device that should not read on: one
 * revoked since, or one of someone no longer a member of the community. A rotation is asked
 * only then, so a new epoch, whose key is sealed to current devices only, does not ask again.
 */
const staleDevices = (ctx: ScreenContext, c: Expression.Channel): boolean => {
  const current = new Set(ctx.handle.sealingKeys(readersOf(ctx, c)).map((r) => r.device))
  const epoch = Epoch.now(c)
  return Object.values(c.keys).some((k) => k.epoch === epoch && Chat.sealedTo(ctx.handle.event(k.key)?.body ?? null).some((d) => !current.has(d)))
}

/** The current sealing devices of a private channel's members (those in the community), by member. */
const reachableOf = (ctx: ScreenContext, c: Expression.Channel): ReadonlyMap<string, ReadonlyArray<string>> => {
  const out = new Map<string, Array<string>>()
  for (const r of ctx.handle.sealingKeys(readersOf(ctx, c))) out.set(r.identity, [...(out.get(r.identity) ?? []), r.device])
  return out
}

/** Whether a key event was sealed to every current device in `reachable` (so each reads what is written under it, a new phone too). */
const covers = (ctx: ScreenContext, lock: string, reachable: ReadonlyMap<string, ReadonlyArray<string>>): boolean => {
  const devices = new Set(Chat.sealedTo(ctx.handle.event(lock)?.body ?? null))
  return [...reachable.values()].every((ds) => ds.every((d) => devices.has(d)))
}

/**
 * Keep a private channel readable by its members, as one of them: rotate its key when
 * `Chat.needsRotation` says a member left the community or a device was revoked, and supply a
 * key of the current epoch when none is there yet, or when none reaches every device that can
 * receive sealed words now (a member, or a new device of one, published its key after the last
 * one was made). Each is asked once per epoch (and set of devices reached) from this page.
 */
const settle = async (ctx: ScreenContext, id: string): Promise<void> => {
  let c = channelNow(ctx, id)
  if (!c || !isMember(c, ctx.room.identity) || ctx.room.status !== "full") return
  const epoch = Epoch.now(c)
  if (Chat.needsRotation(ctx.handle, id) !== null && staleDevices(ctx, c) && !asked.has(`rotate:${id}:${epoch}`)) {
    asked.add(`rotate:${id}:${epoch}`)
    if (!(await ctx.act(Expression.rotate(id)))) return
    c = channelNow(ctx, id)
    if (!c || Epoch.now(c) === epoch) return
  }
  const now = Epoch.now(c)
  const reachable = reachableOf(ctx, c)
  const ask = `key:${id}:${now}:${[...reachable.values()].flat().sort().join(",")}`
  if (Object.values(c.keys).some((k) => k.epoch === now && covers(ctx, k.key, reachable)) || asked.has(ask)) return
  asked.add(ask)
  await supplyKey(ctx, c)
}

/**
 * The key this device encrypts under now: of the current epoch's keys it opens, the first (by
 * time) that reaches every device that can receive sealed words, else the first; or one it supplies.
 */
const currentKey = async (ctx: ScreenContext, c: Expression.Channel): Promise<{ readonly lock: string; readonly key: Uint8Array } | undefined> => {
  const epoch = Epoch.now(c)
  const reachable = reachableOf(ctx, c)
  const reach = (lock: string): number => (covers(ctx, lock, reachable) ? 0 : 1)
  const candidates = Object.values(c.keys)
    .filter((k) => k.epoch === epoch)
    .sort((a, b) => reach(a.key) - reach(b.key) || a.at - b.at || (a.key < b.key ? -1 : 1))
  for (const k of candidates) {
    const key = await openKey(ctx, c, k.key)
    if (key) return { lock: k.key, key }
  }
  return supplyKey(ctx, c)
}

/** Decrypt what this device has not read yet of a private channel's messages and edits. */
const readChannel = async (ctx: ScreenContext, c: Expression.Channel): Promise<void> => {
  const state = ctx.handle.state<Expression.State>("expression")
  for (const id of c.messages) {
    const m = Expression.messageOf(state, id)
    if (!m) continue
    for (const [key, lock] of [[m.key, m.lock], ...m.edits.map((e) => [e.key, e.lock] as const)] as const) {
      const known = opened.get(key)
      if (lock === null || (known !== undefined && known !== null)) continue
      const box = ctx.handle.payload(key)
      if (!box) continue
      const k = await openKey(ctx, c, lock)
      opened.set(key, k ? Private.decrypt(k, box, Private.messageAad(ctx.handle.id, c.id, lock)) : null)
    }
  }
}

/** Post `text` in a private channel, encrypted on this device under the current epoch's key. */
const postPrivate = async (ctx: ScreenContext, id: string, text: string, reply: string | undefined): Promise<boolean> => {
  await settle(ctx, id)
  const c = channelNow(ctx, id)
  if (!c) return false
  const current = await currentKey(ctx, c)
  if (!current) return false
  const payload = Private.encrypt(current.key, text, Private.messageAad(ctx.handle.id, c.id, current.lock))
  const k = await ctx.act(Expression.post(id, { key: current.lock, ...(reply ? { reply } : {}) }), { payload })
  if (k) opened.set(k, text)
  return k !== undefined
}

export const screen: Screen = {
  view,
  prepare: async (ctx: ScreenContext, sub) => {
    await ctx.publishSealingKey().catch(() => undefined)
    if (sub !== undefined && sub !== "tree") {
      const c = channelNow(ctx, sub)
      if (!c?.private) return
      const members = Expression.membersNow(c)
      const reachable = new Set(ctx.handle.sealingKeys(members).map((r) => r.identity))
      waiting.set(c.id, members.filter((m) => !reachable.has(m)))
      await settle(ctx, c.id)
      await readChannel(ctx, channelNow(ctx, c.id) ?? c)
      return
    }
    if (sub !== "tree") return
    for (const c of stateOf(ctx.room).contacts) {
      if (c.ended !== null || contacts.has(c.key)) continue
      const sealed = ctx.room.payload(c.key)
      if (!sealed) continue
      const opened = await ctx.unseal(sealed)
      contacts.set(c.key, opened ? new TextDecoder().decode(opened) : null)
    }
  },
  forms: {
    open: async (values, ctx) => {
      const title = (values["title"] ?? "").trim()
      const name = slug(title)
      if (name === "") return ctx.fail("title", "give the channel a title with letters or digits")
      const k = await ctx.act(Expression.openChannel({ name, title, kind: "community" }))
      if (k) ctx.go(`#/c/${ctx.room.id}/m/expression/${k}`)
    },
    "open-private": async (values, ctx) => {
      const title = (values["title"] ?? "").trim()
      const name = slug(title)
      if (name === "") return ctx.fail("private-title", "give the channel a title with letters or digits")
      const me = ctx.room.identity
      const members = ctx.room.full.filter((m) => m !== me && values[`with-${m}`] === "on")
      if (members.length === 0) return ctx.fail("private-with", "choose at least one person to talk with")
      const k = await ctx.act(Expression.openChannel({ name, title: title.slice(0, 80), kind: "private", members }))
      if (k) ctx.go(`#/c/${ctx.room.id}/m/expression/${k}`)
    },
    "open-direct": async (values, ctx) => {
      const me = ctx.room.identity
      const other = identity(values["member"])
      if (!me || !other || other === me) return ctx.fail("direct-with", "choose the person to talk with")
      const existing = Object.values(stateOf(ctx.room).channels).find((c) => c.kind === "direct" && c.members.some((m) => m.member === me) && c.members.some((m) => m.member === other))
      if (existing) return ctx.go(`#/c/${ctx.room.id}/m/expression/${existing.id}`)
      const k = await ctx.act(Expression.openChannel({ name: "direct", title: "A direct conversation", kind: "direct", members: [other] }))
      if (k) ctx.go(`#/c/${ctx.room.id}/m/expression/${k}`)
    },
    add: async (values, ctx, form) => {
      const channel = identity(values["channel"])
      const member = identity(values["member"])
      if (!channel) return
      if (!member) return ctx.fail("add-member", "choose whom to add")
      if (await ctx.act(Expression.addMember(channel, member))) {
        form.reset()
        ctx.say("ok", `${names(ctx.room, [member])} is a member now: they read what is written from now on.`)
      }
    },
    remove: async (values, ctx) => {
      const channel = identity(values["channel"])
      const member = identity(values["member"])
      const reason = (values["reason"] ?? "").trim()
      if (!channel) return
      if (!member) return ctx.fail("remove-member", "choose whom to remove")
      if (reason === "") return ctx.fail("remove-reason", "say why, in a few words: the community reads it before it decides")
      const c = channelNow(ctx, channel)
      await ctx.propose({
        title: `Remove ${names(ctx.room, [member]).replace(/ \(you\)$/, "")} from ${c ? `#${c.name}` : "a private channel"}`,
        text: reason,
        actions: [Expression.removeMember(channel, member, reason.slice(0, 400))],
        hours: hoursOf(values["hours"])
      })
    },
    post: async (values, ctx, form) => {
      const channel = identity(values["channel"])
      const text = (values["text"] ?? "").trim()
      if (!channel) return
      if (text === "") return ctx.fail("text", "write something first")
      const reply = identity(values["reply"])
      if (channelNow(ctx, channel)?.private) {
        if (await postPrivate(ctx, channel, text, reply)) {
          replyTo = undefined
          form.reset()
        }
        return
      }
      if (await ctx.act(Expression.post(channel, reply ? { reply } : {}), { payload: Bytes.utf8(text) })) {
        replyTo = undefined
        form.reset()
      }
    },
    alert: async (values, ctx, form) => {
      const what = (values["what"] ?? "").trim()
      if (what === "") return ctx.fail("what", "say what is happening and where, in a few words")
      const level = LEVELS.find(([v]) => v === values["level"])?.[0] ?? "help"
      if (await ctx.act(Expression.raise(level), { payload: Bytes.utf8(what) })) {
        form.reset()
        ctx.say("ok", "The alert is raised: every member sees it now.")
      }
    },
    contact: async (values, ctx, form) => {
      const me = ctx.room.identity
      const contact = (values["contact"] ?? "").trim()
      if (!me) return
      if (contact === "") return ctx.fail("contact", "write a number or how to reach you")
      const others = ctx.room.full.filter((m) => m !== me)
      const { sealed, readers } = await ctx.seal([me, ...others], Bytes.utf8(contact))
      const k = await ctx.act(Expression.shareContact(readers), { payload: sealed })
      if (k) {
        contacts.set(k, contact)
        form.reset()
        ctx.say("ok", readers.length > 1 ? `Your number is shared with ${names(ctx.room, readers.filter((r) => r !== me))}.` : "Your number is kept; the others can read it once their devices can receive sealed words.")
      }
    }
  },
  actions: {
    reply: async (el) => {
      replyTo = ref(el, "data-message")
    },
    "reply-cancel": async () => {
      replyTo = undefined
    },
    leave: async (el, ctx) => {
      const channel = ref(el, "data-channel")
      if (channel && (await ctx.act(Expression.leaveChannel(channel)))) ctx.say("ok", "You left the channel: you no longer read what its members write from now on.")
    },
    confirm: async (el, ctx) => {
      const a = ref(el, "data-alert")
      if (a && (await ctx.act(Expression.confirm(a)))) ctx.say("ok", "Your confirmation is recorded.")
    },
    cancel: async (el, ctx) => {
      const a = ref(el, "data-alert")
      if (a && (await ctx.act(Expression.cancel(a)))) ctx.say("ok", "The alert is called off.")
    },
    print: async () => {
      window.print()
    }
  }
}
