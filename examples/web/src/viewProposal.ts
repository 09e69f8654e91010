/**
 * Views of proposals: the list, the form that opens one, and one proposal with its
 * versions, stances, outcome, and what its proposer can still do (change the text or
 * withdraw it while it is open).
 *
 * @module
 */
import { Bytes } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { type Child, h } from "./dom.ts"
import { WINDOWS, windowLabel } from "./forms.ts"
import * as Method from "./method.ts"
import { button, type Composing, count, fieldError, plain, type RoomView, type ViewState, when, who } from "./viewParts.ts"

/** How a proposal's status reads. */
export const statusWords: Readonly<Record<Governance.Status, string>> = {
  open: "open",
  passed: "passed",
  failed: "did not pass",
  recorded: "recorded",
  withdrawn: "withdrawn",
  superseded: "replaced"
}

const outcomeHeading: Readonly<Record<Governance.OutcomeKind, string>> = {
  passed: "Passed",
  failed: "Did not pass",
  recorded: "Poll recorded",
  withdrawn: "Withdrawn",
  superseded: "Replaced by another proposal"
}

/** The number people know a proposal by: its place among all proposals, oldest first. */
const numberOf = (room: RoomView, id: string): number => Governance.Records.proposals(room.gov).findIndex((p) => p.id === id) + 1

/** Why a proposal ended as it did, in words with names. */
export const outcomeWords = (room: RoomView, p: Governance.Proposal): string =>
  p.decision
    ? Governance.Explain.outcome(room.gov, room.params.quorumPercent, p, p.decision, {
        name: (id) => who(room, id),
        number: (id) => numberOf(room, id),
        plain: (text) => plain(room, text)
      })
    : ""

const proposalItem = (room: RoomView, p: Governance.Proposal) =>
  h(
    "li",
    { "data-testid": "proposal-item", "data-status": p.status },
    h("a", { href: `#/c/${room.id}/p/${p.id}` }, p.title),
    h("small", { class: `status ${p.status}` }, ` ${statusWords[p.status]}`),
    h("small", { class: "muted" }, p.status === "open" ? ` · until ${when(p.deadline)}` : "")
  )

/** The Proposals tab. */
export const proposals = (room: RoomView) => {
  const open = Governance.Records.open(room.gov)
  const decided = Governance.Records.decisions(room.gov).slice().reverse()
  return h(
    "section",
    {},
    h("div", { class: "row" }, h("h2", {}, "Open proposals"), room.status === "full" ? h("a", { href: `#/c/${room.id}/new`, class: "button", "data-testid": "new-proposal" }, "New proposal") : null),
    open.length === 0 ? h("p", { class: "muted" }, "Nothing open.") : h("ul", { class: "list", "data-testid": "open-proposals" }, open.map((p) => proposalItem(room, p))),
    h("h2", {}, "Decided"),
    decided.length === 0 ? h("p", { class: "muted" }, "Nothing decided yet.") : h("ul", { class: "list", "data-testid": "decided-proposals" }, decided.map((p) => proposalItem(room, p)))
  )
}

const processChoices = (room: RoomView, admit: boolean) => {
  const texts = Method.processes(room.params.quorumPercent)
  const kinds: ReadonlyArray<Governance.Process> = admit ? ["consensus", "consent"] : ["consensus", "consent", "poll"]
  return h(
    "fieldset",
    { class: "choices processes", "data-testid": "proposal-process" },
    h("legend", {}, "How it is decided"),
    kinds.map((k) =>
      h(
        "label",
        { class: "choice" },
        h("input", { type: "radio", name: "process", value: k, checked: k === "consensus", "data-keep": `p-process-${k}`, "data-testid": `process-${k}` }),
        h("span", {}, h("strong", {}, texts[k].name), h("span", { class: "meaning" }, texts[k].rule))
      )
    )
  )
}

/** The form that opens a proposal; with `admit`, one that admits that applicant. */
export const newProposal = (s: ViewState, room: RoomView, admit: string | undefined) => {
  const full = room.members.filter((m) => m.status === "full").length
  const target = admit ? room.members.find((m) => m.id === admit) : undefined
  if (admit && target?.status !== "applicant")
    return h(
      "section",
      {},
      h("h2", {}, `Admit ${who(room, admit)}`),
      h("p", { "data-testid": "admit-moot" }, target?.status === "full" ? `${who(room, admit)} is a full member already.` : `${who(room, admit)} is not asking to join.`)
    )
  return h(
    "section",
    {},
    h("h2", {}, admit ? `Propose to admit ${who(room, admit)}` : "New proposal"),
    h("p", { class: "hint" }, `The whole community decides: its ${count(full, "full member")}.`),
    h(
      "form",
      { "data-form": "propose", novalidate: true },
      admit ? h("input", { type: "hidden", name: "admit", value: admit }) : null,
      h("label", {}, "Title", h("input", { name: "title", "data-keep": "p-title", "data-testid": "proposal-title", value: admit ? `Admit ${who(room, admit)}` : undefined, maxlength: 200, autocomplete: "off" })),
      fieldError(s, "title"),
      h("label", {}, "What and why", h("textarea", { name: "text", rows: 4, "data-keep": "p-text", "data-testid": "proposal-text" })),
      fieldError(s, "text"),
      processChoices(room, admit !== undefined),
      fieldError(s, "process"),
      h(
        "label",
        {},
        "Members can respond for",
        h("select", { name: "window", "data-keep": "p-window", "data-testid": "proposal-window" }, WINDOWS.map((w) => h("option", { value: String(w), selected: w === 24 }, windowLabel(w))))
      ),
      fieldError(s, "window"),
      admit ? h("p", { class: "hint" }, `If it passes, ${who(room, admit)} becomes a full member.`) : null,
      h("button", { type: "submit", "data-testid": "proposal-submit", disabled: s.busy }, "Open the proposal")
    )
  )
}

const identityOf = (body: unknown): string | undefined => {
  const id = (body as { readonly identity?: unknown } | null)?.identity
  return id instanceof Uint8Array && id.length === 32 ? Bytes.toHex(id) : undefined
}

/** What the modules' pages propose, in words: if it passes, and once it passed. */
const DEEDS: Readonly<Record<string, readonly [string, string]>> = {
  "economy/currency.create": ["the currency is created, and every full member gets an account", "the currency is created"],
  "economy/budget.fund": ["the working group's budget is funded from the commons", "the working group's budget is funded"],
  "administration/qualification.define": ["the qualification is defined", "the qualification is defined"],
  "administration/qualification.grant": ["the member holds the qualification until it expires", "the member holds the qualification"],
  "defense/restrict": ["the restriction applies until its end date", "the restriction applies"]
}

/**
 * What a proposal's action does, told for where the proposal is: what will happen if it
 * passes, what happened when it passed, or that nothing happened.
 */
export const actionWords = (room: RoomView, p: Governance.Proposal, action: Governance.Action): string => {
  const subject = identityOf(action.body)
  const name = subject ? who(room, subject) : undefined
  const admit = action.module === "core" && action.type === "member.admit" && name
  const remove = action.module === "core" && action.type === "member.remove" && name
  const deed = Object.hasOwn(DEEDS, `${action.module}/${action.type}`) ? DEEDS[`${action.module}/${action.type}`] : undefined
  if (deed && !admit && !remove) {
    const d = p.decision
    if (!d) return `If it passes, ${deed[0]}.`
    if (d.outcome === "passed")
      return d.actionEvent && room.actionApplied(d.actionEvent) === false
        ? "It passed, but its action could not be carried out (it no longer fitted the community's state), so nothing changed."
        : `It passed: ${deed[1]}.`
    return `${d.outcome === "withdrawn" ? "It was withdrawn" : d.outcome === "superseded" ? "It was replaced by another proposal" : "It did not pass"}, so nothing was done.`
  }
  const what = admit ? `${name} becomes a full member` : remove ? `${name} is removed from the community` : `the ${action.module} action “${action.type}” is carried out`
  const d = p.decision
  if (!d) return `If it passes, ${what}.`
  if (d.outcome === "passed") {
    const applied = d.actionEvent ? room.actionApplied(d.actionEvent) : undefined
    if (applied === false) return `It passed, but its action could not be carried out (it no longer fitted the community's state), so nothing changed.`
    return admit ? `It passed: ${name} is now a full member.` : remove ? `It passed: ${name} is no longer a member.` : `It passed: the ${action.module} action “${action.type}” was carried out.`
  }
  const ended = d.outcome === "withdrawn" ? "It was withdrawn" : d.outcome === "superseded" ? "It was replaced by another proposal" : "It did not pass"
  return `${ended}, so nothing was done: ${admit ? `${name} was not admitted` : remove ? `${name} stays a member` : "the action was not carried out"}.`
}

/** The names and dates the governance module's explanations use. */
const people = (room: RoomView): Governance.Explain.Names => ({
  name: (id) => who(room, id),
  number: (id) => numberOf(room, id),
  date: when,
  plain: (text) => plain(room, text)
})

/**
 * What a proposal carrying several actions does, told for where it is: each action, and
 * once it was decided what became of each (they take effect together or not at all).
 */
const severalActions = (room: RoomView, p: Governance.Proposal, carries: Governance.Carries) => {
  const d = p.decision
  const all = Governance.actionsOf(carries)
  if (!d)
    return h(
      "div",
      { class: "action", "data-testid": "action" },
      h("p", {}, `If it passes, these ${all.length} things are done together, or none of them:`),
      h("ol", {}, all.map((a) => h("li", {}, Governance.Explain.action(room.gov, a, people(room)))))
    )
  const results = d.actionEvent === null ? undefined : Governance.Carried.outcomes(d, room.outcome(d.actionEvent))
  const told = Governance.Explain.actions(room.gov, d, results, people(room))
  return h(
    "div",
    { class: "action", "data-testid": "action" },
    h("p", {}, d.outcome === "passed" ? `It passed, carrying ${all.length} actions:` : `It carried ${all.length} actions:`),
    h("ol", {}, told.map((a) => h("li", { "data-testid": "action-result", "data-result": a.result }, `${a.what}: ${a.text}.`)))
  )
}

const outcome = (room: RoomView, p: Governance.Proposal) => {
  const d = p.decision!
  const t = d.tally
  return h(
    "div",
    { class: `card outcome ${d.outcome}`, "data-testid": "outcome", "data-outcome": d.outcome },
    h("h3", {}, outcomeHeading[d.outcome]),
    h("p", { "data-testid": "outcome-reason" }, outcomeWords(room, p)),
    d.outcome === "withdrawn"
      ? null
      : h("p", { class: "muted" }, `agree ${t.agree} · stand aside ${t.abstain} · object ${t.object} · block ${t.block} · said nothing ${t.silent}`),
    h("p", { class: "muted" }, `Recorded ${when(d.at)} by ${who(room, d.by)}.`)
  )
}

const stanceForm = (s: ViewState, p: Governance.Proposal, mine: boolean) => {
  const meaning = Method.stanceMeaning(p.process)
  return h(
    "form",
    { "data-form": "stance", class: "card", novalidate: true },
    h("input", { type: "hidden", name: "proposal", value: p.id }),
    h("h3", {}, mine ? "Change your stance" : "Your stance"),
    h(
      "fieldset",
      { class: "choices stances-choice" },
      h("legend", { class: "sr-only" }, "Your stance"),
      (["agree", "abstain", "object", "block"] as const).map((k) =>
        h(
          "label",
          { class: "choice" },
          h("input", { type: "radio", name: "stance", value: k, "data-keep": `st-${k}`, "data-testid": `stance-${k}` }),
          h("span", {}, h("strong", {}, Method.stanceName[k]), h("span", { class: "meaning", "data-testid": `meaning-${k}` }, meaning[k]))
        )
      )
    ),
    fieldError(s, "stance"),
    h("label", {}, "Reason (needed to object or block)", h("textarea", { name: "reason", rows: 2, "data-keep": "st-reason", "data-testid": "stance-reason" })),
    fieldError(s, "reason"),
    h("button", { type: "submit", "data-testid": "stance-submit", disabled: s.busy }, "Take this stance")
  )
}

const amendForm = (s: ViewState, p: Governance.Proposal, text: string) =>
  h(
    "form",
    { "data-form": "amend", class: "card", novalidate: true, "data-testid": "amend-form" },
    h("input", { type: "hidden", name: "proposal", value: p.id }),
    h("h3", {}, "Change the text"),
    h("p", { class: "hint" }, "Members take their stance again on the new text: the stances taken so far no longer count, and everyone sees the earlier versions. The title stays."),
    h("label", {}, "What and why", h("textarea", { name: "text", rows: 5, "data-keep": "amend-text", "data-testid": "amend-text" }, text)),
    fieldError(s, "amend-text"),
    h(
      "label",
      {},
      "Deadline",
      h(
        "select",
        { name: "window", "data-keep": "amend-window", "data-testid": "amend-window" },
        h("option", { value: "keep" }, `Keep it: ${when(p.deadline)}`),
        WINDOWS.map((w) => h("option", { value: String(w) }, `${windowLabel(w)} from now`))
      )
    ),
    fieldError(s, "amend-window"),
    h(
      "div",
      { class: "buttons" },
      h("button", { type: "submit", "data-testid": "amend-submit", disabled: s.busy }, "Publish the new version"),
      button("compose-cancel", "Cancel", { class: "secondary" })
    )
  )

const withdrawForm = (s: ViewState, p: Governance.Proposal) =>
  h(
    "form",
    { "data-form": "withdraw", class: "card", novalidate: true, "data-testid": "withdraw-form" },
    h("input", { type: "hidden", name: "proposal", value: p.id }),
    h("h3", {}, "Withdraw this proposal"),
    h("p", { class: "hint" }, "Withdrawing ends it for good: nothing is decided or done, and it stays in the record as withdrawn. You can open a new one later."),
    h("label", {}, "Why (optional)", h("textarea", { name: "reason", rows: 2, "data-keep": "withdraw-reason", "data-testid": "withdraw-reason" })),
    fieldError(s, "withdraw-reason"),
    h(
      "div",
      { class: "buttons" },
      h("button", { type: "submit", class: "danger", "data-testid": "withdraw-submit", disabled: s.busy }, "Withdraw it"),
      button("compose-cancel", "Cancel", { class: "secondary" })
    )
  )

const proposerTools = (s: ViewState, p: Governance.Proposal, text: string, composing: Composing): Child =>
  composing?.target === p.id && composing.form !== "name"
    ? composing.form === "amend"
      ? amendForm(s, p, text)
      : withdrawForm(s, p)
    : h(
        "div",
        { class: "card" },
        h("h3", {}, "Your proposal"),
        h("p", { class: "hint" }, "Until the deadline you can change its text, for instance to meet an objection, or withdraw it."),
        h(
          "div",
          { class: "buttons" },
          button("amend-start", "Change the text", { "data-proposal": p.id, "data-testid": "amend-start", class: "secondary" }),
          button("withdraw-start", "Withdraw", { "data-proposal": p.id, "data-testid": "withdraw-start", class: "secondary" })
        )
      )

const versions = (room: RoomView, p: Governance.Proposal): Child => {
  if (p.versions.length < 2) return null
  const latest = p.versions[p.versions.length - 1]!
  return [
    h("p", { class: "muted", "data-testid": "amended" }, `Changed by ${who(room, p.proposer)} on ${when(latest.at)} (version ${p.versions.length}). Stances taken before that no longer count.`),
    h(
      "div",
      { class: "earlier" },
      h("h3", {}, "Earlier versions"),
      h(
        "ol",
        { class: "list", "data-testid": "earlier-versions" },
        p.versions.slice(0, -1).map((v, i) => h("li", {}, h("small", { class: "muted" }, `Version ${i + 1}, ${when(v.at)}: `), v.text === "" ? h("em", {}, "no text") : v.text))
      )
    )
  ]
}

/** One proposal. */
export const proposal = (s: ViewState, room: RoomView, id: string) => {
  const p = Governance.Records.proposal(room.gov, id)
  if (!p) return h("p", { "data-testid": "proposal-missing" }, "This proposal is not here yet. It will appear once it syncs.")
  const d = p.decision
  const latest = p.versions[p.versions.length - 1]!
  const text = d ? d.text : latest.text
  const action = d ? d.action : latest.action
  const several = Governance.actionsOf(d ?? latest).length > 1
  const stances = d && d.outcome !== "withdrawn" ? d.stances : Governance.Records.stances(room.gov, id)
  const mine = stances.some((x) => x.member === room.identity)
  const closable = p.status === "open" && room.communityTime >= p.deadline
  const waiting = p.status === "open" && !closable && s.now >= p.deadline
  const acting = p.status === "open" && room.status === "full" && !closable && !waiting
  const process = Method.processes(room.params.quorumPercent)[p.process]
  return h(
    "section",
    { "data-testid": "proposal", "data-status": p.status },
    h("h2", { "data-testid": "proposal-heading" }, p.title),
    h("p", { class: "muted" }, `${process.name} · proposed by ${who(room, p.proposer)} · `, p.status === "open" ? `open until ${when(p.deadline)}` : h("span", { class: `status ${p.status}` }, statusWords[p.status])),
    p.status === "open" ? h("p", { class: "hint", "data-testid": "process-rule" }, `${process.name}: ${process.rule}`) : null,
    text ? h("p", { class: "text", "data-testid": "proposal-text-shown" }, text) : null,
    versions(room, p),
    several ? severalActions(room, p, d ?? latest) : action ? h("p", { class: "action", "data-testid": "action" }, actionWords(room, p, action)) : null,
    d ? outcome(room, p) : null,
    h("h3", {}, d && d.outcome !== "withdrawn" ? "Stances that counted" : "Stances"),
    stances.length === 0
      ? h("p", { class: "muted", "data-testid": "no-stances" }, p.versions.length > 1 && !d ? "No stances on this version yet." : "No stances yet.")
      : h(
          "ul",
          { class: "list stances", "data-testid": "stances" },
          stances.map((x) => h("li", { "data-testid": "stance", "data-stance": x.stance }, h("strong", {}, Method.stanceName[x.stance]), ` — ${who(room, x.member)}`, x.reason ? h("q", {}, x.reason) : null))
        ),
    acting ? stanceForm(s, p, mine) : null,
    acting && p.proposer === room.identity ? proposerTools(s, p, latest.text, s.composing) : null,
    waiting
      ? h("p", { class: "banner", "data-testid": "waiting-time" }, "The deadline has passed on your clock; community time has not reached it yet. It follows the members' clocks: with three members or more, two of them must reach the deadline.")
      : null,
    closable && room.status === "full"
      ? h("div", { class: "card" }, h("p", {}, "The deadline has passed. Anyone can now count the stances and record the outcome."), button("close", "Close and record the outcome", { "data-proposal": p.id, "data-testid": "close-proposal", disabled: s.busy }))
      : null
  )
}
