/**
 * The justice screen: my cases, and for each who can read its words (the privacy is shown to
 * the person, not assumed); raising a grievance, its words sealed to those people only;
 * restrictions in force with their expiry; appeals, heard by a panel drawn by lot. Every
 * change is an `@affinity/justice` event signed by the member.
 *
 * @module
 */
import { Bytes } from "@affinity/core"
import * as Governance from "@affinity/governance"
import * as Justice from "@affinity/justice"
import { type Child, h } from "../dom.ts"
import type { Screen, ScreenContext } from "../screen.ts"
import { button, fieldError, type RoomView, type ViewState, when, who } from "../viewParts.ts"
import { day, groupName, heading, identity, left, memberSelect, names } from "./parts.ts"

const stateOf = (room: RoomView): Justice.State => room.state<Justice.State>("justice")

/** The words of cases this device opened: the case's words, or `null` when it cannot read them. */
const words = new Map<string, string | null>()

/** The justice group's seats now: who handles a case filed now (empty before the first draw). */
const seatsNow = (room: RoomView): ReadonlyArray<string> =>
  room.gov.lastTerm > 0 ? Governance.Records.seats(room.gov, room.gov.lastTerm, "justice", (m) => room.full.includes(m)) : []

/** A subject in words: a member by name, or a working group. */
const subjectWords = (room: RoomView, subject: string): string => (subject.startsWith("group/") ? groupName(room, subject.slice(6)) : who(room, subject))

/** What a restriction stops, in words. */
const scopeWords = (r: Justice.Restriction): string => {
  const types = r.scope.types?.join(", ")
  return r.scope.module === undefined ? "everything they do in the community" : `${types ? `${types} in ` : "everything in "}${r.scope.module}`
}

const STATUS: Readonly<Record<Justice.Case["status"], string>> = { open: "open", repaired: "repaired", decided: "decided", withdrawn: "withdrawn" }

const myCases = (s: ViewState, room: RoomView): Child => {
  const me = room.identity
  const cases = Object.values(stateOf(room).cases)
    .filter((c) => me !== undefined && Justice.readers(c).includes(me))
    .sort((a, b) => b.filed - a.filed)
  return h(
    "div",
    { class: "card", "data-testid": "my-cases" },
    h("h3", {}, "My cases"),
    h("p", { class: "hint" }, "Everyone sees that a case exists, who is in it and when it moved on; only its parties and the people handling it can read its words."),
    cases.length === 0
      ? h("p", { class: "muted" }, "None.")
      : h(
          "ul",
          { class: "list" },
          cases.map((c) => {
            const about = "member" in c.about ? who(room, c.about.member) : "group" in c.about ? groupName(room, c.about.group) : "a device"
            const said = words.get(c.id)
            return h(
              "li",
              { "data-testid": "case", "data-case": c.id, "data-status": c.status },
              h("strong", {}, `${c.filer === me ? "Your grievance" : `${who(room, c.filer)}'s grievance`} about ${about}`),
              ` — ${STATUS[c.status]}, filed ${when(c.filed)}`,
              h("p", { "data-testid": "case-readers" }, `Who can read this: ${names(room, Justice.readers(c))}.`),
              c.weight === "prime"
                ? h("p", { class: "hint" }, "The justice group handles it; the community votes only if they cannot settle it.")
                : h("p", { class: "hint" }, "The community reviews it: every member at filing may vote on what to do, but only the people above read its words."),
              said ? h("q", { "data-testid": "case-words" }, said) : said === null ? h("p", { class: "muted" }, "Its words were not sealed to this device.") : null,
              c.status === "open" && (c.filer === me || c.affected === me)
                ? button("justice:withdraw", "Withdraw it", { "data-case": c.id, class: "small secondary", "data-testid": "case-withdraw", disabled: s.busy })
                : null
            )
          })
        )
  )
}

const fileForm = (s: ViewState, room: RoomView): Child => {
  if (room.status !== "full") return null
  const seats = seatsNow(room)
  return h(
    "form",
    { "data-form": "justice:file", class: "card", "data-testid": "file", novalidate: true },
    h("h3", {}, "Raise a grievance"),
    memberSelect(room, "about", "About", { others: true, testid: "file-about" }),
    fieldError(s, "about"),
    h(
      "label",
      {},
      "Who handles it",
      h(
        "select",
        { name: "weight", "data-keep": "file-weight", "data-testid": "file-weight" },
        h("option", { value: "prime" }, "the justice group"),
        h("option", { value: "community" }, "the whole community")
      )
    ),
    h("label", {}, "What happened (only the people below can read it)", h("textarea", { name: "words", rows: 4, maxlength: 4000, "data-keep": "justice-words", "data-testid": "file-words" })),
    fieldError(s, "words"),
    h(
      "p",
      { class: "hint", "data-testid": "file-readers" },
      `Who will be able to read it: you, the person it is about${seats.length > 0 ? `, and the justice group now seated (${names(room, seats)})` : " (the justice group has no seats yet)"}. Nobody else, not even the relay.`
    ),
    h("p", { class: "hint" }, "The aim is repair first: with everyone's consent, a circle meets and agrees what each will do. Decisions come only if repair fails."),
    h("button", { type: "submit", "data-testid": "file-submit", disabled: s.busy }, "File it")
  )
}

const restrictions = (s: ViewState, room: RoomView): Child => {
  const state = stateOf(room)
  const now = room.communityTime
  const me = room.identity
  const live = Object.values(state.restrictions)
    .filter((r) => Justice.inForce(r, now))
    .sort((a, b) => Justice.expiry(a) - Justice.expiry(b))
  return h(
    "div",
    { class: "card", "data-testid": "restrictions" },
    h("h3", {}, "Restrictions in force"),
    h("p", { class: "hint" }, "Every restriction is limited to some acts and expires: it protects people for a time, and nobody is shut out for ever without a new decision."),
    live.length === 0
      ? h("p", { class: "muted" }, "None.")
      : h(
          "ul",
          { class: "list" },
          live.map((r) =>
            h(
              "li",
              { "data-testid": "restriction" },
              h("strong", {}, subjectWords(room, r.subject)),
              ` may not do ${scopeWords(r)} until ${day(Justice.expiry(r))} (${left(Justice.expiry(r), now)}); decided by ${r.by === "prime" ? "the justice group" : "the community"}: “${r.reason}”`,
              r.subject === me && r.appeal === null && now <= r.at + state.params.appealDays * Justice.DAY
                ? [
                    h("p", { class: "hint" }, `You may appeal until ${day(r.at + state.params.appealDays * Justice.DAY)}.`),
                    button("justice:appeal", "Appeal", { "data-restriction": r.key, class: "small", "data-testid": "appeal", disabled: s.busy })
                  ]
                : null
            )
          )
        )
  )
}

const appeals = (s: ViewState, room: RoomView): Child => {
  const state = stateOf(room)
  const me = room.identity
  const list = Object.values(state.appeals).sort((a, b) => b.at - a.at)
  if (list.length === 0) return null
  return h(
    "div",
    { class: "card", "data-testid": "appeals" },
    h("h3", {}, "Appeals"),
    h("p", { class: "hint" }, "A panel drawn by lot hears each appeal, leaving out whoever decided the restriction, so fresh eyes judge it."),
    h(
      "ul",
      { class: "list" },
      list.map((a) => {
        const r = state.restrictions[a.restriction]
        const mine = me !== undefined && a.panel.includes(me) && a.decided === null && !a.stances.some((x) => x.member === me)
        return h(
          "li",
          { "data-testid": "appeal-item" },
          `${who(room, a.by)} appeals${r ? ` the restriction on ${scopeWords(r)}` : ""}. Panel: ${names(room, a.panel)}. `,
          a.decided ? h("strong", {}, a.decided.verdict === "overturn" ? "Overturned." : "Upheld.") : `${a.stances.length} of ${a.panel.length} have spoken.`,
          mine
            ? h(
                "div",
                { class: "buttons" },
                button("justice:uphold", "Uphold", { "data-appeal": a.key, class: "small secondary", disabled: s.busy }),
                button("justice:overturn", "Overturn", { "data-appeal": a.key, class: "small", disabled: s.busy })
              )
            : null
        )
      })
    )
  )
}

const ref = (el: HTMLElement, name: string): string | undefined => identity(el.getAttribute(name) ?? "")

export const screen: Screen = {
  view: (s, room) => h("section", {}, heading(room, "justice"), myCases(s, room), fileForm(s, room), restrictions(s, room), appeals(s, room)),
  prepare: async (ctx: ScreenContext) => {
    await ctx.publishSealingKey().catch(() => undefined)
    const me = ctx.room.identity
    if (!me) return
    for (const c of Object.values(stateOf(ctx.room).cases)) {
      if (words.has(c.id) || !Justice.readers(c).includes(me)) continue
      const sealed = ctx.room.payload(c.id)
      if (!sealed) continue
      const opened = await ctx.unseal(sealed)
      words.set(c.id, opened ? new TextDecoder().decode(opened) : null)
    }
  },
  forms: {
    file: async (values, ctx, form) => {
      const me = ctx.room.identity
      const about = identity(values["about"])
      if (!me) return
      if (!about || about === me) return ctx.fail("about", "choose who the grievance is about")
      const text = (values["words"] ?? "").trim()
      if (text === "") return ctx.fail("words", "say what happened, in your words: only the people named below read them")
      const weight = values["weight"] === "community" ? "community" : "prime"
      const { sealed, readers } = await ctx.seal([me, about, ...seatsNow(ctx.room)], Bytes.utf8(text))
      const k = await ctx.act(Justice.file({ about: { member: about }, weight }), { payload: sealed })
      if (k) {
        words.set(k, text)
        form.reset()
        ctx.say("ok", `Your grievance is filed. Its words are sealed to ${names(ctx.room, readers)}.`)
      }
    }
  },
  actions: {
    withdraw: async (el, ctx) => {
      const c = ref(el, "data-case")
      if (c && (await ctx.act(Justice.withdraw(c)))) ctx.say("ok", "The case is withdrawn.")
    },
    appeal: async (el, ctx) => {
      const r = ref(el, "data-restriction")
      if (r && (await ctx.act(Justice.appeal(r)))) ctx.say("ok", "Your appeal is filed: a panel is drawn by lot to hear it.")
    },
    uphold: async (el, ctx) => {
      const a = ref(el, "data-appeal")
      if (a && (await ctx.act(Justice.appealStance(a, "uphold")))) ctx.say("ok", "Your verdict is recorded.")
    },
    overturn: async (el, ctx) => {
      const a = ref(el, "data-appeal")
      if (a && (await ctx.act(Justice.appealStance(a, "overturn")))) ctx.say("ok", "Your verdict is recorded.")
    }
  }
}
