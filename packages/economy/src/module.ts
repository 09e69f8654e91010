/**
 * `@affinity/economy`: the economy module — managing resources: a currency created by
 * decision (mutual credit and/or basic issuance), payments and requests, credit limits that
 * grow with trade among distinct members, demurrage to the commons computed per community day
 * without daily events, working groups funded by decision with expenses approved by two
 * others, an inventory of resources with custody apart from rights, and a ledger safe under
 * concurrent spends. The rules are written down in `docs/protocol.md`, the economy section.
 *
 * Register {@link module} with a client (`Client.make({ modules: [Governance.module, Economy.module], … })`);
 * build event bodies with the helpers ({@link pay}, {@link request}, {@link createCurrency} …),
 * typed by {@link Events}; read the state with {@link Records} and {@link Wallet}.
 *
 * ```ts
 * import * as Economy from "@affinity/economy"
 *
 * console.log(Economy.module.name) // "economy"
 * console.log(Object.keys(Economy.module.events).length) // 22
 * console.log(Economy.Money.format(123456, 2)) // "1,234.56"
 * ```
 *
 * @module
 */
import { EventBodies } from "@affinity/core/module"
import type { Events } from "./Build.ts"
import { module as machine } from "./Machine.ts"
import type { State } from "./State.ts"

export * as Bodies from "./Bodies.ts"
export * as Money from "./Money.ts"
export * as Queries from "./Queries.ts"
export * as Records from "./Records.ts"
export * as Wallet from "./Wallet.ts"
export * as Statement from "./Statement.ts"
export { binderSection } from "./Binder.ts"
export {
  accept,
  addResource,
  approveExpense,
  claim,
  consume,
  createCurrency,
  type EventDraft,
  type Events,
  fund,
  give,
  groupPay,
  handOver,
  pay,
  payExpense,
  produce,
  type Ref,
  refuse,
  repay,
  request,
  returnFunds,
  setLimit,
  setPolicy,
  stewards,
  submitExpense,
  unfreeze
} from "./Build.ts"
export { approvalsNeeded, tendersOf } from "./Machine.ts"
export {
  type Account,
  type Budget,
  CHUNK,
  COMMONS,
  type Currency,
  DAY,
  dayOf,
  dayStart,
  type Entry,
  type EntryKind,
  type Expense,
  HOUR,
  init,
  type LimitOverride,
  MAX_AMOUNT,
  type Overshoot,
  type Policy,
  PPM,
  type Request,
  type Resource,
  type State
} from "./State.ts"

/**
 * The economy module, to register with a community: `Client.make({ modules: [Governance.module, Economy.module], … })`.
 * Its event bodies are typed ({@link Events}): a client running it checks economy appends when
 * the code is compiled.
 */
export const module: EventBodies.Typed<State, "economy", Events> = EventBodies.typed<Events>()(machine, "economy")
