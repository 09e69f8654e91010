/**
 * The administration screen: my qualifications and when they expire, who can do what (the
 * holders of each qualification), the opt-in pools a working group draws from, my load (roles
 * and hours this cycle, with the caps), and the tool shelf (who holds each thing, lending and
 * giving back). A member's own acts are signed here; defining and granting a qualification
 * are decisions, opened as community proposals.
 *
 * @module
 */
import * as Administration from "@affinity/administration"
import { type Child, h } from "../dom.ts"
import type { Screen } from "../screen.ts"
import { button, fieldError, type RoomView, type ViewState, who } from "../viewParts.ts"
import { activeGroups, day, groupName, heading, hoursOf, identity, left, memberSelect, names, wholeNumber, windowSelect } from "./parts.ts"

const stateOf = (room: RoomView): Administration.State => room.state<Administration.State>("administration")
const now = (room: RoomView) => Administration.Records.now(stateOf(room), room.communityTime)

/** Who granted or vouched, in words: a deciding body, or a member by name. */
const byWords = (room: RoomView, by: string): string =>
  by === "community" ? "the community" : by.startsWith("prime/") ? `the ${by.slice(6)} group` : by.startsWith("group/") ? groupName(room, by.slice(6)) : who(room, by)

const qualificationsOf = (room: RoomView): ReadonlyArray<Administration.Definition> => {
  const state = stateOf(room)
  const past = now(room)
  const latest = new Map<string, Administration.Definition>()
  for (const d of state.definitions) if (d.key === past.key || past.happenedBefore(d.key)) latest.set(d.id, d)
  return [...latest.values()].sort((a, b) => (a.name < b.name ? -1 : 1))
}

const mine = (room: RoomView): Child => {
  const me = room.identity
  if (!me) return null
  const held = Administration.Records.held(stateOf(room), me, now(room))
  return h(
    "div",
    { class: "card", "data-testid": "my-qualifications" },
    h("h3", {}, "My qualifications"),
    held.length === 0
      ? h("p", { class: "muted" }, "None yet.")
      : h(
          "ul",
          { class: "list" },
          held.map((q) =>
            h(
              "li",
              { "data-testid": "held", "data-qualification": q.qualification },
              h("strong", {}, q.name),
              ` — since ${day(q.since)}, expires ${day(q.until)} (${left(q.until, room.communityTime)}); given by ${q.by.map((b) => byWords(room, b)).join(", ")}`
            )
          )
        ),
    h("p", { class: "hint" }, "Every qualification expires: it is renewed by showing it again, so what the community relies on stays current and nobody holds a role on an old say-so.")
  )
}

const whoCan = (s: ViewState, room: RoomView): Child => {
  const state = stateOf(room)
  const past = now(room)
  const me = room.identity
  const defs = qualificationsOf(room)
  return h(
    "div",
    { class: "card", "data-testid": "who-can" },
    h("h3", {}, "Who can do what"),
    defs.length === 0
      ? h("p", { class: "muted" }, "No qualification is defined yet.")
      : h(
          "ul",
          { class: "list" },
          defs.map((d) => {
            const holders = Administration.Records.holders(state, d.id, past)
            const canVouch = me !== undefined && d.grantedBy === "vouches" && holders.includes(me)
            return h(
              "li",
              { "data-testid": "qualification", "data-qualification": d.id },
              h("strong", {}, d.name),
              h("span", { "data-testid": "holders" }, `: ${holders.length === 0 ? "nobody yet" : names(room, holders)}`),
              h("small", { class: "muted", style: "display:block" }, `${d.criteria} ${d.grantedBy === "vouches" ? `Granted when ${d.vouches} holder${d.vouches === 1 ? "" : "s"} vouch` : "Granted by decision"}; lasts ${d.expiryDays} days.`),
              canVouch
                ? h(
                    "form",
                    { "data-form": "administration:vouch", class: "inline", novalidate: true },
                    h("input", { type: "hidden", name: "qualification", value: d.id }),
                    memberSelect(room, "member", "Vouch for", { others: true, testid: `vouch-member-${d.id}` }),
                    h("button", { type: "submit", class: "small", disabled: s.busy }, "Vouch")
                  )
                : null
            )
          })
        ),
    room.status === "full" && defs.length > 0
      ? h(
          "form",
          { "data-form": "administration:grant", class: "inline", novalidate: true },
          h("h3", {}, "Propose a grant"),
          h("label", {}, "Qualification", h("select", { name: "qualification", "data-keep": "grant-qualification", "data-testid": "grant-qualification" }, defs.map((d) => h("option", { value: d.id }, d.name)))),
          memberSelect(room, "member", "To", { testid: "grant-member" }),
          h("label", {}, "What it rests on", h("input", { name: "evidence", maxlength: 1000, "data-keep": "grant-evidence", "data-testid": "grant-evidence", placeholder: "the course certificate, seen by two of us" })),
          fieldError(s, "grant"),
          windowSelect(s, "grant-hours"),
          h("button", { type: "submit", "data-testid": "grant-propose", disabled: s.busy }, "Propose")
        )
      : null,
    room.status === "full"
      ? h(
          "form",
          { "data-form": "administration:define", class: "inline", novalidate: true },
          h("h3", {}, "Propose a qualification"),
          h("label", {}, "Name", h("input", { name: "name", maxlength: 120, "data-keep": "define-name", "data-testid": "define-name", placeholder: "First aid" })),
          h("label", {}, "What holding it means and how one shows it", h("input", { name: "criteria", maxlength: 2000, "data-keep": "define-criteria", "data-testid": "define-criteria", placeholder: "A first-aid course in the last two years" })),
          h(
            "label",
            {},
            "Granted",
            h("select", { name: "by", "data-keep": "define-by", "data-testid": "define-by" }, h("option", { value: "decision" }, "by decision"), h("option", { value: "vouches" }, "when two holders vouch"))
          ),
          h("label", {}, "Lasts (days)", h("input", { name: "days", inputmode: "numeric", value: "365", "data-keep": "define-days", "data-testid": "define-days" })),
          fieldError(s, "define"),
          windowSelect(s, "define-hours"),
          h("button", { type: "submit", "data-testid": "define-propose", disabled: s.busy }, "Propose")
        )
      : null
  )
}

const pools = (s: ViewState, room: RoomView): Child => {
  const state = stateOf(room)
  const past = now(room)
  const me = room.identity
  const groups = activeGroups(room)
  return h(
    "div",
    { class: "card", "data-testid": "pools" },
    h("h3", {}, "Pools"),
    h("p", { class: "hint" }, "A working group fills its roles by lot from those who opted in, with the community's draw as the seed: nobody picks favourites, and the work goes round."),
    groups.length === 0
      ? h("p", { class: "muted" }, "No working group yet.")
      : h(
          "ul",
          { class: "list" },
          groups.map((g) => {
            const pool = Administration.Records.pools(state, past).find((p) => p.group === g.id)?.members ?? []
            const inPool = me !== undefined && pool.includes(me)
            return h(
              "li",
              { "data-testid": "pool", "data-group": g.id },
              h("strong", {}, g.name),
              `: ${pool.length === 0 ? "nobody in the pool" : names(room, pool)}`,
              room.status === "full"
                ? h(
                    "div",
                    { class: "buttons" },
                    inPool
                      ? button("administration:pool-leave", "Leave the pool", { "data-group": g.id, class: "small secondary", "data-testid": "pool-leave", disabled: s.busy })
                      : button("administration:pool-join", "Join the pool", { "data-group": g.id, class: "small", "data-testid": "pool-join", disabled: s.busy })
                  )
                : null
            )
          })
        )
  )
}

const load = (s: ViewState, room: RoomView): Child => {
  const me = room.identity
  if (!me || room.status !== "full") return null
  const elsewhere = Object.values(room.gov.groups)
    .filter((g) => g.disbanded === null && g.members.includes(me))
    .map((g) => `group/${g.id}`)
  const l = Administration.Records.load(stateOf(room), me, now(room), elsewhere)
  return h(
    "div",
    { class: "card", "data-testid": "my-load" },
    h("h3", {}, "My load"),
    h("p", { "data-testid": "load-roles" }, `${l.roles} of at most ${l.cap} roles${l.hoursCap > 0 ? `; ${l.hours} of at most ${l.hoursCap} hours this cycle` : `; ${l.hours} hours this cycle`}.`),
    l.assignments.length > 0 ? h("ul", {}, l.assignments.map((a) => h("li", {}, `${a.role} in ${groupName(room, a.group)}, ${a.hours} hours, until ${day(a.until)}`))) : null,
    h("p", { class: "hint" }, "Roles are capped so that the work is shared and nobody becomes indispensable."),
    l.frozen
      ? [h("p", {}, "You are on a break: nobody draws you for a role."), button("administration:unfreeze", "End my break", { class: "secondary", disabled: s.busy })]
      : button("administration:freeze", "Take a break for one cycle", { class: "secondary", "data-testid": "freeze", disabled: s.busy })
  )
}

const shelf = (s: ViewState, room: RoomView): Child => {
  const items = Administration.Records.shelf(stateOf(room), now(room))
  const me = room.identity
  return h(
    "div",
    { class: "card", "data-testid": "shelf" },
    h("h3", {}, "Tool shelf"),
    items.length === 0
      ? h("p", { class: "muted" }, "Nothing on the shelf yet.")
      : h(
          "ul",
          { class: "list" },
          items.map((r) => {
            const loan = r.out.find((b) => b.kind === "loan" && b.from <= room.communityTime)
            return h(
              "li",
              { "data-testid": "tool", "data-resource": r.id },
              h("strong", {}, r.name),
              ` (${r.kind}) — held by ${who(room, r.custodian)}${r.personal ? ", personal" : ""}`,
              loan ? h("span", { "data-testid": "tool-loan" }, `; lent to ${who(room, loan.member)} until ${day(loan.until)}`) : null,
              r.rules ? h("small", { class: "muted", style: "display:block" }, r.rules) : null,
              loan && (loan.member === me || r.custodian === me)
                ? button("administration:return", "Mark as returned", { "data-booking": loan.key, class: "small secondary", "data-testid": "tool-return", disabled: s.busy })
                : null,
              !loan && r.custodian === me
                ? h(
                    "form",
                    { "data-form": "administration:lend", class: "inline", novalidate: true },
                    h("input", { type: "hidden", name: "resource", value: r.id }),
                    memberSelect(room, "to", "Lend to", { others: true, testid: "lend-to" }),
                    h("label", {}, "For how many days", h("input", { name: "days", inputmode: "numeric", value: "7", "data-keep": "lend-days", "data-testid": "lend-days" })),
                    fieldError(s, `lend-${r.id}`),
                    h("button", { type: "submit", class: "small", "data-testid": "lend-submit", disabled: s.busy }, "Lend")
                  )
                : null
            )
          })
        ),
    room.status === "full"
      ? h(
          "form",
          { "data-form": "administration:personal", class: "inline", novalidate: true },
          h("label", {}, "Put one of your own things on the shelf", h("input", { name: "name", maxlength: 120, placeholder: "ladder", "data-keep": "personal-name", "data-testid": "personal-name" })),
          h("input", { name: "kind", maxlength: 80, placeholder: "kind (tool, room…)", "data-keep": "personal-kind", "data-testid": "personal-kind" }),
          fieldError(s, "personal"),
          h("button", { type: "submit", class: "small", "data-testid": "personal-submit", disabled: s.busy }, "Add")
        )
      : null
  )
}

/** A qualification's id from its name: `First aid` → `first-aid`. */
const slug = (name: string): string =>
  name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "")

export const screen: Screen = {
  view: (s, room) => h("section", {}, heading(room, "administration"), mine(room), load(s, room), whoCan(s, room), pools(s, room), shelf(s, room)),
  forms: {
    define: async (values, ctx) => {
      const name = (values["name"] ?? "").trim()
      const criteria = (values["criteria"] ?? "").trim()
      const id = slug(name)
      const days = wholeNumber(values["days"], 1, 1830)
      if (id === "" || criteria === "") return ctx.fail("define", "give a name and say what holding it means")
      if (days === undefined) return ctx.fail("define", "a qualification lasts 1 to 1830 days")
      const byVouches = values["by"] === "vouches"
      await ctx.propose({
        title: `Define the qualification “${name}”`,
        text: `${criteria} ${byVouches ? "Granted when two holders vouch." : "Granted by decision."} Lasts ${days} days.`,
        actions: [Administration.define({ id, name, criteria, grantedBy: byVouches ? "vouches" : "decision", vouches: byVouches ? 2 : 0, expiryDays: days })],
        hours: hoursOf(values["hours"])
      })
    },
    grant: async (values, ctx) => {
      const q = values["qualification"] ?? ""
      const member = identity(values["member"])
      const def = qualificationsOf(ctx.room).find((d) => d.id === q)
      if (!def || !member) return ctx.fail("grant", "choose a qualification and a member")
      await ctx.propose({
        title: `Grant “${def.name}” to ${who(ctx.room, member)}`,
        text: (values["evidence"] ?? "").trim() || def.criteria,
        actions: [Administration.grant(q, member, (values["evidence"] ?? "").trim())],
        hours: hoursOf(values["hours"])
      })
    },
    vouch: async (values, ctx) => {
      const q = values["qualification"] ?? ""
      const member = identity(values["member"])
      if (!member) return ctx.fail("grant", "choose who you vouch for")
      if (await ctx.act(Administration.vouch(q, member))) ctx.say("ok", `Your vouch for ${who(ctx.room, member)} is recorded.`)
    },
    lend: async (values, ctx) => {
      const resource = values["resource"] ?? ""
      const to = identity(values["to"])
      const days = wholeNumber(values["days"], 1, 90)
      if (!to || days === undefined) return ctx.fail(`lend-${resource}`, "choose a member and 1 to 90 days")
      if (await ctx.act(Administration.lend(resource, to, ctx.room.communityTime + days * Administration.DAY)))
        ctx.say("ok", `Lent to ${who(ctx.room, to)} for ${days} day${days === 1 ? "" : "s"}.`)
    },
    personal: async (values, ctx, form) => {
      const name = (values["name"] ?? "").trim()
      const kind = (values["kind"] ?? "").trim() || "tool"
      if (name === "") return ctx.fail("personal", "say what it is")
      if (await ctx.act(Administration.registerPersonal({ name, kind }))) {
        form.reset()
        ctx.say("ok", `${name} is on the shelf, held by you.`)
      }
    }
  },
  actions: {
    "pool-join": async (el, ctx) => {
      const g = el.getAttribute("data-group") ?? ""
      if (identity(g) && (await ctx.act(Administration.joinPool(g)))) ctx.say("ok", `You are in the pool of ${groupName(ctx.room, g)}: you may be drawn for its roles.`)
    },
    "pool-leave": async (el, ctx) => {
      const g = el.getAttribute("data-group") ?? ""
      if (identity(g) && (await ctx.act(Administration.leavePool(g)))) ctx.say("ok", `You left the pool of ${groupName(ctx.room, g)}.`)
    },
    freeze: async (_el, ctx) => {
      if (await ctx.act(Administration.freeze(1))) ctx.say("ok", "You are on a break for the next cycle: nobody draws you for a role.")
    },
    unfreeze: async (_el, ctx) => {
      if (await ctx.act(Administration.unfreeze())) ctx.say("ok", "Your break is over.")
    },
    return: async (el, ctx) => {
      const b = el.getAttribute("data-booking") ?? ""
      if (identity(b) && (await ctx.act(Administration.giveBack(b)))) ctx.say("ok", "Marked as returned.")
    }
  }
}
