/**
 * The expression screen: the community's channels and their messages (posting and replying),
 * the alert button with the alerts others raised, and the phone tree, a page to print: who
 * calls whom when the network is down. Every change is an `@affinity/expression` event signed
 * by the member; a message's words go in the event's payload, which its author can erase.
 *
 * Private channels (end to end, with keys that rotate) are listed but not opened here.
 *
 * @module
 */
import { Bytes } from "@affinity/core"
import { Expression, Tree } from "@affinity/expression"
import { type Child, h } from "../dom.ts"
import type { Screen, ScreenContext } from "../screen.ts"
import { button, fieldError, type RoomView, type ViewState, when, who } from "../viewParts.ts"
import { heading, identity, names } from "./parts.ts"

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

/** A message's words now: the latest edit's, the announcement, or why there are none. */
const wordsOf = (room: RoomView, m: Expression.Message): string => {
  if (m.announcement !== null) return m.announcement
  if (m.deleted) return "(deleted by its author)"
  if (m.lock !== null) return "(sealed to the channel's members)"
  const latest = m.edits.at(-1)
  return textOf(room, latest ? latest.key : m.key) ?? "(its words were erased)"
}

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

const channels = (s: ViewState, room: RoomView): Child => {
  const all = Object.values(stateOf(room).channels).sort((a, b) => (a.name < b.name ? -1 : 1))
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
              { "data-testid": "channel", "data-channel": c.id },
              c.private ? h("span", {}, `#${c.name}`) : h("a", { href: `#/c/${room.id}/m/expression/${c.id}`, "data-testid": "channel-link" }, `#${c.name}`),
              ` — ${c.title}; ${c.kind === "community" ? "every member" : c.kind === "group" ? "a working group" : c.kind === "private" ? "private, opened in another app" : "a direct conversation"}; ${c.messages.length} message${c.messages.length === 1 ? "" : "s"}`
            )
          )
        ),
    room.status === "full"
      ? h(
          "form",
          { "data-form": "expression:open", class: "inline", novalidate: true },
          h("label", {}, "Open a channel for every member", h("input", { name: "title", maxlength: 200, placeholder: "Garden news", "data-keep": "channel-title", "data-testid": "channel-title" })),
          fieldError(s, "title"),
          h("button", { type: "submit", class: "small", "data-testid": "channel-open", disabled: s.busy }, "Open")
        )
      : null
  )
}

const channelPage = (s: ViewState, room: RoomView, id: string): Child => {
  const state = stateOf(room)
  const c = Object.hasOwn(state.channels, id) ? state.channels[id] : undefined
  if (!c || c.private) return [heading(room, "expression", "Channel"), h("p", { class: "muted" }, "This channel is not here, or it is private.")]
  const messages = c.messages.map((k) => Expression.messageOf(state, k)).filter((m) => m !== undefined)
  const replying = replyTo !== undefined && c.messages.includes(replyTo) ? Expression.messageOf(state, replyTo) : undefined
  return h(
    "div",
    { "data-testid": "channel-page" },
    heading(room, "expression", `#${c.name}`),
    h("p", { class: "hint" }, `${c.title}. Every member reads it. Your words can be erased later; that a message was written stays in the record.`),
    messages.length === 0
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
              h("div", { "data-testid": "message-text" }, wordsOf(room, m)),
              room.status === "full" && !m.deleted ? button("expression:reply", "Reply", { "data-message": m.key, class: "small secondary", "data-testid": "message-reply" }) : null
            )
          })
        ),
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

export const screen: Screen = {
  view,
  prepare: async (ctx: ScreenContext, sub) => {
    await ctx.publishSealingKey().catch(() => undefined)
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
    post: async (values, ctx, form) => {
      const channel = identity(values["channel"])
      const text = (values["text"] ?? "").trim()
      if (!channel) return
      if (text === "") return ctx.fail("text", "write something first")
      const reply = identity(values["reply"])
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
