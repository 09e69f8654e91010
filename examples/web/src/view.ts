/**
 * Views: pure functions from the app's state to DOM trees. Buttons and forms name their
 * action (`data-action`, `data-form`); the app handles them in one place. People are shown
 * by name (given here, else published, else their label), times as dates, and the method in
 * plain words; hex never reaches the screen.
 *
 * @module
 */
import { Invitation, type Module } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { type Child, h } from "./dom.ts"
import { isLoopback } from "./forms.ts"
import * as Names from "./names.ts"
import * as QR from "./qr.ts"
import * as RelayAddress from "./relayAddress.ts"
import { SCREEN_WORDS, SCREENS } from "./screen.ts"
import { type MemberView, type RoomView, type Route, type Tab, type ViewState, button, count, fieldError, when, who } from "./viewParts.ts"
import { newProposal, outcomeWords, proposal, proposals } from "./viewProposal.ts"
import { terms } from "./viewTerms.ts"

export type { MemberView, RoomView, Route, Tab, ViewState } from "./viewParts.ts"
export { when, who } from "./viewParts.ts"

// --- layout ------------------------------------------------------------------------------------

/** The whole page. */
export const page = (s: ViewState): HTMLElement =>
  h(
    "div",
    { class: "page" },
    header(s),
    s.writer ? null : h("p", { class: "banner", "data-testid": "follower" }, "This app is open in another tab, which keeps the data. This tab follows it live; what you do here is signed there."),
    connection(s),
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

/** What the person must know about the network: offline, and changes that have not left this device. */
const connection = (s: ViewState): Child => {
  const room = s.route.page === "community" ? s.room : undefined
  const unsynced = room?.unsynced ?? 0
  if (s.online && unsynced === 0) return null
  return h(
    "div",
    { class: "connection", role: "status" },
    s.online
      ? null
      : h("p", { "data-testid": "offline" }, h("strong", {}, "You are offline. "), "Everything you do is kept on this device and shared when the network is back."),
    room && unsynced > 0
      ? h(
          "p",
          { "data-testid": "unsynced", "data-count": unsynced },
          h("strong", {}, `${count(unsynced, "change")} made on this device ${unsynced === 1 ? "is" : "are"} not shared yet. `),
          room.relays.length === 0
            ? "This community has no relay, so they stay on this device: add one under Device."
            : unsynced === 1
              ? "No relay has confirmed receiving it. It is kept here and goes out as soon as a relay can be reached."
              : "No relay has confirmed receiving them. They are kept here and go out as soon as a relay can be reached."
        )
      : null
  )
}

const relayWords: Readonly<Record<string, string>> = {
  online: "connected",
  "partly online": "partly connected",
  connecting: "connecting",
  offline: "cannot be reached",
  "no relay": "none"
}

const footer = (s: ViewState) => {
  const room = s.route.page === "community" ? s.room : undefined
  const relays = room ? room.relays : []
  const statuses = relays.map((r) => s.relays.get(r) ?? "offline")
  const sync =
    relays.length === 0 ? "no relay" : statuses.every((x) => x === "online") ? "online" : statuses.some((x) => x === "online") ? "partly online" : statuses.includes("connecting") ? "connecting" : "offline"
  return h(
    "footer",
    {},
    room
      ? [
          h("span", { "data-testid": "sync-status", "data-status": sync, title: relays.join(", ") }, `relay: ${relayWords[sync]}`),
          h("span", { "data-testid": "event-count", "data-unshared": room.unshared }, `${room.events} events`),
          h("span", { class: "hash" }, "state ", h("span", { "data-testid": "state-hash", "data-hash": room.stateHash, title: "Two devices that show the same words hold the same state." }, Names.longLabel(room.stateHash)))
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

const relayHint =
  "A relay passes the community's events between members who are not online at the same time. It can run on this computer (ws://127.0.0.1:8787/), " +
  "on another computer of your home or office network (ws:// and its address, such as ws://192.168.1.20:8787/), or on the internet (wss://relay.example.org/)."

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
        : h("ul", { class: "list", "data-testid": "communities" }, s.communities.map((c) => h("li", {}, h("a", { href: `#/c/${c.id}`, "data-testid": "community-link" }, c.name))))
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
        h("label", {}, "Relay address (optional)", h("input", { name: "relay", "data-keep": "create-relay", "data-testid": "create-relay", value: s.defaultRelay, inputmode: "url", autocomplete: "off", spellcheck: "false" })),
        fieldError(s, "relay"),
        h("p", { class: "hint" }, `${relayHint} You can change it later under Device.`),
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
  const usable = inv.relays.filter(RelayAddress.isValid)
  const unusable = inv.relays.filter((r) => !RelayAddress.isValid(r))
  return h(
    "section",
    { "data-testid": "invitation" },
    h("h2", {}, `Join “${inv.name}”`),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Community"),
      h("dd", { "data-testid": "invitation-community", "data-community": inv.community }, inv.name),
      h("dt", {}, "Invited by"),
      h("dd", {}, `${Names.label(inv.inviter)}${inv.inviterIsFounder ? " (a founder)" : " (checked once synced)"}`),
      h("dt", {}, "Relays"),
      h("dd", { "data-testid": "invitation-relays" }, usable.length === 0 ? "none: sync happens only between tabs of this browser" : usable.join(", "))
    ),
    unusable.length > 0
      ? h("p", { class: "banner", "data-testid": "invitation-bad-relays" }, `The invitation also names ${count(unusable.length, "relay address", "relay addresses")} that ${unusable.length === 1 ? "is" : "are"} not valid; the app leaves ${unusable.length === 1 ? "it" : "them"} out.`)
      : null,
    s.deviceRequest
      ? h(
          "div",
          { class: "card" },
          h("h3", {}, "Add this device to your identity"),
          h("p", {}, "On the device that invited you, open Device → Add a device, and paste this request code:"),
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
            h("label", {}, "Your name, as the members will see it (optional)", h("input", { name: "name", maxlength: Names.MAX_NAME, "data-keep": "apply-name", "data-testid": "apply-name", autocomplete: "name" })),
            fieldError(s, "profile-name"),
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
  ["device", "Device"],
  ["more", "More"]
]

/** The tab a route belongs to. */
const tabOf = (route: Extract<Route, { page: "community" }>): Tab =>
  route.tab === "new" || route.tab === "proposal" ? "proposals" : route.tab === "module" ? "more" : route.tab

const community = (s: ViewState, room: RoomView, route: Extract<Route, { page: "community" }>) =>
  h(
    "div",
    { "data-testid": "community", "data-community": room.id },
    h(
      "nav",
      { class: "tabs", "data-testid": "tabs" },
      TABS.map(([tab, label]) =>
        h("a", { href: `#/c/${room.id}/${tab}`, class: tabOf(route) === tab ? "active" : undefined, "data-testid": `tab-${tab}` }, label)
      )
    ),
    standing(room),
    route.tab === "proposals"
      ? proposals(room)
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
                : route.tab === "more"
                  ? more(room)
                  : route.tab === "module"
                    ? h("div", { "data-testid": `screen-${route.module ?? ""}` }, s.screen ? s.screen.view(s, room, route.sub) : h("p", { "data-testid": "loading" }, "Opening…"))
                    : device(s, room)
  )

// --- the modules' pages ------------------------------------------------------------------------

/** The list of the modules' pages: each loads when opened. */
const more = (room: RoomView) =>
  h(
    "section",
    { "data-testid": "more" },
    h("h2", {}, "More of the community's life"),
    h(
      "ul",
      { class: "list" },
      SCREENS.map((name) =>
        h(
          "li",
          {},
          h("a", { href: `#/c/${room.id}/m/${name}`, "data-testid": `open-${name}`, class: "page-link" }, SCREEN_WORDS[name].title),
          h("p", { class: "hint" }, SCREEN_WORDS[name].about)
        )
      )
    )
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

// --- members -----------------------------------------------------------------------------------

const nameForm = (s: ViewState, m: MemberView) =>
  h(
    "form",
    { "data-form": "name", class: "inline", novalidate: true },
    h("input", { type: "hidden", name: "identity", value: m.id }),
    h("label", {}, `A name for ${Names.label(m.id)}, seen only on this device, instead of the name they use`, h("input", { name: "name", maxlength: Names.MAX_NAME, "data-keep": "member-name", "data-testid": "member-name", autocomplete: "off" })),
    fieldError(s, "member-name"),
    h("div", { class: "buttons" }, h("button", { type: "submit", "data-testid": "member-name-save", disabled: s.busy }, "Save"), button("compose-cancel", "Cancel", { class: "secondary" }))
  )

const members = (s: ViewState, room: RoomView) => {
  const by = (status: Module.MemberStatus) => room.members.filter((m) => m.status === status)
  const row = (m: MemberView) => {
    const shown = room.directory.nameOf(m.id)
    const profile = room.directory.profileOf(m.id)
    const given = room.names[m.id]
    return h(
      "li",
      { "data-testid": m.status === "applicant" ? "applicant" : "member", "data-identity": m.id },
      h("strong", { "data-testid": "member-shown" }, who(room, m.id)),
      // The label, when a name hides it; the name they use, when this device calls them otherwise.
      shown.includes(Names.label(m.id)) ? null : h("small", { class: "muted" }, ` ${Names.label(m.id)}`),
      profile?.pronouns ? h("small", { class: "muted", "data-testid": "member-pronouns" }, ` · ${profile.pronouns}`) : null,
      given && profile && given !== profile.name ? h("small", { class: "muted" }, ` · goes by “${profile.name}”`) : null,
      m.founder ? h("small", { class: "muted" }, " · founder") : null,
      m.devices.length > 1 ? h("small", { class: "muted" }, ` · ${m.devices.length} devices`) : null,
      m.note ? h("q", {}, m.note) : null,
      s.composing?.form === "name" && s.composing.target === m.id
        ? nameForm(s, m)
        : h(
            "div",
            { class: "buttons" },
            m.status === "applicant" && room.status === "full"
              ? h("a", { href: `#/c/${room.id}/new/${m.id}`, class: "button small", "data-testid": "propose-admission" }, "Propose admission")
              : null,
            m.you ? null : button("name-start", room.names[m.id] ? "Rename" : "Give a name", { "data-identity": m.id, class: "small secondary", "data-testid": "name-start", disabled: !s.writer })
          )
    )
  }
  const full = by("full")
  const applicants = by("applicant")
  const left = by("left")
  return h(
    "section",
    {},
    h("h2", {}, `Members (${full.length})`),
    h("p", { class: "hint" }, "People appear by the name they chose for themselves, or else by a label made from their key, the same on every device. A name you give someone here comes first, and stays on this device."),
    h("ul", { class: "list", "data-testid": "members" }, full.map(row)),
    h("h2", {}, `Asking to join (${applicants.length})`),
    applicants.length === 0 ? h("p", { class: "muted" }, "Nobody.") : [h("p", { class: "hint" }, "Members decide together whether to admit someone, with a proposal like any other."), h("ul", { class: "list", "data-testid": "applicants" }, applicants.map(row))],
    left.length > 0 ? [h("h2", {}, "Former members"), h("ul", { class: "list" }, left.map(row))] : null,
    room.status === "full" ? invite(s, room) : null
  )
}

const invite = (s: ViewState, room: RoomView) =>
  h(
    "div",
    { class: "card", "data-testid": "invite" },
    h("h3", {}, "Invite someone"),
    h("p", { class: "hint" }, "The invitation carries the community's first event and its relays, signed by this device. Whoever opens it can ask to join; members then decide."),
    h(
      "p",
      { class: "hint", "data-testid": "invite-relays" },
      room.relays.length === 0
        ? "This community has no relay, so whoever joins could not reach anyone: add a relay under Device first."
        : `It tells them to sync through ${room.relays.join(", ")}. Others must be able to reach ${room.relays.length === 1 ? "that address" : "these addresses"} from their device: 127.0.0.1 is only ever their own device.`
    ),
    h(
      "form",
      { "data-form": "invite", novalidate: true },
      h("label", {}, "Address of the app in the link", h("input", { name: "app", value: s.appAddress, "data-keep": "invite-app", "data-testid": "invite-app", inputmode: "url", autocomplete: "off", spellcheck: "false" })),
      fieldError(s, "app"),
      isLoopback(s.appAddress)
        ? h("p", { class: "hint", "data-testid": "invite-app-local" }, "This address opens the app only on this computer. For a phone or another computer, write the address they can reach, such as http://192.168.1.20:5173/ on your network.")
        : null,
      h("button", { type: "submit", "data-testid": "invite-make", disabled: s.busy }, room.invitation ? "Make a new invitation" : "Make an invitation")
    ),
    room.invitation
      ? h(
          "div",
          { class: "invitation" },
          h("div", { class: "qr", "data-testid": "invite-qr", "data-text": room.invitation }, QR.svg(room.invitation, "QR code of the invitation link")),
          h(
            "div",
            {},
            h("p", { class: "hint" }, "Scan the code with a phone's camera, or send the link:"),
            h("textarea", { readonly: true, rows: 4, "data-testid": "invite-link" }, room.invitation),
            button("copy", "Copy the link", { "data-copy": room.invitation, "data-testid": "invite-copy" })
          )
        )
      : null
  )

// --- record ------------------------------------------------------------------------------------

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
              h("span", { class: `status ${p.decision!.outcome}` }, ` ${p.decision!.outcome === "failed" ? "did not pass" : p.decision!.outcome === "superseded" ? "replaced" : p.decision!.outcome}`),
              h("p", { class: "muted" }, `${when(p.decision!.at)}: ${outcomeWords(room, p)}`)
            )
          )
        )
  )
}

// --- this device -------------------------------------------------------------------------------

const relayStatusWords: Readonly<Record<string, string>> = { online: "connected", connecting: "connecting…", offline: "cannot be reached; trying again" }

const relays = (s: ViewState, room: RoomView) =>
  h(
    "div",
    { class: "card", "data-testid": "relays" },
    h("h3", {}, "Relays"),
    h("p", { class: "hint" }, `${relayHint} Invitations made from now on carry this list.`),
    room.relays.length === 0
      ? h("p", { class: "muted" }, "None: this community syncs only between the tabs of this browser.")
      : h(
          "ul",
          { class: "list" },
          room.relays.map((r) =>
            h(
              "li",
              { "data-testid": "relay", "data-relay": r, "data-status": s.relays.get(r) ?? "offline" },
              h("code", {}, r),
              h("small", { class: "muted" }, ` ${relayStatusWords[s.relays.get(r) ?? "offline"]}`),
              h("div", { class: "buttons" }, button("relay-remove", "Remove", { "data-relay": r, class: "small secondary", "data-testid": "relay-remove", disabled: s.busy || !s.writer }))
            )
          )
        ),
    room.relays.length < Invitation.MAX_RELAYS
      ? h(
          "form",
          { "data-form": "relay-add", novalidate: true },
          h("label", {}, "Add a relay", h("input", { name: "relay", "data-keep": "relay-add", "data-testid": "relay-add", inputmode: "url", autocomplete: "off", spellcheck: "false", placeholder: "ws://192.168.1.20:8787/" })),
          fieldError(s, "relay"),
          h("button", { type: "submit", "data-testid": "relay-add-submit", disabled: s.busy || !s.writer }, "Add the relay")
        )
      : null
  )

/** Say who you are: the name and pronouns this member publishes to the others. */
const profileCard = (s: ViewState, room: RoomView, identity: string) => {
  const mine = room.directory.profileOf(identity)
  return h(
    "form",
    { "data-form": "profile", class: "card", "data-testid": "profile", novalidate: true },
    h("h3", {}, "Your name"),
    h(
      "p",
      { class: "hint", "data-testid": "profile-shown" },
      mine
        ? `Members see you as ${mine.name}${mine.pronouns ? ` (${mine.pronouns})` : ""}, unless they gave you a name of their own.`
        : `Members see you as ${Names.label(identity)}, a label made from your key, until you say who you are.`
    ),
    h("label", {}, "The name you go by", h("input", { name: "name", value: mine?.name, maxlength: Names.MAX_NAME, "data-keep": "profile-name", "data-testid": "profile-name", autocomplete: "name" })),
    fieldError(s, "profile-name"),
    h("label", {}, "Pronouns (optional)", h("input", { name: "pronouns", value: mine?.pronouns, maxlength: 30, "data-keep": "profile-pronouns", "data-testid": "profile-pronouns", autocomplete: "off", placeholder: "she/her" })),
    fieldError(s, "profile-pronouns"),
    h("p", { class: "hint" }, "Everyone in this community sees it. A name is not an identity: changing it changes nothing else."),
    h(
      "div",
      { class: "buttons" },
      h("button", { type: "submit", "data-testid": "profile-submit", disabled: s.busy }, mine ? "Change" : "Publish"),
      mine ? button("profile-erase", "Erase", { class: "secondary", "data-testid": "profile-erase", disabled: s.busy }) : null
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
      h("dt", {}, "Device"),
      h("dd", { "data-testid": "device-key" }, Names.label(room.device)),
      h("dt", {}, "Acts for"),
      h("dd", { "data-testid": "device-identity" }, room.identity ? who(room, room.identity) : "nobody yet"),
      h("dt", {}, "State"),
      h("dd", {}, Names.longLabel(room.stateHash), h("small", { class: "muted" }, " (the same words on two devices: they hold the same state)"))
    ),
    room.identity && room.status !== "left" ? profileCard(s, room, room.identity) : null,
    relays(s, room),
    room.identity && room.status !== "left"
      ? h(
          "form",
          { "data-form": "add-device", class: "card", novalidate: true },
          h("h3", {}, "Add a device"),
          h("p", { class: "hint" }, "On your other device, open an invitation made here (Members → Invite someone) and choose “this is my other device”. Paste the request code it shows:"),
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
