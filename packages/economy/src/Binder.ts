/**
 * The economy's section of the community's printable binder (governance's `Binder`): the
 * currency and its policy in words, the commons, every member's balance by name, how
 * concentrated holdings are, working groups' budgets with their expenses, overshoots and
 * the inventory. It imports nothing from governance: the binder takes any function of this
 * shape (`Governance.Binder.section(Economy.binderSection, community.state("economy"))`).
 *
 * ```ts
 * import * as Economy from "@affinity/economy"
 *
 * const state = Economy.init({ community: "00".repeat(32), name: "Garden", founders: [], time: 0, params: { timeWitnesses: 2, primeSize: 3, primeTerm: 14 * Economy.DAY, quorumPercent: 50 } })
 * const part = Economy.binderSection(state, { name: (id) => id, date: (ms) => new Date(ms).toISOString(), escape: Economy.Statement.escape })
 * console.log(part.title) // "Economy"
 * console.log(part.html.includes("no currency yet")) // true
 * ```
 *
 * @module
 */
import { equilibrium, format } from "./Money.ts"
import * as Records from "./Records.ts"
import { currentPolicy, groupAccount, type State } from "./State.ts"

/** What the binder writes a section with: people's names, dates in words, and escaping. */
export interface Context {
  readonly name: (identity: string) => string
  readonly date: (ms: number) => string
  readonly escape: (text: string) => string
}

/** A section of the binder: its title, its HTML, and the ids for checking it against the log. */
export interface Section {
  readonly title: string
  readonly html: string
  readonly verification?: string
}

/** The economy's section of the binder, written from its state. */
export const binderSection = (state: State, context: Context): Section => {
  const { name, date, escape } = context
  const c = state.currency
  const policy = currentPolicy(state)
  if (!c || !policy) return { title: "Economy", html: "<p>This community has no currency yet: a community decision creates it.</p>" }
  const amount = (n: number) => `${format(n, c.decimals)} ${escape(c.symbol)}`
  const groupName = (id: string) => `working group of ${date(state.budgets[id]?.fundings[0]?.at ?? 0)}`
  const options: Records.Options = { nameOf: name, groupName }
  const terms = [
    policy.mutualCredit ? `mutual credit, each account down to ${amount(-policy.creditLimit)}` : "no credit: accounts never go below zero",
    policy.issuance > 0 ? `basic issuance of ${amount(policy.issuance)} per member per day` : "",
    policy.demurrage > 0 ? `demurrage of ${(policy.demurrage / 10_000).toFixed(2)} % a day on positive balances, to the commons` : "",
    policy.maxBalance !== null ? `at most ${amount(policy.maxBalance)} in an account` : "",
    policy.offlineAllowance > 0 ? `an offline allowance of ${amount(policy.offlineAllowance)} per payer per day` : ""
  ].filter((t) => t !== "")
  const eq = equilibrium(policy)
  const conc = Records.concentration(state)
  const balances = Records.balances(state)
    .map((b) => `<tr><td>${escape(name(b.identity))}</td><td class="num">${amount(b.balance)}</td></tr>`)
    .join("")
  const budgets = Records.budgets(state)
    .map((b) => {
      const expenses = Records.expenses(state, b.group)
        .map(
          (e) =>
            `<li>${escape(e.note)}: ${amount(e.amount)} for ${escape(name(e.payee))}, asked by ${escape(name(e.by))}, approved by ${escape(e.approvals.map((a) => name(a.member)).join(", ") || "nobody yet")}${e.paid ? `, paid by ${escape(name(e.paid.by))} on ${escape(date(e.paid.at))}` : ""}</li>`
        )
        .join("")
      return `<h3>${escape(Records.who(groupAccount(b.group), options))}</h3><p>Funded ${amount(b.funded)}, spent ${amount(b.spent)}, left ${amount(b.balance)}.</p>${expenses === "" ? "" : `<ul>${expenses}</ul>`}`
    })
    .join("")
  const overshoots = state.overshoots
    .map((o) => `<li>${escape(name(o.payer))} spent ${amount(o.amount)} past their limit from two devices on ${escape(date(o.at))}; the commons took it on.</li>`)
    .join("")
  const inventory = Records.inventory(state)
    .map(
      (r) =>
        `<tr><td>${escape(r.name)}${r.personal ? " (personal)" : ""}</td><td class="num">${r.quantity} ${escape(r.unit)}</td><td>${escape(r.personal ? name(r.rights) : "the community")}</td><td>${escape(name(r.custodian))}</td><td>${escape(r.stewards.map(name).join(", "))}</td></tr>`
    )
    .join("")
  const html = [
    `<p>The currency is <strong>${escape(c.name)}</strong> (${escape(c.symbol)}), created by a community decision on ${escape(date(c.created))}: ${escape(terms.join("; "))}.</p>`,
    eq === null ? "" : `<p>Where issuance and demurrage meet, a balance settles at ${amount(eq)}.</p>`,
    `<p>The commons holds ${amount(state.commons)}. Demurrage has brought it ${amount(state.totals.demurrage)} in all.</p>`,
    `<p>The top 10 % of accounts hold ${conc.top10.percent()} % of what is held; the Gini coefficient is ${conc.gini.percent()} %.</p>`,
    `<h3>Balances</h3><table><thead><tr><th>Member</th><th class="num">Balance</th></tr></thead><tbody>${balances}</tbody></table>`,
    budgets === "" ? "" : `<h3>Working groups' budgets</h3>${budgets}`,
    overshoots === "" ? "" : `<h3>Overshoots</h3><ul>${overshoots}</ul>`,
    inventory === "" ? "" : `<h3>Inventory</h3><table><thead><tr><th>Resource</th><th class="num">Quantity</th><th>Rights</th><th>In the hands of</th><th>Stewards</th></tr></thead><tbody>${inventory}</tbody></table>`
  ].join("\n")
  const verification = `Currency created by ${escape(c.key)}; policies by ${escape(state.policies.map((p) => p.key).join(", "))}; ${state.totals.entries} ledger entries.`
  return { title: "Economy", html, verification }
}
