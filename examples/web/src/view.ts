/**
 * Views: pure functions from the app's state to DOM trees. Buttons and forms name their
 * action (`data-action`, `data-form`); the app handles them in one place.
 *
 * @module
 */
import type { Invitation, Module } from "@affinity/core"
import * as Governance from "@affinity/governance"
import type { RelayStatus } from "./backend.ts"
import { type Child, h } from "./dom.ts"
import { WINDOWS, windowLabel } from "./forms.ts"

/** Where the app is. */
export type Route =
  | { readonly page: "home" }
  | { readonly page: "join"; readonly code: string }
  | { readonly page: "community"; readonly id: string; readonly tab: Tab; readonly proposal?: string; readonly admit?: string }

/** Tabs of a community. */
export type Tab = "proposals" | "members" | "terms" | "record" | "device" | "new" | "proposal"

/** A member as the views show them. */
export interface MemberView {
  readonly id: string
  readonly status: Module.MemberStatus
  readonly devices: ReadonlyArray<string>
  readonly founder: boolean
  readonly you: boolean
  /** What they wrote when applying. */
  readonly note: string | undefined
}

/** What the views need of an open community. */
export interface RoomView {
  readonly id: string
  readonly name: string
  readonly device: string
  /** The identity this device acts for, if any. */
  readonly identity: string | undefined
  readonly status: Module.MemberStatus | undefined
  readonly founder: boolean
  readonly communityTime: number
  readonly stateHash: string
  readonly events: number
  readonly params: Module.Params
  readonly members: ReadonlyArray<MemberView>
  readonly gov: Governance.State
  /** Whether the action of a close event applied, by close key. */
  readonly actionApplied: (key: string) => boolean | undefined
  readonly relays: ReadonlyArray<string>
  /** Whether this device holds a lot secret for this community. */
  readonly hasLotSecret: boolean
  /** The last invitation made here, if any. */
  readonly invitation: string | undefined
}

/** Everything a render needs. */
export interface ViewState {
  readonly route: Route
  readonly notice: { readonly kind: "error" | "ok"; readonly text: string } | undefined
  readonly errors: Readonly<Record<string, string>>
  readonly busy: boolean
  readonly writer: boolean
  readonly relays: ReadonlyMap<string, RelayStatus>
  readonly communities: ReadonlyArray<{ readonly id: string; readonly name: string }>
  readonly room: RoomView | undefined
  readonly invitation: Invitation.Invitation | undefined
  readonly deviceRequest: string | undefined
  readonly defaultRelay: string
  readonly now: number
}

const short = (id: string): string => id.slice(0, 8)

/** How a person is named: short id, and "you". */
export const who = (room: RoomView | undefined, id: string): string => (room?.identity === id ? `${short(id)} (you)` : short(id))

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
const twoDigits = (n: number): string => (n < 10 ? `0${n}` : String(n))

/**
 * A date and time in this device's time zone, in the app's language: `Mar 5, 09:30`.
 * Made by hand rather than with `Intl.DateTimeFormat`: a page's first `Intl` formatter
 * loads locale data, which takes 100 to 250 ms of a phone's main thread at startup.
 */
export const when = (t: number): string => {
  const d = new Date(t)
  return `${MONTHS[d.getMonth()]} ${d.getDate()}, ${twoDigits(d.getHours())}:${twoDigits(d.getMinutes())}`
}

const fieldError = (s: ViewState, field: string): Child =>
  s.errors[field] ? h("p", { class: "field-error", role: "alert", "data-testid": `error-${field}` }, s.errors[field]!) : null

const button = (action: string, label: string, attrs: Record<string, string | boolean | undefined> = {}) =>
  h("button", { type: "button", "data-action": action, ...attrs }, label)

// --- layout ------------------------------------------------------------------------------------

/** The whole page. */
export const page = (s: ViewState): HTMLElement =>
  h(
    "div",
    { class: "page" },
    header(s),
    s.writer ? null : h("p", { class: "banner", "data-testid": "follower" }, "This app is open in another tab, which keeps the data. This tab follows it live; what you do here is signed there."),
    s.notice ? h("p", { class: `notice ${s.notice.kind}`, role: s.notice.kind === "error" ? "alert" : "status", "data-testid": `notice-${s.notice.kind}` }, s.notice.text) : null,
    h("main", {}, content(s)),
    footer(s)
  )

const header = (s: ViewState) =>
  h(
    "header",
    {},
    h("a", { href: "#/", class: "brand" }, "Affinity"),
    s.room && s.route.page === "community" ? h("span", { class: "title", "data-testid": "community-name" }, s.room.name) : null
  )

const footer = (s: ViewState) => {
  const relays = s.room ? s.room.relays : []
  const statuses = relays.map((r) => s.relays.get(r) ?? "offline")
  const sync =
    relays.length === 0 ? "no relay" : statuses.every((x) => x === "online") ? "online" : statuses.some((x) => x === "online") ? "partly online" : statuses.includes("connecting") ? "connecting" : "offline"
  return h(
    "footer",
    {},
    s.room
      ? [
          h("span", { "data-testid": "sync-status", "data-status": sync, title: relays.join(", ") }, `relay: ${sync}`),
          h("span", { "data-testid": "event-count" }, `${s.room.events} events`),
          h("span", { class: "hash" }, "state ", h("code", { "data-testid": "state-hash", title: s.room.stateHash }, s.room.stateHash))
        ]
      : h("span", {}, "Keys stay on this device. Data lives in this browser and with the community's relays.")
  )
}

const content = (s: ViewState): Child => {
  switch (s.route.page) {
    case "home":
      return home(s)
    case "join":
      return join(s)
    case "community":
      return s.room ? community(s, s.room, s.route) : h("p", { "data-testid": "loading" }, "Opening…")
  }
}

// --- home --------------------------------------------------------------------------------------

const home = (s: ViewState) =>
  h(
    "div",
    {},
    h(
      "section",
      {},
      h("h2", {}, "Your communities"),
      s.communities.length === 0
        ? h("p", { class: "muted" }, "None yet on this device. Create one, or join one with an invitation.")
        : h(
            "ul",
            { class: "list", "data-testid": "communities" },
            s.communities.map((c) => h("li", {}, h("a", { href: `#/c/${c.id}`, "data-testid": "community-link" }, c.name), h("small", { class: "muted" }, ` ${short(c.id)}`)))
          )
    ),
    h(
      "section",
      {},
      h("h2", {}, "Create a community"),
      h(
        "form",
        { "data-form": "create", novalidate: true },
        h("label", {}, "Name", h("input", { name: "name", "data-keep": "create-name", "data-testid": "create-name", maxlength: 300, autocomplete: "off" })),
        fieldError(s, "name"),
        h("label", {}, "Relay address (optional)", h("input", { name: "relay", "data-keep": "create-relay", "data-testid": "create-relay", value: s.defaultRelay, inputmode: "url" })),
        fieldError(s, "relay"),
        h("p", { class: "hint" }, "You are its founder. Community time follows its members' clocks: yours alone while there are one or two members, and from three members on, no single clock moves it. Decisions are taken by its members, never by you alone."),
        h("button", { type: "submit", "data-testid": "create-submit", disabled: s.busy || !s.writer }, "Create")
      )
    ),
    h(
      "section",
      {},
      h("h2", {}, "Join with an invitation"),
      h(
        "form",
        { "data-form": "open-invitation", novalidate: true },
        h("label", {}, "Invitation link or code", h("textarea", { name: "code", rows: 3, "data-keep": "join-code", "data-testid": "join-code" })),
        fieldError(s, "code"),
        h("button", { type: "submit", "data-testid": "join-open", disabled: s.busy }, "Open invitation")
      )
    ),
    h(
      "section",
      {},
      h("h2", {}, "Import"),
      h("p", { class: "hint" }, "Load a community from an export file (.affinity). Every event in it is checked; nothing false gets in."),
      h("input", { type: "file", accept: ".affinity,application/octet-stream", "data-action": "import", "data-testid": "import-file", disabled: !s.writer })
    )
  )

// --- join --------------------------------------------------------------------------------------

const join = (s: ViewState) => {
  const inv = s.invitation
  if (!inv) return h("p", { "data-testid": "loading" }, "Reading the invitation…")
  return h(
    "section",
    { "data-testid": "invitation" },
    h("h2", {}, `Join “${inv.name}”`),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Community"),
      h("dd", {}, h("code", { "data-testid": "invitation-community" }, short(inv.community))),
      h("dt", {}, "Invited by"),
      h("dd", {}, `${short(inv.inviter)}${inv.inviterIsFounder ? " (a founder)" : " (checked once synced)"}`),
      h("dt", {}, "Relays"),
      h("dd", {}, inv.relays.length === 0 ? "none: sync happens only between tabs of this browser" : inv.relays.join(", "))
    ),
    s.deviceRequest
      ? h(
          "div",
          { class: "card" },
          h("h3", {}, "Add this device to your identity"),
          h("p", {}, "On the device that invited you, open This device → Add a device, and paste this request code:"),
          h("textarea", { readonly: true, rows: 4, "data-testid": "device-request" }, s.deviceRequest),
          button("copy", "Copy the code", { "data-copy": s.deviceRequest }),
          h("p", { class: "hint" }, "This device's secret key never leaves it; the code holds only its public key and its consent."),
          button("open-joined", "Open the community", { "data-testid": "open-joined" })
        )
      : [
          h(
            "form",
            { "data-form": "apply", class: "card", novalidate: true },
            h("h3", {}, "Ask to join"),
            h("p", { class: "hint" }, "Members decide together whether to admit you. Until then you can read along."),
            h("label", {}, "A note to the members (optional)", h("textarea", { name: "note", rows: 2, "data-keep": "apply-note", "data-testid": "apply-note" })),
            fieldError(s, "note"),
            h("button", { type: "submit", "data-testid": "apply-submit", disabled: s.busy || !s.writer }, "Ask to join")
          ),
          h(
            "div",
            { class: "card" },
            h("h3", {}, "Or: this is my other device"),
            h("p", { class: "hint" }, "If the invitation came from your own device, add this one to your identity instead of applying."),
            button("device-request", "Make a device request", { "data-testid": "device-request-make", disabled: s.busy || !s.writer })
          )
        ]
  )
}

// --- a community -------------------------------------------------------------------------------

const TABS: ReadonlyArray<readonly [Tab, string]> = [
  ["proposals", "Proposals"],
  ["members", "Members"],
  ["terms", "Terms"],
  ["record", "Record"],
  ["device", "This device"]
]

const community = (s: ViewState, room: RoomView, route: Extract<Route, { page: "community" }>) =>
  h(
    "div",
    { "data-testid": "community", "data-community": room.id },
    h(
      "nav",
      { class: "tabs" },
      TABS.map(([tab, label]) =>
        h("a", { href: `#/c/${room.id}/${tab}`, class: route.tab === tab || (tab === "proposals" && (route.tab === "new" || route.tab === "proposal")) ? "active" : undefined, "data-testid": `tab-${tab}` }, label)
      )
    ),
    standing(room),
    route.tab === "proposals"
      ? proposals(s, room)
      : route.tab === "new"
        ? newProposal(s, room, route.admit)
        : route.tab === "proposal"
          ? proposal(s, room, route.proposal ?? "")
          : route.tab === "members"
            ? members(s, room)
            : route.tab === "terms"
              ? terms(s, room)
              : route.tab === "record"
                ? record(room)
                : device(s, room)
  )

const standing = (room: RoomView) =>
  room.status === "full"
    ? null
    : h(
        "p",
        { class: "banner", "data-testid": "standing", "data-status": room.status ?? "none" },
        room.status === "applicant"
          ? "You asked to join. Members decide together; until then you can read along."
          : room.status === "left"
            ? "You are no longer a member of this community."
            : "You are reading along. Syncing…"
      )

const statusLabel = (p: Governance.Proposal): string => (p.status === "open" ? "open" : p.status)

const proposalItem = (room: RoomView, p: Governance.Proposal) =>
  h(
    "li",
    { "data-testid": "proposal-item", "data-status": p.status },
    h("a", { href: `#/c/${room.id}/p/${p.id}` }, p.title),
    h("small", { class: `status ${p.status}` }, ` ${statusLabel(p)}`),
    h("small", { class: "muted" }, p.status === "open" ? ` · until ${when(p.deadline)}` : "")
  )

const proposals = (s: ViewState, room: RoomView) => {
  const open = Governance.Records.open(room.gov)
  const decided = Governance.Records.decisions(room.gov).slice().reverse()
  return h(
    "section",
    {},
    h("div", { class: "row" }, h("h2", {}, "Open proposals"), room.status === "full" ? h("a", { href: `#/c/${room.id}/new`, class: "button", "data-testid": "new-proposal" }, "New proposal") : null),
    open.length === 0 ? h("p", { class: "muted" }, "Nothing open.") : h("ul", { class: "list", "data-testid": "open-proposals" }, open.map((p) => proposalItem(room, p))),
    h("h2", {}, "Decided"),
    decided.length === 0 ? h("p", { class: "muted" }, "Nothing decided yet.") : h("ul", { class: "list", "data-testid": "decided-proposals" }, decided.map((p) => proposalItem(room, p))),
    void s
  )
}

const newProposal = (s: ViewState, room: RoomView, admit: string | undefined) =>
  h(
    "section",
    {},
    h("h2", {}, admit ? `Propose to admit ${short(admit)}` : "New proposal"),
    h(
      "form",
      { "data-form": "propose", novalidate: true },
      admit ? h("input", { type: "hidden", name: "admit", value: admit }) : null,
      h("label", {}, "Title", h("input", { name: "title", "data-keep": "p-title", "data-testid": "proposal-title", value: admit ? `Admit ${short(admit)}` : undefined, maxlength: 300, autocomplete: "off" })),
      fieldError(s, "title"),
      h("label", {}, "What and why", h("textarea", { name: "text", rows: 4, "data-keep": "p-text", "data-testid": "proposal-text" })),
      fieldError(s, "text"),
      h(
        "label",
        {},
        "How it is decided",
        h(
          "select",
          { name: "process", "data-keep": "p-process", "data-testid": "proposal-process" },
          h("option", { value: "consensus" }, "Consensus: passes with agreement and no block"),
          h("option", { value: "consent" }, "Consent: passes unless someone objects"),
          admit ? null : h("option", { value: "poll" }, "Poll: records opinions only")
        )
      ),
      fieldError(s, "process"),
      h(
        "label",
        {},
        "Members can respond for",
        h("select", { name: "window", "data-keep": "p-window", "data-testid": "proposal-window" }, WINDOWS.map((w) => h("option", { value: String(w), selected: w === 24 }, windowLabel(w))))
      ),
      fieldError(s, "window"),
      admit ? h("p", { class: "hint" }, `If it passes, ${short(admit)} becomes a full member.`) : null,
      h("button", { type: "submit", "data-testid": "proposal-submit", disabled: s.busy }, "Open the proposal")
    )
  )

const stanceLabel: Record<Governance.StanceKind, string> = { agree: "Agree", abstain: "Stand aside", object: "Object", block: "Block" }

const proposal = (s: ViewState, room: RoomView, id: string) => {
  const p = Governance.Records.proposal(room.gov, id)
  if (!p) return h("p", { "data-testid": "proposal-missing" }, "This proposal is not here yet. It will appear once it syncs.")
  const v = p.versions[p.versions.length - 1]!
  const latest = Governance.Records.stances(room.gov, id)
  const mine = latest.find((x) => x.member === room.identity)
  const closable = p.status === "open" && room.communityTime >= p.deadline
  const waiting = p.status === "open" && !closable && s.now >= p.deadline
  return h(
    "section",
    { "data-testid": "proposal", "data-status": p.status },
    h("h2", { "data-testid": "proposal-heading" }, p.title),
    h("p", { class: "muted" }, `${p.process} · by ${who(room, p.proposer)} · `, p.status === "open" ? `until ${when(p.deadline)}` : h("span", { class: `status ${p.status}` }, p.status)),
    v.text ? h("p", { class: "text" }, v.text) : null,
    v.action ? h("p", { class: "action" }, "If it passes: ", actionText(v.action)) : null,
    p.decision ? outcome(room, p) : null,
    h("h3", {}, "Stances"),
    latest.length === 0
      ? h("p", { class: "muted" }, "No stances yet.")
      : h(
          "ul",
          { class: "list stances", "data-testid": "stances" },
          latest.map((x) => h("li", { "data-testid": "stance", "data-stance": x.stance }, h("strong", {}, stanceLabel[x.stance]), ` — ${who(room, x.member)}`, x.reason ? h("q", {}, x.reason) : null))
        ),
    p.status === "open" && room.status === "full" && !closable && !waiting
      ? h(
          "form",
          { "data-form": "stance", class: "card", novalidate: true },
          h("input", { type: "hidden", name: "proposal", value: p.id }),
          h("h3", {}, mine ? "Change your stance" : "Your stance"),
          h(
            "div",
            { class: "choices" },
            (["agree", "abstain", "object", "block"] as const).map((k) =>
              h("label", { class: "choice" }, h("input", { type: "radio", name: "stance", value: k, "data-keep": `st-${k}`, "data-testid": `stance-${k}` }), stanceLabel[k])
            )
          ),
          fieldError(s, "stance"),
          h("label", {}, "Reason (needed to object or block)", h("textarea", { name: "reason", rows: 2, "data-keep": "st-reason", "data-testid": "stance-reason" })),
          fieldError(s, "reason"),
          h("button", { type: "submit", "data-testid": "stance-submit", disabled: s.busy }, "Take this stance")
        )
      : null,
    waiting
      ? h("p", { class: "banner", "data-testid": "waiting-time" }, "The deadline has passed on your clock; community time has not reached it yet. It follows the members' clocks: with three members or more, two of them must reach the deadline.")
      : null,
    closable && room.status === "full"
      ? h("div", { class: "card" }, h("p", {}, "The deadline has passed. Anyone can now count the stances and record the outcome."), button("close", "Close and record the outcome", { "data-proposal": p.id, "data-testid": "close-proposal", disabled: s.busy }))
      : null
  )
}

const actionText = (a: Governance.Action): string =>
  a.module === "core" && a.type === "member.admit"
    ? `admit ${short(hexOf((a.body as { identity: Uint8Array }).identity))} as a full member`
    : a.module === "core" && a.type === "member.remove"
      ? `remove ${short(hexOf((a.body as { identity: Uint8Array }).identity))}`
      : `${a.module}/${a.type}`

const hexOf = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("")

const outcome = (room: RoomView, p: Governance.Proposal) => {
  const d = p.decision!
  const applied = d.actionEvent ? room.actionApplied(d.actionEvent) : undefined
  return h(
    "div",
    { class: `card outcome ${d.outcome}`, "data-testid": "outcome", "data-outcome": d.outcome },
    h("h3", {}, `Outcome: ${d.outcome}`),
    h("p", { "data-testid": "outcome-reason" }, d.reason),
    h("p", { class: "muted" }, `agree ${d.tally.agree} · stand aside ${d.tally.abstain} · object ${d.tally.object} · block ${d.tally.block} · silent ${d.tally.silent} · recorded ${when(d.at)} by ${who(room, d.by)}`),
    applied === undefined ? null : h("p", { "data-testid": "action-applied" }, applied ? "Its action was applied." : "Its action could not be applied.")
  )
}

const members = (s: ViewState, room: RoomView) => {
  const by = (status: Module.MemberStatus) => room.members.filter((m) => m.status === status)
  const row = (m: MemberView) =>
    h(
      "li",
      { "data-testid": m.status === "applicant" ? "applicant" : "member", "data-identity": m.id },
      h("code", {}, short(m.id)),
      m.you ? " (you)" : "",
      m.founder ? h("small", { class: "muted" }, " founder") : null,
      m.devices.length > 1 ? h("small", { class: "muted" }, ` · ${m.devices.length} devices`) : null,
      m.note ? h("q", {}, m.note) : null,
      m.status === "applicant" && room.status === "full"
        ? h("a", { href: `#/c/${room.id}/new/${m.id}`, class: "button small", "data-testid": "propose-admission" }, "Propose admission")
        : null
    )
  const full = by("full")
  const applicants = by("applicant")
  const left = by("left")
  return h(
    "section",
    {},
    h("h2", {}, `Members (${full.length})`),
    h("ul", { class: "list", "data-testid": "members" }, full.map(row)),
    h("h2", {}, `Asking to join (${applicants.length})`),
    applicants.length === 0 ? h("p", { class: "muted" }, "Nobody.") : h("ul", { class: "list", "data-testid": "applicants" }, applicants.map(row)),
    left.length > 0 ? [h("h2", {}, "Former members"), h("ul", { class: "list" }, left.map(row))] : null,
    room.status === "full" ? invite(s, room) : null
  )
}

const invite = (s: ViewState, room: RoomView) =>
  h(
    "div",
    { class: "card" },
    h("h3", {}, "Invite someone"),
    h("p", { class: "hint" }, "The invitation carries the community's first event and its relays, signed by this device. Whoever opens it can ask to join; members then decide."),
    room.invitation
      ? [h("textarea", { readonly: true, rows: 4, "data-testid": "invite-link" }, room.invitation), button("copy", "Copy the link", { "data-copy": room.invitation })]
      : button("invite", "Make an invitation", { "data-testid": "invite-make", disabled: s.busy })
  )

const terms = (s: ViewState, room: RoomView) => {
  const gov = room.gov
  const params = room.params
  const current = Governance.termAt(gov, params, room.communityTime)
  const last = gov.lastTerm
  const drawn = Governance.Records.term(gov, last)
  const me = room.identity
  const onion = me ? gov.onions[me] : undefined
  const next = last + 1
  const cutoff = Governance.revealCutoff(gov, params, next)
  const canReveal =
    me !== undefined && drawn !== undefined && room.hasLotSecret && drawn.commits.some((c) => c.member === me && c.key === onion?.key) &&
    !(gov.reveals[String(next)] ?? []).some((r) => r.member === me) && room.communityTime < cutoff
  const isFull = (id: string) => room.members.some((m) => m.id === id && m.status === "full")
  return h(
    "section",
    { "data-testid": "terms" },
    h("h2", {}, "Prime working groups"),
    h("p", { class: "hint" }, `Each module has a prime working group of ${params.primeSize} full members drawn by lot for a term of ${Math.round(params.primeTerm / Governance.DAY)} days, never extended; it decides only by consensus of all its members.`),
    h("p", {}, `Community time: ${when(room.communityTime)} — term ${current}. Last term drawn: ${last < 0 ? "none" : last}.`),
    drawn && last > 0
      ? h(
          "table",
          { class: "seats", "data-testid": "seats" },
          h("tr", {}, h("th", {}, "Group"), h("th", {}, `Seats, term ${last}`)),
          Governance.PRIME_GROUPS.map((g) => {
            const seats = Governance.Records.seats(gov, last, g, isFull)
            return h("tr", {}, h("td", {}, g), h("td", {}, seats.length === 0 ? "—" : seats.map((m) => who(room, m)).join(", ")))
          })
        )
      : h("p", { class: "muted" }, last === 0 ? "Term 0 seats nobody: no reveal could come before it." : "No term drawn yet."),
    room.status === "full"
      ? h(
          "div",
          { class: "card" },
          h("h3", {}, "The lot"),
          h("p", { class: "hint" }, "To be drawn, commit to a hash onion: its secret stays on this device; each term you reveal one layer, which nobody can predict and you cannot choose."),
          onion
            ? h("p", { "data-testid": "lot-status" }, `Committed; ${onion.revealed} layer${onion.revealed === 1 ? "" : "s"} revealed.${room.hasLotSecret ? "" : " (The secret is on another device.)"}`)
            : button("lot-commit", "Take part in the lot", { "data-testid": "lot-commit", disabled: s.busy || !s.writer }),
          canReveal ? button("lot-reveal", `Reveal for term ${next}`, { "data-testid": "lot-reveal", disabled: s.busy || !s.writer }) : null,
          next <= current ? button("term-draw", `Draw term ${next}`, { "data-testid": "term-draw", disabled: s.busy }) : h("p", { class: "muted" }, `Term ${next} can be drawn from ${when(Governance.termStart(gov, params, next))}.`)
        )
      : null
  )
}

const record = (room: RoomView) => {
  const decided = Governance.Records.decisions(room.gov)
  return h(
    "section",
    { "data-testid": "record" },
    h("div", { class: "row" }, h("h2", {}, "Decision record"), h("button", { type: "button", "data-action": "download-record", class: "small" }, "Download (Markdown)")),
    decided.length === 0
      ? h("p", { class: "muted" }, "No decisions yet.")
      : h(
          "ol",
          { class: "list record" },
          decided.map((p) =>
            h(
              "li",
              { "data-testid": "record-item", "data-outcome": p.decision!.outcome },
              h("a", { href: `#/c/${room.id}/p/${p.id}` }, p.title),
              h("span", { class: `status ${p.decision!.outcome}` }, ` ${p.decision!.outcome}`),
              h("p", { class: "muted" }, `${when(p.decision!.at)} — ${p.decision!.reason}`)
            )
          )
        )
  )
}

const device = (s: ViewState, room: RoomView) =>
  h(
    "section",
    {},
    h("h2", {}, "This device"),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Device key"),
      h("dd", {}, h("code", { "data-testid": "device-key" }, short(room.device))),
      h("dt", {}, "Acts for"),
      h("dd", { "data-testid": "device-identity" }, room.identity ? who(room, room.identity) : "nobody yet"),
      h("dt", {}, "Relays"),
      h("dd", {}, room.relays.length === 0 ? "none" : room.relays.map((r) => `${r} (${s.relays.get(r) ?? "offline"})`).join(", "))
    ),
    room.identity && room.status !== "left"
      ? h(
          "form",
          { "data-form": "add-device", class: "card", novalidate: true },
          h("h3", {}, "Add a device"),
          h("p", { class: "hint" }, "On your other device, open an invitation made here (Members → Invite) and choose “this is my other device”. Paste the request code it shows:"),
          h("textarea", { name: "request", rows: 3, "data-keep": "device-request-code", "data-testid": "add-device-code" }),
          fieldError(s, "request"),
          h("button", { type: "submit", "data-testid": "add-device-submit", disabled: s.busy }, "Add the device")
        )
      : null,
    h(
      "div",
      { class: "card" },
      h("h3", {}, "Export"),
      h("p", { class: "hint" }, "Download every event of this community as a file to keep. Any device can import it; every event in it is verified."),
      button("export", "Download export", { "data-testid": "export" })
    )
  )
