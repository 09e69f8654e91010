/**
 * Writes the conformance vectors of the economy module, `conformance/vectors/economy.json`.
 *
 * Every key comes from fixed secret bytes, every time is fixed, and Ed25519 signatures are
 * deterministic, so running the generator again gives a byte-identical file. The expected
 * outcome of every event, and the balances, commons, budgets and overshoots at the end, are
 * written here by hand (demurrage is recomputed here with `bigint` from its formula, not with
 * the SDK's code) and checked against this SDK before anything is written. Only state hashes
 * are taken from the SDK, and checked to be equal across delivery orders.
 *
 * ```sh
 * node --conditions=@affinity/source conformance/economy/generate.ts          # write the file
 * node --conditions=@affinity/source conformance/economy/generate.ts --check  # only compare
 * ```
 *
 * @module
 */
import { readFile, writeFile } from "node:fs/promises"
import { Bytes, type Event, type Replica } from "../../packages/core/src/index.ts"
import * as Governance from "../../packages/governance/src/index.ts"
import * as Economy from "../../packages/economy/src/index.ts"
import { bans, impose } from "../../packages/economy/test/support/bans.ts"
import { ada, ada2, bo, cy, DAY, dee, type Key, T0, World } from "../../packages/economy/test/support/world.ts"

const hex = Bytes.toHex
const target = new URL("../vectors/economy.json", import.meta.url)

/** `balance × (1 − ppm/10⁶)^days`, rounded down: the formula of E6, independently of the SDK. */
const kept = (balance: number, ppm: number, days: number): number =>
  Number((BigInt(balance) * BigInt(1_000_000 - ppm) ** BigInt(days)) / 1_000_000n ** BigInt(days))

interface Step {
  readonly label: string
  readonly event: Event.Event
  readonly expect: string
}

/** What a scenario expects at the end, by member name (written by hand). */
interface Expected {
  readonly balances: Readonly<Record<string, number>>
  readonly commons: number
  readonly debts?: Readonly<Record<string, number>>
  readonly overshoots?: ReadonlyArray<{ readonly payer: string; readonly amount: number }>
  readonly budgets?: ReadonlyArray<{ readonly balance: number; readonly funded: number; readonly spent: number }>
  readonly resources?: ReadonlyArray<{ readonly name: string; readonly quantity: number; readonly rights: string; readonly custodian: string }>
}

/** A scenario: a history whose events are labelled with the outcome written by hand. */
class Scenario {
  readonly steps: Array<Step> = []
  readonly world: World
  expected: Expected = { balances: {}, commons: 0 }
  readonly name: string
  readonly description: string
  readonly modules: ReadonlyArray<string>
  constructor(name: string, description: string, founders: ReadonlyArray<Key> = [ada, bo, cy], modules: ReadonlyArray<string> = []) {
    this.name = name
    this.description = description
    this.modules = modules
    this.world = new World(founders)
    if (modules.includes("bans")) this.world.modules = [bans]
  }
  private record(label: string, from: number, expect: string): Event.Event {
    const made = this.world.events.slice(from)
    const last = made[made.length - 1]!
    this.steps.push({ label, event: last, expect })
    for (const e of made.slice(0, -1)) this.steps.push({ label: `${label} (step)`, event: e, expect: "" })
    return last
  }
  /** An event by `key`, expecting `expect` ("Applied" or a rejection tag). */
  act(label: string, key: Key, draft: Economy.EventDraft<keyof Economy.Events> | Governance.Draft, expect: string, options: { readonly parents?: ReadonlyArray<Event.Event> } = {}): Event.Event {
    const from = this.world.events.length
    this.world.send(key, draft, options)
    return this.record(label, from, expect)
  }
  /** A decision carrying `actions`; `expect` is the close's outcome with its actions'. */
  decide(label: string, actions: Governance.Draft | ReadonlyArray<Governance.Draft>, expect: string, how: Parameters<World["decide"]>[1] = {}): Event.Event {
    const from = this.world.events.length
    this.world.decide(actions, how)
    return this.record(label, from, expect)
  }
  at(label: string, time: number): void {
    const from = this.world.events.length
    this.world.at(time)
    this.record(label, from, "Applied")
  }
  device(label: string, key: Key, device: Key): void {
    const from = this.world.events.length
    this.world.add(key, "core", "device.add", this.world.deviceAdd(key, device))
    this.record(label, from, "Applied")
  }
}

const NAMES: ReadonlyArray<Key> = [ada, bo, cy, dee]
const nameOf = (id: string): string => NAMES.find((k) => k.id === id)?.name ?? id

const outcomeText = (o: Replica.Outcome | undefined): string =>
  !o ? "missing" : o._tag === "Rejected" ? o.reason._tag : ["Applied", ...o.actions.map((a) => `${a.module}/${a.type} ${a._tag === "Applied" ? "Applied" : a.reason._tag}`)].join("; ")

const currency = (policy: Economy.Bodies.PolicyBody) => Economy.createCurrency({ name: "Hours", symbol: "h", decimals: 0, policy })

// --- the scenarios ------------------------------------------------------------------------------

const payments = (): Scenario => {
  const s = new Scenario("payments", "A currency by decision; payments to the credit limit; requests accepted and refused; refusals of several kinds.")
  s.act("Ada pays before any currency", ada, Economy.pay(bo.id, 5), "NoCurrency")
  s.act("Ada creates a currency alone", ada, currency({}), "NeedsDecision")
  s.decide("the community creates Hours, limit 100", currency({ creditLimit: 100, maxBalance: 150 }), "Applied; economy/currency.create Applied")
  s.act("Ada pays Bo 60", ada, Economy.pay(bo.id, 60, "bread"), "Applied")
  s.act("Ada pays Cy 40", ada, Economy.pay(cy.id, 40, "eggs"), "Applied")
  s.act("Ada pays Cy 1 more: past her limit", ada, Economy.pay(cy.id, 1), "OverLimit")
  s.act("Ada pays herself", ada, Economy.pay(ada.id, 1), "SelfPayment")
  const ask = s.act("Bo asks Cy for 30", bo, Economy.request(cy.id, 30, "carpentry"), "Applied")
  s.act("Ada accepts a request made of Cy", ada, Economy.accept(ask.key), "NotAsked")
  s.act("Cy accepts", cy, Economy.accept(ask.key), "Applied")
  s.act("Cy accepts again", cy, Economy.accept(ask.key), "AlreadyEnded")
  const ask2 = s.act("Cy asks Bo for 10", cy, Economy.request(bo.id, 10), "Applied")
  s.act("Bo refuses", bo, Economy.refuse(ask2.key, "not ordered"), "Applied")
  s.act("Cy pays Bo 70: Bo would hold more than 150", cy, Economy.pay(bo.id, 70), "OverMaxBalance")
  s.decide("a decision carries a payment", Economy.pay(bo.id, 1), "Applied; economy/pay NotAnAction")
  s.expected = { balances: { Ada: -100, Bo: 90, Cy: 10 }, commons: 0 }
  return s
}

const demurrage = (): Scenario => {
  const s = new Scenario("demurrage", "Demurrage of 1 % a day on positive balances, charged when an account is touched, to the commons; a rate change governs from the next community day.")
  s.decide("Hours with demurrage of 10,000 ppm a day", currency({ creditLimit: 200_000, demurrage: 10_000 }), "Applied; economy/currency.create Applied")
  s.act("Bo pays Ada 100,000 (day 0)", bo, Economy.pay(ada.id, 100_000), "Applied")
  s.at("community time reaches day 3", T0 + 3 * DAY + 5)
  s.decide("demurrage becomes 20,000 ppm (decided on day 3, from day 4)", Economy.setPolicy({ demurrage: 20_000 }), "Applied; economy/policy.set Applied")
  s.at("community time reaches day 6", T0 + 6 * DAY + 5)
  s.act("Ada pays Cy 1 on day 6", ada, Economy.pay(cy.id, 1), "Applied")
  // Days 0–3 at 1 %, days 4–5 at 2 %, then the payment.
  const ada6 = kept(kept(100_000, 10_000, 4), 20_000, 2)
  s.expected = { balances: { Ada: ada6 - 1, Bo: -100_000, Cy: 1 }, commons: 100_000 - ada6 }
  return s
}

const doubleSpend = (): Scenario => {
  const s = new Scenario("double spend", "Ada spends her limit twice from two devices at once: the receivers keep what they got; the overshoot within the offline allowance is taken on by the commons and owed by Ada, whose account freezes until she repays.")
  s.decide("Hours: limit 100, offline allowance 50", currency({ creditLimit: 100, offlineAllowance: 50 }), "Applied; economy/currency.create Applied")
  s.device("Ada adds her phone", ada, ada2)
  const base = s.world.heads()
  const laptop = s.act("Ada's laptop pays Bo 80", ada, Economy.pay(bo.id, 80), "Applied", { parents: base })
  s.act("Ada's phone pays Cy 60, not having seen it", ada2, Economy.pay(cy.id, 60), "Applied", { parents: base })
  void laptop
  s.act("Ada pays Cy 1 after both", ada, Economy.pay(cy.id, 1), "Frozen")
  s.act("Bo pays Ada 50", bo, Economy.pay(ada.id, 50), "Applied")
  s.act("Ada repays more than she owes", ada, Economy.repay(41), "MoreThanOwed")
  s.act("Ada repays the 40 she owes", ada, Economy.repay(40), "Applied")
  s.act("Ada pays Cy 1 again", ada, Economy.pay(cy.id, 1), "Applied")
  s.expected = { balances: { Ada: -91, Bo: 30, Cy: 61 }, commons: 0, debts: { Ada: 0 }, overshoots: [{ payer: "Ada", amount: 40 }] }
  return s
}

const limitRace = (): Scenario => {
  const s = new Scenario("limit race", "A decision lowers Cy's limit while Cy pays on a past without it: the payment stands; her next one meets the new limit.")
  s.decide("Hours: limit 100", currency({ creditLimit: 100 }), "Applied; economy/currency.create Applied")
  const before = s.world.heads()
  s.decide("Cy's limit becomes 20", Economy.setLimit(cy.id, 20), "Applied; economy/account.limit Applied", { voters: [ada, bo] })
  s.act("Cy pays Bo 90, not having seen it", cy, Economy.pay(bo.id, 90), "Applied", { parents: before })
  s.act("Cy pays Bo 5", cy, Economy.pay(bo.id, 5), "OverLimit")
  s.expected = { balances: { Ada: 0, Bo: 90, Cy: -90 }, commons: 0 }
  return s
}

const restricted = (): Scenario => {
  const s = new Scenario("restricted", "A restriction on Ada's payments (the test module bans) stops them, including one it had not seen.", [ada, bo, cy], ["bans"])
  s.decide("Hours", currency({}), "Applied; economy/currency.create Applied")
  const before = s.world.heads()
  s.decide("Ada may not pay", impose(ada.id, "economy", ["pay"]), "Applied; bans/impose Applied")
  s.act("Ada pays Bo, not having seen it", ada, Economy.pay(bo.id, 10), "Restricted", { parents: before })
  s.act("Ada pays Bo", ada, Economy.pay(bo.id, 10), "Restricted")
  s.act("Ada asks Bo for 10", ada, Economy.request(bo.id, 10), "Applied")
  s.expected = { balances: { Ada: 0, Bo: 0, Cy: 0 }, commons: 0 }
  return s
}

const groups = (): Scenario => {
  const s = new Scenario("working group", "One decision creates a kitchen group and funds it from the commons; an expense is submitted, approved by two others, paid; the group pays by its own decision.", [ada, bo, cy, dee])
  s.decide("Hours, the commons may lend 500", currency({ commonsCredit: 500 }), "Applied; economy/currency.create Applied")
  const created = s.decide(
    "create the kitchen group and fund it with 300",
    [Governance.createGroup({ name: "Kitchen", purpose: "Sunday meals", mandate: ["economy/group.pay"], members: [ada.id, bo.id, cy.id] }), Economy.fund(undefined, 300, "first budget")],
    "Applied; governance/group.create Applied; economy/budget.fund Applied"
  )
  const group = created.key
  s.decide("fund it with 300 more: past what the commons may lend", Economy.fund(group, 300), "Applied; economy/budget.fund CommonsShort")
  const e = s.act("Ada submits pots, 120", ada, Economy.submitExpense(group, 120, "pots"), "Applied")
  s.act("Dee, not in the group, submits", dee, Economy.submitExpense(group, 10, "a knife"), "NotInGroup")
  s.act("Ada approves her own", ada, Economy.approveExpense(e.key), "OwnExpense")
  s.act("Bo approves", bo, Economy.approveExpense(e.key), "Applied")
  s.act("Cy pays with one approval", cy, Economy.payExpense(e.key), "NeedsApproval")
  s.act("Cy approves", cy, Economy.approveExpense(e.key), "Applied")
  s.act("Bo pays", bo, Economy.payExpense(e.key), "Applied")
  s.act("Bo submits a stove, 181", bo, Economy.submitExpense(group, 181, "stove"), "OverBudget")
  s.decide("the group pays Dee 50 by its own decision", Economy.groupPay(dee.id, 50, "vegetables"), "Applied; economy/group.pay Applied", { scope: { group }, voters: [ada, bo, cy] })
  s.expected = { balances: { Ada: 120, Bo: 0, Cy: 0, Dee: 50 }, commons: -300, budgets: [{ balance: 130, funded: 300, spent: 170 }] }
  return s
}

const resources = (): Scenario => {
  const s = new Scenario("resources", "A community resource produced, consumed and handed on; stewards by decision; personal property given away and outside decisions.")
  const seeds = s.act("Ada adds 500 g of bean seeds", ada, Economy.addResource({ name: "Bean seeds", unit: "g", quantity: 500 }), "Applied")
  s.act("Ada adds 250 g", ada, Economy.produce(seeds.key, 250), "Applied")
  s.act("Bo uses 100 g: not his to tend", bo, Economy.consume(seeds.key, 100), "NotSteward")
  s.act("Ada hands them to Bo", ada, Economy.handOver(seeds.key, bo.id), "Applied")
  s.act("Bo uses 700 g", bo, Economy.consume(seeds.key, 700), "Applied")
  s.act("Bo uses 51 g more than are left", bo, Economy.consume(seeds.key, 51), "NotEnough")
  s.act("Ada gives the seeds away", ada, Economy.give(seeds.key, cy.id), "CommunityResource")
  s.decide("Cy stewards the seeds", Economy.stewards(seeds.key, [cy.id]), "Applied; economy/resource.stewards Applied")
  const bike = s.act("Bo adds his bicycle, personal", bo, Economy.addResource({ name: "Bicycle", unit: "piece", quantity: 1, personal: true }), "Applied")
  s.decide("the community names stewards of the bicycle", Economy.stewards(bike.key, [ada.id]), "Applied; economy/resource.stewards PersonalProperty")
  s.act("Bo lends it to Cy", bo, Economy.handOver(bike.key, cy.id), "Applied")
  s.act("Cy gives it to Ada", cy, Economy.give(bike.key, ada.id), "NotYours")
  s.act("Bo gives it to Ada", bo, Economy.give(bike.key, ada.id), "Applied")
  s.expected = {
    balances: {},
    commons: 0,
    resources: [
      { name: "Bean seeds", quantity: 50, rights: "community", custodian: "Bo" },
      { name: "Bicycle", quantity: 1, rights: "Ada", custodian: "Cy" }
    ]
  }
  return s
}

const issuance = (): Scenario => {
  const s = new Scenario("issuance", "Basic issuance of 10 a day per member, claimed without daily events; a change of rate governs from the next day.")
  s.decide("Hours by issuance only, 10 a day", currency({ mutualCredit: false, issuance: 10 }), "Applied; economy/currency.create Applied")
  s.at("day 3", T0 + 3 * DAY + 1)
  s.act("Ada claims days 0–2", ada, Economy.claim(), "Applied")
  s.act("Ada claims again the same day", ada, Economy.claim(), "NothingToClaim")
  s.decide("issuance becomes 20 a day", Economy.setPolicy({ issuance: 20 }), "Applied; economy/policy.set Applied")
  s.at("day 6", T0 + 6 * DAY + 1)
  s.act("Ada claims days 3–5", ada, Economy.claim(), "Applied")
  s.act("Ada pays Bo 81: more than she has", ada, Economy.pay(bo.id, 81), "OverLimit")
  s.act("Ada pays Bo 80", ada, Economy.pay(bo.id, 80), "Applied")
  s.expected = { balances: { Ada: 0, Bo: 80, Cy: 0 }, commons: 0 }
  return s
}

// --- checking and writing ---------------------------------------------------------------------

const replicaOf = (s: Scenario, order: ReadonlyArray<Event.Event>): Replica.Replica => s.world.replica(order)

const check = (s: Scenario): { readonly stateHash: string } => {
  const forward = replicaOf(s, s.world.events)
  const backward = replicaOf(s, [...s.world.events].reverse())
  if (forward.stateHashHex() !== backward.stateHashHex()) throw new Error(`${s.name}: the state hash depends on the delivery order`)
  for (const step of s.steps) {
    if (step.expect === "") continue
    const got = outcomeText(forward.outcome(step.event.key))
    if (got !== step.expect) throw new Error(`${s.name}: "${step.label}" was ${got}, expected ${step.expect}`)
  }
  const state = forward.state<Economy.State>(Economy.module)
  for (const [name, balance] of Object.entries(s.expected.balances)) {
    const id = NAMES.find((k) => k.name === name)!.id
    const got = state.accounts[id]?.balance ?? 0
    if (got !== balance) throw new Error(`${s.name}: ${name}'s balance is ${got}, expected ${balance}`)
  }
  if (state.commons !== s.expected.commons) throw new Error(`${s.name}: the commons holds ${state.commons}, expected ${s.expected.commons}`)
  for (const [name, debt] of Object.entries(s.expected.debts ?? {})) {
    const id = NAMES.find((k) => k.name === name)!.id
    if ((state.accounts[id]?.debt ?? 0) !== debt) throw new Error(`${s.name}: ${name}'s debt differs`)
  }
  const overshoots = state.overshoots.map((o) => ({ payer: nameOf(o.payer), amount: o.amount }))
  if (JSON.stringify(overshoots) !== JSON.stringify(s.expected.overshoots ?? [])) throw new Error(`${s.name}: overshoots ${JSON.stringify(overshoots)}`)
  const budgets = Economy.Records.budgets(state).map((b) => ({ balance: b.balance, funded: b.funded, spent: b.spent }))
  if (JSON.stringify(budgets) !== JSON.stringify(s.expected.budgets ?? [])) throw new Error(`${s.name}: budgets ${JSON.stringify(budgets)}`)
  const resources = Economy.Records.inventory(state).map((r) => ({ name: r.name, quantity: r.quantity, rights: r.rights === "community" ? "community" : nameOf(r.rights), custodian: nameOf(r.custodian) }))
  if (JSON.stringify(resources) !== JSON.stringify(s.expected.resources ?? [])) throw new Error(`${s.name}: resources ${JSON.stringify(resources)}`)
  return { stateHash: forward.stateHashHex() }
}

const TEST_MODULES = {
  bans:
    "Module `bans`: state `{ bans: [{ subject, module | null, types: [tstr], key, lifted: null }] }`. One event type `impose` (authority community), body `{ subject: tstr(1..80), module?: tstr(1..32), types: [tstr(1..64)] (0..8) }`: appends a ban with `key` = the event's key; its apply returns the restriction it imposed (a strong fact, §8). Standing: for a subject, each ban on it not lifted, as `{ subject, scope: { module?, types? (absent when empty) }, until: null, by: \"a community decision\", reason: \"a test restriction\", key }`."
}

/** The vectors file, as text. */
export const generate = (): string => {
  const scenarios = [payments(), demurrage(), doubleSpend(), limitRace(), restricted(), groups(), resources(), issuance()].map((s) => {
    const { stateHash } = check(s)
    return {
      name: s.name,
      description: s.description,
      ...(s.modules.length > 0 ? { modules: s.modules } : {}),
      keys: Object.fromEntries([ada, bo, cy, dee, ada2].map((k) => [k.name, hex(k.publicKey)])),
      genesis: hex(s.world.genesis.bytes),
      events: s.world.events.slice(1).map((e) => ({ id: e.key, wire: hex(e.bytes) })),
      expected: {
        outcomes: s.steps.filter((x) => x.expect !== "").map((x) => ({ label: x.label, id: x.event.key, outcome: x.expect })),
        ...s.expected,
        stateHash
      }
    }
  })
  return (
    JSON.stringify(
      {
        description:
          "Conformance vectors of the economy module (docs/protocol.md, the economy section). Each scenario gives a genesis and events as wire bytes (hex); deliver them in any order to a replica running core, governance, economy (and the test modules named) and check every labelled event's outcome, the balances (by member name, keys in `keys`), the commons, debts, overshoots, budgets, resources and the state hash.",
        scenarios,
        testModules: TEST_MODULES
      },
      null,
      2
    ) + "\n"
  )
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = generate()
  if (process.argv.includes("--check")) {
    const current = await readFile(target, "utf8").catch(() => undefined)
    console.log(current === text ? "economy.json is up to date" : "economy.json differs from what the generator writes")
    process.exitCode = current === text ? 0 : 1
  } else {
    await writeFile(target, text)
    console.log(`wrote conformance/vectors/economy.json (${text.length} bytes)`)
  }
}
