/**
 * The Terms tab: the standing groups (prime working groups) of each area, who sits in
 * them this term, whether each can decide, and the lot, all in plain words.
 *
 * @module
 */
import * as Governance from "@affinity/governance"
import { type Child, h } from "./dom.ts"
import * as Method from "./method.ts"
import { button, count, type RoomView, type ViewState, when, who } from "./viewParts.ts"

const seatsTable = (room: RoomView, term: number, current: number): Child => {
  const gov = room.gov
  const drawn = Governance.Records.term(gov, term)!
  const isFull = (id: string) => room.members.some((m) => m.id === id && m.status === "full")
  const stale = term < current
  return [
    h(
      "table",
      { class: "seats", "data-testid": "seats" },
      h("tr", {}, h("th", {}, "Group"), h("th", {}, `Seats, term ${term}`), h("th", {}, "Can it decide?")),
      Governance.PRIME_GROUPS.map((g) => {
        const seats = Governance.Records.seats(gov, term, g, isFull)
        const canDecide = !stale && seats.length > 0 && seats.length >= drawn.size
        return h(
          "tr",
          { "data-testid": "group", "data-group": g },
          h("td", {}, h("strong", {}, Method.groupName(g)), h("small", { class: "muted area" }, Method.groupArea[g])),
          h("td", {}, seats.length === 0 ? "nobody" : seats.map((m) => who(room, m)).join(", ")),
          h(
            "td",
            { "data-testid": "group-status", "data-can-decide": canDecide ? "yes" : "no" },
            canDecide ? "yes" : stale ? "no: its term is over" : `no: ${seats.length} of ${drawn.size} seats filled`
          )
        )
      })
    ),
    stale ? h("p", { class: "muted" }, `Term ${current} has begun and is not drawn yet: until it is, no group can decide, and the whole community decides everything.`) : null
  ]
}

const lotCard = (s: ViewState, room: RoomView, current: number) => {
  const gov = room.gov
  const params = room.params
  const me = room.identity
  const onion = me ? gov.onions[me] : undefined
  const last = gov.lastTerm
  const drawn = Governance.Records.term(gov, last)
  const next = last + 1
  const cutoff = Governance.revealCutoff(gov, params, next)
  const canReveal =
    me !== undefined && drawn !== undefined && room.hasLotSecret && drawn.commits.some((c) => c.member === me && c.key === onion?.key) &&
    !(gov.reveals[String(next)] ?? []).some((r) => r.member === me) && room.communityTime < cutoff
  return h(
    "div",
    { class: "card" },
    h("h3", {}, "The lot"),
    h("p", { class: "hint", "data-testid": "lot-explained" }, Method.lot.what),
    h("p", { class: "hint" }, Method.lot.missed),
    onion
      ? h(
          "p",
          { "data-testid": "lot-status" },
          `You add shares to the draws. Shares added so far: ${onion.revealed}.`,
          room.hasLotSecret ? "" : " Your secret is on another of your devices: add your shares from there."
        )
      : button("lot-commit", "Add my shares to the draws", { "data-testid": "lot-commit", disabled: s.busy || !s.writer }),
    canReveal
      ? [
          button("lot-reveal", `Add my share to the draw of term ${next}`, { "data-testid": "lot-reveal", disabled: s.busy || !s.writer }),
          h("p", { class: "muted" }, `Shares for term ${next} are taken until ${when(cutoff)}.`)
        ]
      : null,
    next <= current
      ? next === 0
        ? [
            button("term-draw", "Start the lot", { "data-testid": "term-draw", disabled: s.busy }),
            h("p", { class: "muted" }, "The first draw seats nobody: it records whose shares the next draw will take, so that every later term is drawn fairly.")
          ]
        : [
            button("term-draw", `Draw the seats of term ${next}`, { "data-testid": "term-draw", disabled: s.busy }),
            h("p", { class: "muted" }, "Any member can start the draw once the term has begun; nobody can change who it seats.")
          ]
      : h("p", { class: "muted" }, `The seats of term ${next} can be drawn from ${when(Governance.termStart(gov, params, next))}.`)
  )
}

/** The Terms tab. */
export const terms = (s: ViewState, room: RoomView) => {
  const gov = room.gov
  const params = room.params
  const current = Governance.termAt(gov, params, room.communityTime)
  const last = gov.lastTerm
  const method = Method.primeGroups(params)
  const full = room.members.filter((m) => m.status === "full").length
  return h(
    "section",
    { "data-testid": "terms" },
    h("h2", {}, "Standing groups, drawn by lot"),
    h("p", {}, method.what),
    h(
      "ul",
      { class: "method" },
      h("li", { "data-testid": "why-lot" }, h("strong", {}, "Why by lot, and why they rotate. "), method.whyLot),
      h("li", { "data-testid": "may-decide" }, h("strong", {}, "What a group may decide. "), method.mayDecide),
      h("li", { "data-testid": "short-of-members" }, h("strong", {}, "When a group is short of members. "), method.shortOfMembers)
    ),
    h("h3", {}, "This term"),
    h(
      "p",
      { "data-testid": "term-now" },
      `Term ${current}, from ${when(Governance.termStart(gov, params, current))} to ${when(Governance.termStart(gov, params, current + 1))} (community time: ${when(room.communityTime)}).`
    ),
    full < params.primeSize
      ? h("p", { class: "banner", "data-testid": "too-few" }, `The community has ${count(full, "full member")}; a group needs ${params.primeSize}. Until there are enough members, every group is short and the whole community decides everything.`)
      : null,
    last > 0 ? seatsTable(room, last, current) : h("p", { class: "muted" }, last === 0 ? Method.lot.firstTerm : "No term has been drawn yet."),
    room.status === "full" ? lotCard(s, room, current) : null
  )
}
