/**
 * The defense screen: the threats page (outsiders restricted, allied lists, freezes and
 * emergency mandates, with the time each has left), the lost-phone flow (revoke a device;
 * what to do when every device is lost) and the safety-number screen, to check face to face
 * that someone's keys are theirs. Restrictions are community decisions, opened as proposals;
 * a call for a freeze and a revocation are signed by the member.
 *
 * @module
 */
import { Bytes } from "@affinity/core"
import * as Defense from "@affinity/defense"
import { type Child, h } from "../dom.ts"
import * as Names from "../names.ts"
import * as QR from "../qr.ts"
import type { Screen } from "../screen.ts"
import { button, fieldError, type RoomView, type ViewState, when, who } from "../viewParts.ts"
import { day, heading, hoursOf, identity, memberSelect, wholeNumber, windowSelect } from "./parts.ts"

const stateOf = (room: RoomView): Defense.State => room.state<Defense.State>("defense")
const options = (room: RoomView): Defense.Records.Options => ({ now: room.communityTime, nameOf: (hex) => room.directory.nameOf(hex) ?? Names.label(hex) })

const SCOPES: Readonly<Record<Defense.ScopeKind, string>> = { join: "asking to join", sync: "syncing with members", pay: "being paid" }

/** A freeze's scope in words. */
const freezeWords = (room: RoomView, scope: string): string => {
  if (scope === "admissions") return "admissions"
  if (scope === "payments") return "payments"
  const channel = scope.startsWith("channel:") ? room.state<{ readonly channels: Readonly<Record<string, { readonly name: string }>> }>("expression").channels[scope.slice(8)] : undefined
  return channel ? `the channel #${channel.name}` : "a channel"
}

const threats = (s: ViewState, room: RoomView): Child => {
  const state = stateOf(room)
  const o = Defense.Threats.overview(state, options(room))
  const me = room.identity
  const waiting = state.calls.filter((c) => c.freeze === null && room.communityTime - c.at < Defense.CALL_WINDOW)
  return [
    h(
      "div",
      { class: "card", "data-testid": "threat-restrictions" },
      h("h3", {}, "Outsiders restricted"),
      h("p", { class: "hint" }, "The community restricts a key, a relay or another community by decision, with a reason and an end date; none lasts more than a year without a new decision."),
      o.restrictions.length === 0
        ? h("p", { class: "muted" }, "None.")
        : h(
            "ul",
            { class: "list" },
            o.restrictions.map((r) =>
              h(
                "li",
                { "data-testid": "threat" },
                h("strong", {}, r.subject),
                ` — ${r.severity === "warn" ? "a warning" : `no ${r.scope.map((x) => SCOPES[x as Defense.ScopeKind] ?? x).join(", ")}`} until ${day(r.until)}, decided by ${r.by}: “${r.reason}”${r.source ? ` (from ${r.source}'s list)` : ""}`
              )
            )
          ),
      room.status === "full"
        ? h(
            "form",
            { "data-form": "defense:restrict", class: "inline", novalidate: true },
            h("h3", {}, "Propose a restriction"),
            h("label", {}, "Who", h("select", { name: "kind", "data-keep": "restrict-kind", "data-testid": "restrict-kind" }, h("option", { value: "relay" }, "a relay (its address)"), h("option", { value: "key" }, "a key (as its owner's app shows it)"))),
            h("input", { name: "id", maxlength: 200, placeholder: "wss://spam.example/", "data-keep": "restrict-id", "data-testid": "restrict-id", autocomplete: "off", spellcheck: "false" }),
            h("label", {}, "From", h("select", { name: "scope", "data-keep": "restrict-scope", "data-testid": "restrict-scope" }, Object.entries(SCOPES).map(([k, v]) => h("option", { value: k }, v)))),
            h("label", {}, "Why", h("input", { name: "reason", maxlength: 1000, "data-keep": "restrict-reason", "data-testid": "restrict-reason", placeholder: "floods members with spam" })),
            h("label", {}, "For how many days", h("input", { name: "days", inputmode: "numeric", value: "90", "data-keep": "restrict-days", "data-testid": "restrict-days" })),
            fieldError(s, "restrict"),
            windowSelect(s, "restrict-hours"),
            h("button", { type: "submit", "data-testid": "restrict-propose", disabled: s.busy }, "Propose")
          )
        : null
    ),
    h(
      "div",
      { class: "card", "data-testid": "subscriptions" },
      h("h3", {}, "Allied lists"),
      h("p", { class: "hint" }, `An allied community's restriction applies here on its own only when ${state.params.agree} of the lists followed agree; otherwise it is advice, and the community decides.`),
      Defense.Records.subscriptions(state, options(room)).filter((x) => x.ended === null).length === 0
        ? h("p", { class: "muted" }, "This community follows no list.")
        : h("ul", { class: "list" }, Defense.Records.subscriptions(state, options(room)).filter((x) => x.ended === null).map((x) => h("li", {}, `${x.name}: ${x.entries} entries, followed since ${day(x.since)}`))),
      o.advisories.length > 0 ? h("ul", { class: "list" }, o.advisories.map((a) => h("li", {}, `Advice from ${a.source}: ${a.subject} — “${a.reason}”`))) : null
    ),
    h(
      "div",
      { class: "card", "data-testid": "freezes" },
      h("h3", {}, "Freezes"),
      h("p", { class: "hint" }, `Any ${state.params.freezeCallers} members together can freeze admissions, payments or a channel for 72 hours: fast enough to stop harm, short enough that the community decides what comes next.`),
      o.freezes.length === 0 ? h("p", { class: "muted" }, "Nothing is frozen.") : h("ul", { class: "list" }, o.freezes.map((f) => h("li", { "data-testid": "freeze" }, `${f.scope} frozen by ${f.callers.map((c) => who(room, c)).join(" and ") || f.by}: ${f.left}`))),
      waiting.length > 0
        ? h(
            "ul",
            { class: "list" },
            waiting.map((c) =>
              h(
                "li",
                { "data-testid": "freeze-call" },
                `${who(room, c.member)} calls for freezing ${freezeWords(room, c.scope)}: “${c.reason}” (${when(c.at)})`,
                c.member !== me && room.status === "full"
                  ? button("defense:second", "Join the call", { "data-scope": c.scope, "data-reason": c.reason, class: "small", "data-testid": "freeze-second", disabled: s.busy })
                  : null
              )
            )
          )
        : null,
      room.status === "full"
        ? h(
            "form",
            { "data-form": "defense:freeze", class: "inline", novalidate: true },
            h("label", {}, "Call for a freeze of", h("select", { name: "scope", "data-keep": "freeze-scope", "data-testid": "freeze-scope" }, h("option", { value: "admissions" }, "admissions"), h("option", { value: "payments" }, "payments"))),
            h("input", { name: "reason", maxlength: 1000, placeholder: "why, in a sentence", "data-keep": "freeze-reason", "data-testid": "freeze-reason" }),
            fieldError(s, "freeze"),
            h("button", { type: "submit", class: "small", "data-testid": "freeze-call-submit", disabled: s.busy }, "Call")
          )
        : null
    ),
    h(
      "div",
      { class: "card", "data-testid": "mandates" },
      h("h3", {}, "Emergency mandates"),
      h("p", { class: "hint" }, "In an emergency the community may let a group act fast for at most 7 days, renewed once; afterwards the community reviews what was done."),
      o.mandates.length === 0 ? h("p", { class: "muted" }, "None running.") : h("ul", { class: "list" }, o.mandates.map((m) => h("li", {}, `${m.holder}: ${m.reason} — ${m.left}`))),
      o.overdue.length > 0 ? h("p", { class: "banner" }, `${o.overdue.length} mandate review${o.overdue.length === 1 ? " is" : "s are"} overdue.`) : null
    )
  ]
}

const lostPhone = (s: ViewState, room: RoomView): Child => {
  const me = room.members.find((m) => m.you)
  const devices = me?.devices ?? []
  const others = devices.filter((d) => d !== room.device)
  const steps = Defense.Threats.lostPhone({ otherDevices: others.length })
  return h(
    "div",
    { "data-testid": "lost-phone" },
    heading(room, "defense", "A lost phone"),
    h("h3", {}, "Your devices"),
    h(
      "ul",
      { class: "list", "data-testid": "devices" },
      devices.map((d) =>
        h(
          "li",
          { "data-testid": "device" },
          `${Names.label(d)}${d === room.device ? " (this device)" : ""}`,
          d !== room.device && room.status === "full"
            ? button("defense:revoke", "This one is lost: revoke it", { "data-device": d, class: "small danger", "data-testid": "device-revoke", disabled: s.busy })
            : null
        )
      )
    ),
    h("h3", {}, others.length > 0 ? "What to do" : "If you lose this device too"),
    h("ol", { class: "method", "data-testid": "lost-steps" }, steps.map((x) => h("li", {}, x.text))),
    others.length === 0 ? h("p", { class: "hint" }, "Add a second device under Device → Add a device: then losing one phone is one tap, not a trip to see two members.") : null
  )
}

let checking: string | undefined

const safety = (s: ViewState, room: RoomView): Child => {
  const them = checking && room.full.includes(checking) ? room.members.find((m) => m.id === checking) : undefined
  return h(
    "div",
    { "data-testid": "safety" },
    heading(room, "defense", "Safety number"),
    h("p", { class: "hint" }, "Meet the person and compare this number on both phones, or scan it. If it matches, the keys you both use are really yours, and nobody in between can pretend to be either of you."),
    h(
      "form",
      { "data-form": "defense:check", class: "inline", novalidate: true },
      memberSelect(room, "member", "With", { others: true, testid: "safety-member" }),
      h("button", { type: "submit", class: "small", "data-testid": "safety-show" }, "Show the number")
    ),
    them
      ? them.devices.map((d) => {
          const number = Defense.SafetyNumber.of(room.device, d)
          return h(
            "div",
            { class: "card", "data-testid": "safety-number", "data-device": d },
            h("h3", {}, `${who(room, them.id)}${them.devices.length > 1 ? `, device ${Names.label(d)}` : ""}`),
            h("p", { class: "digits", "data-testid": "safety-digits" }, Defense.SafetyNumber.groups(number)),
            h("div", { class: "qr", style: "max-width:14rem" }, QR.svg(Defense.SafetyNumber.qr(room.device, d), "The safety number as a QR code")),
            h(
              "form",
              { "data-form": "defense:compare", class: "inline", novalidate: true },
              h("input", { type: "hidden", name: "device", value: d }),
              h("label", {}, "Or type the number their phone shows", h("input", { name: "digits", inputmode: "numeric", autocomplete: "off", "data-keep": "safety-compare", "data-testid": "safety-compare" })),
              fieldError(s, `compare-${d}`),
              h("button", { type: "submit", class: "small", "data-testid": "safety-compare-submit" }, "Compare")
            )
          )
        })
      : null
  )
}

const view = (s: ViewState, room: RoomView, sub: string | undefined): Child => {
  if (sub === "lost") return lostPhone(s, room)
  if (sub === "safety") return safety(s, room)
  return h(
    "section",
    { "data-testid": "threats" },
    heading(room, "defense"),
    h(
      "p",
      { class: "buttons" },
      h("a", { href: `#/c/${room.id}/m/defense/lost`, class: "button secondary", "data-testid": "open-lost" }, "I lost a phone"),
      h("a", { href: `#/c/${room.id}/m/defense/safety`, class: "button secondary", "data-testid": "open-safety" }, "Check someone's keys")
    ),
    threats(s, room)
  )
}

export const screen: Screen = {
  view,
  forms: {
    restrict: async (values, ctx) => {
      const kind = values["kind"] === "key" ? "key" : "relay"
      const id = (values["id"] ?? "").trim()
      const reason = (values["reason"] ?? "").trim()
      const days = wholeNumber(values["days"], 1, 365)
      const scope = (Object.keys(SCOPES) as ReadonlyArray<Defense.ScopeKind>).find((k) => k === values["scope"]) ?? "join"
      if (kind === "relay" && !/^wss?:\/\/\S+$/.test(id)) return ctx.fail("restrict", "write the relay's address, such as wss://spam.example/")
      if (kind === "key" && identity(id.toLowerCase()) === undefined) return ctx.fail("restrict", "paste the key as its owner's app shows it: 64 characters of 0–9 and a–f")
      if (reason === "") return ctx.fail("restrict", "say why, so members and allies can judge it")
      if (days === undefined) return ctx.fail("restrict", "a restriction lasts 1 to 365 days")
      const subject = kind === "relay" ? { relay: id } : { key: Bytes.fromHex(id.toLowerCase())! }
      await ctx.propose({
        title: `Restrict ${kind === "relay" ? `the relay ${id}` : `the key ${Names.label(id.toLowerCase())}`} from ${SCOPES[scope]}`,
        text: `${reason}. For ${days} days.`,
        actions: [Defense.restrict(subject, { scope: [scope], reason, expires: ctx.room.communityTime + days * Defense.DAY })],
        hours: hoursOf(values["hours"])
      })
    },
    freeze: async (values, ctx) => {
      const scope = values["scope"] === "payments" ? "payments" : "admissions"
      const reason = (values["reason"] ?? "").trim()
      if (reason === "") return ctx.fail("freeze", "say why, in a sentence")
      if (await ctx.act(Defense.freeze(scope, reason))) ctx.say("ok", "Your call is recorded. The freeze starts when another member joins it, within 24 hours.")
    },
    check: async (values) => {
      checking = identity(values["member"])
    },
    compare: async (values, ctx) => {
      const device = identity(values["device"])
      if (!device) return
      if (Defense.SafetyNumber.matches(values["digits"] ?? "", ctx.room.device, device)) ctx.say("ok", "The numbers match: these keys are theirs.")
      else ctx.fail(`compare-${device}`, "The numbers differ. Do not trust these keys until you find out why: check you chose the right person, then ask them to look at their Device tab.")
    }
  },
  actions: {
    second: async (el, ctx) => {
      const scope = el.getAttribute("data-scope")
      const reason = el.getAttribute("data-reason") ?? ""
      if (scope !== "admissions" && scope !== "payments") return
      if (await ctx.act(Defense.freeze(scope, reason))) ctx.say("ok", `Your call is recorded with the other one: ${scope} are frozen for 72 hours once it applies.`)
    },
    revoke: async (el, ctx) => {
      const d = identity(el.getAttribute("data-device") ?? "")
      if (!d) return
      if (await ctx.act({ module: "core", type: "device.revoke", body: { device: Bytes.fromHex(d)! } })) ctx.say("ok", `The device ${Names.label(d)} is revoked: nothing it signs from now on counts.`)
    }
  }
}
