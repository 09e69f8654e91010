/**
 * The justice screen: my cases, and for each who can read its words (the privacy is shown to
 * the person, not assumed) and where it stands; repair, for the parties (consenting, naming who
 * facilitates, accepting the circle's agreement) and for whoever facilitates (meeting each party,
 * recording the agreed actions with an owner and a due date, checking them done); the votes of
 * the cases the community reviews, for the members of each case's frozen electorate; raising a
 * grievance, its words sealed to those people only; restrictions in force with their expiry;
 * appeals, heard by a panel drawn by lot. Every change is an `@affinity/justice` event signed by
 * the member.
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

/** The words of circles' agreed actions this device opened, by agreement: one per action, or `null` when it cannot read them. */
const actionWords = new Map<string, ReadonlyArray<string> | null>()

/** A review's options, in plain words. */
const OPTION_WORDS: Readonly<Record<Justice.Option, string>> = {
  discussion: "talk it over further",
  "no-change": "no change",
  correction: "a correction",
  warning: "a warning",
  restriction: "a temporary restriction",
  removal: "removal from the community"
}

/** Where repair stands, in words. */
const REPAIR_WORDS: Readonly<Record<Justice.Repair["stage"], string>> = {
  consent: "waiting for every party to consent to repair",
  "pre-circle": "repair: the facilitator meets each party before the circle",
  circle: "repair: the circle agrees what each will do",
  "post-circle": "repair: the agreed actions are under way",
  repaired: "repaired",
  unrepaired: "repair did not finish: the case goes to review"
}

/** Where a case stands, in words. */
const stands = (c: Justice.Case): string => {
  if (c.status === "repaired") return "Repaired: every agreed action was done."
  if (c.status === "withdrawn") return "Withdrawn."
  if (c.status === "decided") return `Decided: ${OPTION_WORDS[c.decisions.at(-1)?.option ?? "no-change"]}.`
  if (c.repair !== null && c.repair.stage !== "unrepaired") return `${REPAIR_WORDS[c.repair.stage][0]!.toUpperCase()}${REPAIR_WORDS[c.repair.stage].slice(1)}.`
  const review = c.weight === "community" ? `the community reviews it${c.round > 0 ? ` (round ${c.round + 1})` : ""}` : "the justice group reviews it"
  return c.repair !== null ? `Repair did not finish: ${review}.` : `Open: ${review}.`
}

/** A case's title: whose grievance (or what fact) about whom. */
const titleOf = (room: RoomView, c: Justice.Case): string => {
  const me = room.identity
  const about = "member" in c.about ? who(room, c.about.member) : "group" in c.about ? groupName(room, c.about.group) : "prime" in c.about ? `the ${c.about.prime} group` : "a device"
  if (c.kind === "grievance") return `${c.filer === me ? "Your grievance" : `${who(room, c.filer)}'s grievance`} about ${about}`
  return `${Justice.Records.kindWords[c.kind]} about ${about}`
}

/** A date for a form's date field (`2026-12-10`), in this device's time zone. */
const dateField = (t: number): string => {
  const d = new Date(t)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`
}

/** The end of the day a date field names, in this device's time zone; `undefined` when it names none. */
const endOfDay = (value: string | undefined): number | undefined => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? "")
  if (!m) return undefined
  const t = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59).getTime()
  return Number.isFinite(t) ? t : undefined
}

/** How many rows the agreed-actions form has. */
const ACTION_ROWS = 3

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
            const said = words.get(c.id)
            return h(
              "li",
              { "data-testid": "case", "data-case": c.id, "data-status": c.status, "data-stage": c.repair?.stage ?? "" },
              h("strong", {}, titleOf(room, c)),
              ` — ${STATUS[c.status]}, filed ${when(c.filed)}`,
              h("p", { "data-testid": "case-stands" }, stands(c)),
              h("p", { "data-testid": "case-readers" }, `Who can read this: ${names(room, Justice.readers(c))}.`),
              c.weight === "prime"
                ? h("p", { class: "hint" }, "The justice group handles it; the community votes only if they cannot settle it.")
                : h("p", { class: "hint" }, "The community reviews it: every member at filing may vote on what to do, but only the people above read its words."),
              said ? h("q", { "data-testid": "case-words" }, said) : said === null ? h("p", { class: "muted" }, "Its words were not sealed to this device.") : null,
              repair(s, room, c),
              c.status === "open" && c.fact === undefined && (c.filer === me || c.affected === me)
                ? button("justice:withdraw", "Withdraw it", { "data-case": c.id, class: "small secondary", "data-testid": "case-withdraw", disabled: s.busy })
                : null
            )
          })
        )
  )
}

/** The agreed actions of a circle: owner, due date, their words when this device can read them, and whether each was done. */
const actionList = (room: RoomView, a: Justice.Agreement): Child => {
  const said = actionWords.get(a.key)
  return h(
    "ol",
    { class: "list", "data-testid": "repair-actions" },
    a.actions.map((x, i) => {
      const check = a.checks[i] ?? null
      const what = said?.[i]
      return h(
        "li",
        { "data-testid": "repair-action", "data-done": check === null ? "" : String(check.done) },
        `${who(room, x.owner)}, by ${day(x.due)}${what ? `: “${what}”` : ""}`,
        check === null ? "" : check.done ? " — done" : " — not done"
      )
    })
  )
}

/** Repair, as a party or whoever facilitates sees it, with what they can do next. */
const repair = (s: ViewState, room: RoomView, c: Justice.Case): Child => {
  const me = room.identity
  if (me === undefined) return null
  const r = c.repair
  const parties = Justice.parties(c)
  const isParty = parties.includes(me)
  const handles = Justice.handlers(c).includes(me)
  if (c.status !== "open") return r?.agreement ? h("div", { class: "repair", "data-testid": "repair" }, actionList(room, r.agreement)) : null
  if (r === null || r.stage === "consent") {
    if (!isParty) return null
    const consented = Object.keys(r?.consents ?? {})
    const mine = r?.consents[me]
    const candidates = room.full.filter((m) => !parties.includes(m))
    if (candidates.length === 0 && c.handlers.length === 0)
      return h("p", { class: "hint", "data-testid": "repair-nobody" }, "Repair needs someone outside the case to facilitate, and there is nobody yet: the case is reviewed instead.")
    return h(
      "form",
      { "data-form": "justice:consent", class: "repair", "data-testid": "repair-consent", novalidate: true },
      h("input", { type: "hidden", name: "case", value: c.id }),
      h("p", { class: "hint" }, "Repair starts when everyone in the case consents, naming the same person to facilitate: a pre-circle with each of you, a circle that agrees what each will do, then checking it was done."),
      consented.length > 0
        ? h("p", { "data-testid": "repair-consented" }, `Consented so far: ${names(room, consented)}.${mine ? ` You named ${mine.length === 0 ? "the justice group" : names(room, mine)} to facilitate.` : ""}`)
        : null,
      h(
        "label",
        {},
        "Who facilitates",
        h(
          "select",
          { name: "facilitator", "data-keep": `consent-${c.id}`, "data-testid": "repair-facilitator" },
          h("option", { value: "" }, "Choose…"),
          c.handlers.length > 0 ? h("option", { value: "justice" }, `the justice group (${names(room, c.handlers)})`) : null,
          candidates.map((m) => h("option", { value: m }, who(room, m)))
        )
      ),
      fieldError(s, `facilitator-${c.id}`),
      h("button", { type: "submit", class: "small", "data-testid": "repair-consent-submit", disabled: s.busy }, mine ? "Consent again with this choice" : "Consent to repair")
    )
  }
  const facilitating = `Facilitating: ${names(room, Justice.handlers(c))}.`
  if (r.stage === "pre-circle")
    return h(
      "div",
      { class: "repair", "data-testid": "repair" },
      h("p", {}, `${facilitating} Met before the circle: ${r.met.length === 0 ? "nobody yet" : names(room, r.met)}.`),
      handles
        ? h(
            "div",
            { class: "buttons" },
            parties.filter((p) => !r.met.includes(p)).map((p) => button("justice:met", `Met ${who(room, p)}`, { "data-case": c.id, "data-party": p, class: "small", "data-testid": "repair-met", disabled: s.busy }))
          )
        : null
    )
  const a = r.agreement
  if (r.stage === "circle" && a === null)
    return h(
      "div",
      { class: "repair", "data-testid": "repair" },
      h("p", {}, `${facilitating} The circle agrees what each will do, by when.`),
      handles ? agreeForm(s, room, c) : h("p", { class: "hint" }, "The facilitator records what the circle agrees; then each of you accepts it.")
    )
  if (a === null) return null
  const accepting = r.stage === "circle" && isParty && !a.accepted.includes(me)
  const unchecked = a.checks.map((x, i) => (x === null ? i : -1)).filter((i) => i >= 0)
  return h(
    "div",
    { class: "repair", "data-testid": "repair" },
    h("p", {}, `${facilitating} The circle agreed:`),
    actionList(room, a),
    r.stage === "circle" ? h("p", { "data-testid": "repair-accepted" }, `Accepted by ${a.accepted.length === 0 ? "nobody yet" : names(room, a.accepted)}; every party accepts it.`) : null,
    accepting ? button("justice:accept", "Accept the agreement", { "data-case": c.id, "data-agreement": a.key, class: "small", "data-testid": "repair-accept", disabled: s.busy }) : null,
    r.stage === "post-circle" && handles
      ? unchecked.map((i) =>
          h(
            "div",
            { class: "buttons", "data-testid": "repair-check" },
            `Action ${i + 1}: `,
            button("justice:done", "Done", { "data-case": c.id, "data-action-index": String(i), class: "small", "data-testid": "repair-done", disabled: s.busy }),
            button("justice:undone", "Not done", { "data-case": c.id, "data-action-index": String(i), class: "small secondary", "data-testid": "repair-undone", disabled: s.busy })
          )
        )
      : null
  )
}

/** The facilitator's form for the circle's agreed actions: up to {@link ACTION_ROWS}, each with an owner, a due date and its words. */
const agreeForm = (s: ViewState, room: RoomView, c: Justice.Case): Child =>
  h(
    "form",
    { "data-form": "justice:agree", "data-testid": "repair-agree", novalidate: true },
    h("input", { type: "hidden", name: "case", value: c.id }),
    Array.from({ length: ACTION_ROWS }, (_, i) =>
      h(
        "fieldset",
        { "data-testid": "repair-agree-row" },
        h("legend", {}, `Action ${i + 1}${i > 0 ? " (if any)" : ""}`),
        h(
          "label",
          {},
          "Who does it",
          h(
            "select",
            { name: `owner${i}`, "data-keep": `agree-${c.id}-owner${i}`, "data-testid": "repair-owner" },
            h("option", { value: "" }, "Choose…"),
            room.full.map((m) => h("option", { value: m }, who(room, m)))
          )
        ),
        h("label", {}, "By", h("input", { type: "date", name: `due${i}`, value: dateField(room.communityTime + 7 * Justice.DAY), "data-keep": `agree-${c.id}-due${i}`, "data-testid": "repair-due" })),
        h("label", {}, "What (only the people in the case read it)", h("input", { type: "text", name: `what${i}`, maxlength: 500, "data-keep": `agree-${c.id}-what${i}`, "data-testid": "repair-what" })),
        fieldError(s, `action${i}`)
      )
    ),
    h("button", { type: "submit", class: "small", "data-testid": "repair-agree-submit", disabled: s.busy }, "Record the agreement")
  )

/** The latest vote of each electorate member in the current round, as the state holds them. */
const currentVotes = (c: Justice.Case): ReadonlyMap<string, Justice.Option> => {
  const latest = new Map<string, Justice.Option>()
  for (const v of c.votes) if (v.round === c.round && c.electorate.includes(v.member)) latest.set(v.member, v.option)
  return latest
}

/** The cases the community reviews, with their vote, for the members of each case's frozen electorate. */
const reviews = (s: ViewState, room: RoomView): Child => {
  const me = room.identity
  if (me === undefined) return null
  const list = Object.values(stateOf(room).cases)
    .filter((c) => c.status === "open" && c.weight === "community" && c.electorate.includes(me))
    .sort((a, b) => a.filed - b.filed || (a.id < b.id ? -1 : 1))
  if (list.length === 0) return null
  return h(
    "div",
    { class: "card", "data-testid": "reviews" },
    h("h3", {}, "Cases the community reviews"),
    h("p", { class: "hint" }, "Everyone who was a member when a case was filed may vote on what to do; the person harmed votes first. A tie means talking it over further. A decision of the community then carries what the vote chose."),
    h(
      "ul",
      { class: "list" },
      list.map((c) => {
        const votes = currentVotes(c)
        const mine = votes.get(me)
        const waiting = me !== c.affected && c.electorate.includes(c.affected) && !votes.has(c.affected) && room.communityTime < c.filed + Justice.DAY
        const counted = Justice.OPTIONS.map((o) => ({ o, who: [...votes].filter(([, x]) => x === o).map(([m]) => m) })).filter((x) => x.who.length > 0)
        return h(
          "li",
          { "data-testid": "review", "data-case": c.id },
          h("strong", {}, titleOf(room, c)),
          ` — filed ${when(c.filed)}`,
          h("p", { "data-testid": "review-stands" }, stands(c)),
          h(
            "p",
            { "data-testid": "review-votes" },
            counted.length === 0 ? "No votes yet." : `Votes: ${counted.map((x) => `${OPTION_WORDS[x.o]} ${x.who.length} (${names(room, x.who)})`).join("; ")}.`
          ),
          mine ? h("p", { "data-testid": "review-mine" }, `You voted for ${OPTION_WORDS[mine]}; you may change your vote.`) : null,
          waiting
            ? h("p", { class: "hint", "data-testid": "review-wait" }, `${who(room, c.affected)} votes first; you may vote from ${when(c.filed + Justice.DAY)} on.`)
            : h(
                "form",
                { "data-form": "justice:vote", "data-testid": "review-vote", novalidate: true },
                h("input", { type: "hidden", name: "case", value: c.id }),
                h(
                  "label",
                  {},
                  "Your vote",
                  h(
                    "select",
                    { name: "option", "data-keep": `vote-${c.id}`, "data-testid": "review-option" },
                    h("option", { value: "" }, "Choose…"),
                    Justice.OPTIONS.map((o) => h("option", { value: o }, OPTION_WORDS[o]))
                  )
                ),
                fieldError(s, `option-${c.id}`),
                h("button", { type: "submit", class: "small", "data-testid": "review-submit", disabled: s.busy }, "Vote")
              )
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

/** The words of agreed actions from an opened payload (a JSON list of texts); `null` when it is not one. */
const readActions = (bytes: Uint8Array, count: number): ReadonlyArray<string> | null => {
  try {
    const v: unknown = JSON.parse(new TextDecoder().decode(bytes))
    return Array.isArray(v) && v.length === count && v.every((x) => typeof x === "string") ? (v as ReadonlyArray<string>) : null
  } catch {
    return null
  }
}

/** The case a form or a button names, as the community holds it. */
const caseNamed = (ctx: ScreenContext, id: string | undefined): Justice.Case | undefined => (id === undefined ? undefined : stateOf(ctx.room).cases[id])

export const screen: Screen = {
  view: (s, room) => h("section", {}, heading(room, "justice"), myCases(s, room), reviews(s, room), fileForm(s, room), restrictions(s, room), appeals(s, room)),
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
    for (const c of Object.values(stateOf(ctx.room).cases)) {
      const a = c.repair?.agreement
      if (!a || actionWords.has(a.key) || !Justice.readers(c).includes(me)) continue
      const sealed = ctx.room.payload(a.key)
      if (!sealed) continue
      const opened = await ctx.unseal(sealed)
      actionWords.set(a.key, opened ? readActions(opened, a.actions.length) : null)
    }
  },
  forms: {
    consent: async (values, ctx) => {
      const c = caseNamed(ctx, identity(values["case"]))
      if (!c) return
      const choice = values["facilitator"] ?? ""
      const named = identity(choice)
      if (choice !== "justice" && !named) return ctx.fail(`facilitator-${c.id}`, "choose who facilitates: everyone in the case must name the same person")
      if (await ctx.act(Justice.consent(c.id, named ? [named] : [])))
        ctx.say("ok", `You consent to repair, with ${named ? who(ctx.room, named) : "the justice group"} facilitating. It starts when everyone in the case names the same.`)
    },
    agree: async (values, ctx, form) => {
      const c = caseNamed(ctx, identity(values["case"]))
      if (!c) return
      const actions: Array<{ owner: string; due: number }> = []
      const texts: Array<string> = []
      for (let i = 0; i < ACTION_ROWS; i++) {
        const owner = identity(values[`owner${i}`])
        const what = (values[`what${i}`] ?? "").trim()
        if (!owner && what === "") continue
        if (!owner) return ctx.fail(`action${i}`, "choose who does it")
        const due = endOfDay(values[`due${i}`])
        if (due === undefined || due <= ctx.room.communityTime) return ctx.fail(`action${i}`, "choose a day after today")
        if (what === "") return ctx.fail(`action${i}`, "say what they will do, in a few words")
        actions.push({ owner, due })
        texts.push(what)
      }
      if (actions.length === 0) return ctx.fail("action0", "record at least one action: who does what, by when")
      const { sealed } = await ctx.seal(Justice.readers(c), Bytes.utf8(JSON.stringify(texts)))
      const k = await ctx.act(Justice.agree(c.id, actions), { payload: sealed })
      if (k) {
        actionWords.set(k, texts)
        form.reset()
        ctx.say("ok", `The circle's agreement is recorded: ${actions.length} action${actions.length === 1 ? "" : "s"}. Each party now accepts it.`)
      }
    },
    vote: async (values, ctx) => {
      const c = caseNamed(ctx, identity(values["case"]))
      if (!c) return
      const option = Justice.OPTIONS.find((o) => o === values["option"])
      if (!option) return ctx.fail(`option-${c.id}`, "choose what you think should happen")
      if (await ctx.act(Justice.vote(c.id, option))) ctx.say("ok", `Your vote for ${OPTION_WORDS[option]} is recorded.`)
    },
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
    met: async (el, ctx) => {
      const c = ref(el, "data-case")
      const party = ref(el, "data-party")
      if (c && party && (await ctx.act(Justice.met(c, party)))) ctx.say("ok", `Your meeting with ${who(ctx.room, party)} is recorded.`)
    },
    accept: async (el, ctx) => {
      const c = ref(el, "data-case")
      const a = ref(el, "data-agreement")
      if (c && a && (await ctx.act(Justice.accept(c, a)))) ctx.say("ok", "You accepted the circle's agreement.")
    },
    done: async (el, ctx) => {
      const c = ref(el, "data-case")
      const i = Number(el.getAttribute("data-action-index"))
      if (c && Number.isInteger(i) && (await ctx.act(Justice.check(c, i, true)))) ctx.say("ok", `Action ${i + 1} is recorded as done.`)
    },
    undone: async (el, ctx) => {
      const c = ref(el, "data-case")
      const i = Number(el.getAttribute("data-action-index"))
      if (c && Number.isInteger(i) && (await ctx.act(Justice.check(c, i, false)))) ctx.say("ok", `Action ${i + 1} is recorded as not done.`)
    },
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
