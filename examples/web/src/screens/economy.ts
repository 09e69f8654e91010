/**
 * The economy screen: the wallet (balance, limit, demurrage), paying and asking to be paid,
 * requests waiting, the working groups' budgets with their expenses, and the inventory. Every
 * change is an `@affinity/economy` event: a member's own acts are signed here; creating the
 * currency and funding a group are community decisions, opened as proposals.
 *
 * @module
 */
import * as Economy from "@affinity/economy"
import { type Child, h } from "../dom.ts"
import type { Screen, ScreenContext } from "../screen.ts"
import { button, fieldError, type RoomView, type ViewState, when, who } from "../viewParts.ts"
import { activeGroups, groupName, heading, hoursOf, memberSelect, windowSelect, wholeNumber } from "./parts.ts"

const stateOf = (room: RoomView): Economy.State => room.state<Economy.State>("economy")

const options = (room: RoomView): Economy.Records.Options => ({
  nameOf: (id) => room.directory.nameOf(id),
  groupName: (g) => room.gov.groups[g]?.name,
  day: Economy.dayOf(stateOf(room), room.communityTime)
})

/** An amount with the currency's symbol. */
const money = (state: Economy.State, amount: number): string =>
  state.currency ? `${Economy.Money.format(amount, state.currency.decimals)} ${state.currency.symbol}` : String(amount)

/** Demurrage in words: parts per million a day as a percentage. */
const demurrageWords = (ppm: number): string => {
  const fraction = String(ppm % 10_000).padStart(4, "0").replace(/0+$/, "")
  return `${Math.floor(ppm / 10_000)}${fraction === "" ? "" : `.${fraction}`} % a day`
}

const DEMURRAGE_CHOICES: ReadonlyArray<readonly [number, string]> = [
  [0, "none"],
  [100, "0.01 % a day (about 3.6 % a year)"],
  [500, "0.05 % a day (about 17 % a year)"],
  [1_000, "0.1 % a day (about 31 % a year)"]
]

// --- views ---------------------------------------------------------------------------------------

const noCurrency = (s: ViewState, room: RoomView): Child =>
  h(
    "div",
    { "data-testid": "no-currency" },
    h("p", {}, "This community has no currency yet. The community creates one together, by decision: nobody can issue money alone."),
    room.status === "full"
      ? h(
          "form",
          { "data-form": "economy:currency", class: "card", novalidate: true },
          h("h3", {}, "Propose a currency"),
          h("label", {}, "Name", h("input", { name: "name", maxlength: 60, "data-keep": "eco-currency-name", "data-testid": "currency-name", placeholder: "Hours" })),
          fieldError(s, "name"),
          h("label", {}, "Symbol", h("input", { name: "symbol", maxlength: 8, "data-keep": "eco-currency-symbol", "data-testid": "currency-symbol", placeholder: "h" })),
          fieldError(s, "symbol"),
          h("label", {}, "How far below zero each member may go (credit limit)", h("input", { name: "credit", inputmode: "numeric", value: "100", "data-keep": "eco-currency-credit", "data-testid": "currency-credit" })),
          fieldError(s, "credit"),
          h(
            "p",
            { class: "hint" },
            "With mutual credit, paying creates the money: the payer's balance goes below zero, a promise to give back to the community, so nobody needs money before trading. The limit keeps any one promise small."
          ),
          h(
            "label",
            {},
            "What idle money gives back to the commons (demurrage)",
            h("select", { name: "demurrage", "data-keep": "eco-currency-demurrage", "data-testid": "currency-demurrage" }, DEMURRAGE_CHOICES.map(([v, l]) => h("option", { value: String(v) }, l)))
          ),
          h("p", { class: "hint" }, "Demurrage takes a little of every positive balance each day for the commons, so money keeps moving instead of piling up."),
          windowSelect(s, "currency-hours"),
          h("button", { type: "submit", "data-testid": "currency-propose", disabled: s.busy }, "Propose it to the community")
        )
      : null
  )

const wallet = (room: RoomView, state: Economy.State, me: string): Child => {
  const w = Economy.Wallet.wallet(state, me, options(room))
  const policy = state.policies.at(-1)
  return h(
    "div",
    { class: "card", "data-testid": "wallet" },
    h("h3", {}, `Your wallet in ${state.currency!.name}`),
    h("p", { class: "amount", "data-testid": "balance", "data-amount": w.balance }, money(state, w.balance)),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Limit"),
      h("dd", { "data-testid": "limit" }, w.credit > 0 ? `down to ${money(state, -w.credit)}` : "you cannot go below zero"),
      h("dt", {}, "You can pay"),
      h("dd", { "data-testid": "headroom" }, money(state, w.headroom)),
      w.max !== null ? [h("dt", {}, "Most you may hold"), h("dd", {}, money(state, w.max))] : null,
      policy && policy.demurrage > 0
        ? [h("dt", {}, "Demurrage"), h("dd", { "data-testid": "demurrage" }, `${demurrageWords(policy.demurrage)} of a positive balance goes to the commons; in 30 days with no other change you would hold ${money(state, w.in30Days)}`)]
        : null,
      w.debt > 0 ? [h("dt", {}, "Owed to the commons"), h("dd", {}, money(state, w.debt))] : null
    ),
    w.warning === "near" ? h("p", { class: "banner", "data-testid": "wallet-warning" }, "You are close to your limit. Others can still pay you; what you receive brings you back up.") : null,
    w.warning === "frozen"
      ? h("p", { class: "banner", "data-testid": "wallet-warning" }, "Your account is frozen: two payments spent past your limit at once, and the difference is owed to the commons. Repay it to pay again.")
      : null,
    h("p", { class: "hint" }, "Balances follow community time: every device computes the same balance from the same payments.")
  )
}

const payForms = (s: ViewState, room: RoomView, state: Economy.State): Child =>
  h(
    "div",
    { class: "card" },
    h(
      "form",
      { "data-form": "economy:pay", novalidate: true },
      h("h3", {}, "Pay someone"),
      memberSelect(room, "to", "To", { others: true, testid: "pay-to" }),
      fieldError(s, "to"),
      h("label", {}, `Amount (${state.currency!.symbol})`, h("input", { name: "amount", inputmode: "decimal", "data-keep": "eco-pay-amount", "data-testid": "pay-amount" })),
      fieldError(s, "amount"),
      h("label", {}, "What for (optional)", h("input", { name: "note", maxlength: 500, "data-keep": "eco-pay-note", "data-testid": "pay-note" })),
      h("button", { type: "submit", "data-testid": "pay-submit", disabled: s.busy }, "Pay")
    ),
    h(
      "form",
      { "data-form": "economy:request", novalidate: true },
      h("h3", {}, "Ask to be paid"),
      memberSelect(room, "from", "From", { others: true, testid: "request-from" }),
      fieldError(s, "from"),
      h("label", {}, `Amount (${state.currency!.symbol})`, h("input", { name: "amount", inputmode: "decimal", "data-keep": "eco-request-amount", "data-testid": "request-amount" })),
      fieldError(s, "request-amount"),
      h("label", {}, "What for (optional)", h("input", { name: "note", maxlength: 500, "data-keep": "eco-request-note", "data-testid": "request-note" })),
      h("p", { class: "hint" }, "They see your request and pay it with one tap, or refuse it with a reason."),
      h("button", { type: "submit", "data-testid": "request-submit", disabled: s.busy }, "Send the request")
    )
  )

const requests = (s: ViewState, room: RoomView, state: Economy.State, me: string): Child => {
  const w = Economy.Wallet.wallet(state, me, options(room))
  if (w.toPay.length === 0 && w.asked.length === 0) return null
  return h(
    "div",
    { class: "card", "data-testid": "requests" },
    h("h3", {}, "Requests"),
    h(
      "ul",
      { class: "list" },
      w.toPay.map((r) =>
        h(
          "li",
          { "data-testid": "request-to-pay" },
          `${who(room, r.to)} asks you for ${money(state, r.amount)}${r.note ? `: “${r.note}”` : ""} (${when(r.at)})`,
          h(
            "div",
            { class: "buttons" },
            button("economy:accept", "Pay it", { "data-request": r.key, class: "small", "data-testid": "request-accept", disabled: s.busy }),
            button("economy:refuse", "Refuse", { "data-request": r.key, class: "small secondary", "data-testid": "request-refuse", disabled: s.busy })
          )
        )
      ),
      w.asked.map((r) => h("li", { "data-testid": "request-asked" }, `You asked ${who(room, r.from)} for ${money(state, r.amount)}${r.note ? `: “${r.note}”` : ""}; not paid yet.`))
    )
  )
}

const history = (room: RoomView, state: Economy.State, me: string): Child => {
  const lines = Economy.Records.statement(state, me, options(room)).lines.slice(-10).reverse()
  return h(
    "div",
    { class: "card", "data-testid": "history" },
    h("h3", {}, "Latest changes"),
    lines.length === 0
      ? h("p", { class: "muted" }, "Nothing yet.")
      : h(
          "ul",
          { class: "list" },
          lines.map((l) => {
            const other = l.entry.from === me ? l.entry.to : l.entry.from
            const what = l.change < 0 ? `to ${Economy.Records.who(other, options(room))}` : `from ${Economy.Records.who(other, options(room))}`
            return h("li", { "data-testid": "history-line" }, `${when(l.entry.at)}: ${l.change < 0 ? "−" : "+"}${money(state, Math.abs(l.change))} ${what}${l.entry.note ? ` (“${l.entry.note}”)` : ""}`)
          })
        )
  )
}

const budgets = (s: ViewState, room: RoomView, state: Economy.State, me: string | undefined): Child => {
  const groups = activeGroups(room)
  const funded = Economy.Records.budgets(state)
  const ids = [...new Set([...funded.map((b) => b.group), ...groups.map((g) => g.id)])]
  return h(
    "section",
    { "data-testid": "budgets" },
    h("h3", {}, "Working groups' budgets"),
    h("p", { class: "hint" }, "The community funds a working group by decision. An expense is paid once two members of the group other than the one who asked approve it (one, in a group of fewer than three), so nobody spends the group's money alone."),
    ids.length === 0
      ? h("p", { class: "muted" }, "No working group yet.")
      : h(
          "ul",
          { class: "list" },
          ids.map((g) => {
            const members = room.gov.groups[g]?.members ?? []
            const b = Economy.Wallet.groupBudget(state, g, members.length)
            const mine = me !== undefined && members.includes(me)
            return h(
              "li",
              { "data-testid": "budget", "data-group": g },
              h("strong", {}, groupName(room, g)),
              ` — ${money(state, b.balance)} left of ${money(state, b.funded)} funded`,
              b.expenses.length > 0
                ? h(
                    "ul",
                    {},
                    b.expenses.map((e) =>
                      h(
                        "li",
                        { "data-testid": "expense", "data-status": e.status },
                        `${money(state, e.amount)} for “${e.note}”, asked by ${who(room, e.by)}, to ${who(room, e.payee)}: ${e.status}`,
                        mine && e.paid === null && e.by !== me && !e.approvals.some((a) => a.member === me)
                          ? button("economy:approve", "Approve", { "data-expense": e.key, class: "small", "data-testid": "expense-approve", disabled: s.busy })
                          : null,
                        mine && e.paid === null && e.status === "approved" ? button("economy:pay-expense", "Pay it out", { "data-expense": e.key, class: "small", "data-testid": "expense-pay", disabled: s.busy }) : null
                      )
                    )
                  )
                : null,
              mine
                ? h(
                    "form",
                    { "data-form": "economy:expense", class: "inline", novalidate: true },
                    h("input", { type: "hidden", name: "group", value: g }),
                    h("label", {}, "Ask for an expense", h("input", { name: "amount", inputmode: "decimal", placeholder: "amount", "data-keep": "expense-amount", "data-testid": "expense-amount" })),
                    h("input", { name: "note", maxlength: 500, placeholder: "what for", "data-keep": "expense-note", "data-testid": "expense-note" }),
                    fieldError(s, `expense-${g}`),
                    h("button", { type: "submit", class: "small", "data-testid": "expense-submit", disabled: s.busy }, "Ask")
                  )
                : null
            )
          })
        ),
    room.status === "full" && groups.length > 0
      ? h(
          "form",
          { "data-form": "economy:fund", class: "card", novalidate: true },
          h("h3", {}, "Propose funding a group"),
          h("label", {}, "Group", h("select", { name: "group", "data-keep": "fund-group", "data-testid": "fund-group" }, groups.map((g) => h("option", { value: g.id }, g.name)))),
          h("label", {}, `Amount (${state.currency!.symbol})`, h("input", { name: "amount", inputmode: "decimal", "data-keep": "fund-amount", "data-testid": "fund-amount" })),
          fieldError(s, "fund-amount"),
          windowSelect(s, "fund-hours"),
          h("button", { type: "submit", "data-testid": "fund-propose", disabled: s.busy }, "Propose")
        )
      : null
  )
}

const inventory = (s: ViewState, room: RoomView, state: Economy.State): Child =>
  h(
    "section",
    { "data-testid": "inventory" },
    h("h3", {}, "Inventory"),
    h("p", { class: "hint" }, "What the community keeps: who has the right to decide about each thing, and who has it in hand, which need not be the same person."),
    Economy.Wallet.inventory(state).length === 0
      ? h("p", { class: "muted" }, "Nothing recorded yet.")
      : h(
          "ul",
          { class: "list" },
          Economy.Wallet.inventory(state).map((r) =>
            h(
              "li",
              { "data-testid": "stock" },
              h("strong", {}, r.name),
              ` — ${r.quantity} ${r.unit}; ${r.personal ? `belongs to ${who(room, r.rights)}` : `kept for the community by ${r.stewards.map((m) => who(room, m)).join(", ") || "its stewards"}`}; in the hands of ${who(room, r.custodian)}`
            )
          )
        ),
    room.status === "full"
      ? h(
          "form",
          { "data-form": "economy:stock", class: "inline", novalidate: true },
          h("label", {}, "Add something", h("input", { name: "name", maxlength: 120, placeholder: "seed potatoes", "data-keep": "stock-name", "data-testid": "stock-name" })),
          h("input", { name: "quantity", inputmode: "numeric", placeholder: "how many", "data-keep": "stock-quantity", "data-testid": "stock-quantity" }),
          h("input", { name: "unit", maxlength: 40, placeholder: "unit (kg, boxes…)", "data-keep": "stock-unit", "data-testid": "stock-unit" }),
          fieldError(s, "stock"),
          h("button", { type: "submit", class: "small", "data-testid": "stock-submit", disabled: s.busy }, "Add")
        )
      : null
  )

const view = (s: ViewState, room: RoomView): Child => {
  const state = stateOf(room)
  const me = room.identity
  return h(
    "section",
    {},
    heading(room, "economy"),
    state.currency === null
      ? noCurrency(s, room)
      : [
          me && room.status === "full" ? [wallet(room, state, me), requests(s, room, state, me), payForms(s, room, state), history(room, state, me)] : h("p", { class: "muted" }, "Members have a wallet once they are full members."),
          budgets(s, room, state, me),
          inventory(s, room, state)
        ]
  )
}

// --- handlers --------------------------------------------------------------------------------

const amountOf = (ctx: ScreenContext, text: string | undefined, field: string): number | undefined => {
  const state = stateOf(ctx.room)
  const n = state.currency ? Economy.Money.parse(text ?? "", state.currency.decimals) : undefined
  if (n === undefined || n <= 0) {
    ctx.fail(field, state.currency ? `write an amount such as 12${state.currency.decimals > 0 ? `.${"5".padEnd(state.currency.decimals, "0")}` : ""}` : "this community has no currency yet")
    return undefined
  }
  return n
}

export const screen: Screen = {
  view: (s, room) => view(s, room),
  forms: {
    currency: async (values, ctx) => {
      const name = (values["name"] ?? "").trim()
      const symbol = (values["symbol"] ?? "").trim()
      const credit = wholeNumber(values["credit"], 0, 1_000_000)
      if (name === "") return ctx.fail("name", "give the currency a name, such as Hours")
      if (symbol === "") return ctx.fail("symbol", "give it a short symbol, such as h")
      if (credit === undefined) return ctx.fail("credit", "write a whole number, 0 for no credit")
      const demurrage = Number(values["demurrage"] ?? "0")
      const decimals = 2
      const draft = Economy.createCurrency({
        name,
        symbol,
        decimals,
        policy: { mutualCredit: credit > 0, creditLimit: credit * 10 ** decimals, ...(DEMURRAGE_CHOICES.some(([v]) => v === demurrage) && demurrage > 0 ? { demurrage } : {}) }
      })
      await ctx.propose({
        title: `Create the currency ${name} (${symbol})`,
        text: `Each member may go down to −${credit} ${symbol}. ${demurrage > 0 ? `Idle money gives ${demurrageWords(demurrage)} back to the commons.` : "No demurrage."}`,
        actions: [draft],
        hours: hoursOf(values["hours"])
      })
    },
    pay: async (values, ctx, form) => {
      const me = ctx.room.identity
      const to = values["to"] ?? ""
      if (!me) return
      if (!ctx.room.full.includes(to)) return ctx.fail("to", "choose who to pay")
      const amount = amountOf(ctx, values["amount"], "amount")
      if (amount === undefined) return
      const check = Economy.Wallet.checkPay(stateOf(ctx.room), me, to, amount)
      if (!check.ok) return ctx.fail("amount", check.reason)
      if (await ctx.act(Economy.pay(to, amount, (values["note"] ?? "").trim()))) {
        form.reset()
        ctx.say("ok", `Paid ${money(stateOf(ctx.room), amount)} to ${who(ctx.room, to)}.${check.warning ? ` Note: ${check.warning}.` : ""}`)
      }
    },
    request: async (values, ctx, form) => {
      const from = values["from"] ?? ""
      if (!ctx.room.full.includes(from)) return ctx.fail("from", "choose who to ask")
      const amount = amountOf(ctx, values["amount"], "request-amount")
      if (amount === undefined) return
      if (await ctx.act(Economy.request(from, amount, (values["note"] ?? "").trim()))) {
        form.reset()
        ctx.say("ok", `${who(ctx.room, from)} is asked for ${money(stateOf(ctx.room), amount)}.`)
      }
    },
    expense: async (values, ctx) => {
      const group = values["group"] ?? ""
      if (!/^[0-9a-f]{64}$/.test(group)) return
      const amount = amountOf(ctx, values["amount"], `expense-${group}`)
      if (amount === undefined) return
      const note = (values["note"] ?? "").trim()
      if (note === "") return ctx.fail(`expense-${group}`, "say what the expense is for")
      if (await ctx.act(Economy.submitExpense(group, amount, note))) ctx.say("ok", "The expense is asked for: two other members of the group approve it before it is paid.")
    },
    fund: async (values, ctx) => {
      const group = values["group"] ?? ""
      if (!/^[0-9a-f]{64}$/.test(group)) return
      const amount = amountOf(ctx, values["amount"], "fund-amount")
      if (amount === undefined) return
      await ctx.propose({
        title: `Fund ${groupName(ctx.room, group)} with ${money(stateOf(ctx.room), amount)}`,
        text: "From the commons to the group's budget; its members spend it with two approvals each time.",
        actions: [Economy.fund(group, amount)],
        hours: hoursOf(values["hours"])
      })
    },
    stock: async (values, ctx, form) => {
      const name = (values["name"] ?? "").trim()
      const unit = (values["unit"] ?? "").trim()
      const quantity = wholeNumber(values["quantity"], 1, Economy.MAX_AMOUNT)
      if (name === "" || unit === "" || quantity === undefined) return ctx.fail("stock", "give a name, a whole number and a unit")
      if (await ctx.act(Economy.addResource({ name, unit, quantity }))) {
        form.reset()
        ctx.say("ok", `${name} is in the inventory.`)
      }
    }
  },
  actions: {
    accept: async (el, ctx) => {
      const r = el.getAttribute("data-request") ?? ""
      if (/^[0-9a-f]{64}$/.test(r) && (await ctx.act(Economy.accept(r)))) ctx.say("ok", "Paid.")
    },
    refuse: async (el, ctx) => {
      const r = el.getAttribute("data-request") ?? ""
      if (/^[0-9a-f]{64}$/.test(r) && (await ctx.act(Economy.refuse(r)))) ctx.say("ok", "Refused.")
    },
    approve: async (el, ctx) => {
      const e = el.getAttribute("data-expense") ?? ""
      if (/^[0-9a-f]{64}$/.test(e) && (await ctx.act(Economy.approveExpense(e)))) ctx.say("ok", "Your approval is recorded.")
    },
    "pay-expense": async (el, ctx) => {
      const e = el.getAttribute("data-expense") ?? ""
      if (/^[0-9a-f]{64}$/.test(e) && (await ctx.act(Economy.payExpense(e)))) ctx.say("ok", "The expense is paid from the group's budget.")
    }
  }
}
