/**
 * The economy part of the Affinity demo: a bakery co-op makes its own money.
 *
 * Four founders decide on a currency (nobody can alone); they pay and ask each other; one
 * reaches her credit limit and is told why; days pass and demurrage flows to the commons; one
 * decision creates a working group and funds it from the commons, and an expense is approved by
 * two others before it is paid; Ada spends twice from her laptop and her phone, offline, and the
 * double spend is caught when the two meet. The statement and the ledger are printed for
 * people. Everything goes through the public API.
 *
 * The community is founded twenty days in the past and the demo claims the times it needs
 * with the `time` option of `append`, so it lives through two weeks in a few seconds, and a
 * second device can receive every event (none is ahead of its clock).
 *
 * @module
 */
import { Client, type Keys, type Replica, Storage } from "@affinity/core"
import * as Economy from "@affinity/economy"
import * as Governance from "@affinity/governance"
import * as StorageFs from "@affinity/storage-fs"

/** What the economy demo found, for tests. */
export interface EconomyResult {
  readonly community: string
  /** The economy state at the end, on the laptop's replica. */
  readonly state: Economy.State
  /** Identities by name. */
  readonly people: Readonly<Record<string, string>>
  /** Every refused event the demo tried, with the reason tag. */
  readonly refusals: ReadonlyArray<{ readonly what: string; readonly reason: string }>
  /** The working group's id (the key of the decision that created and funded it). */
  readonly group: string
  /** The expense approved by two others and paid. */
  readonly expense: string
  /** What the commons received from demurrage. */
  readonly demurrage: number
  /** The state hashes of Ada's laptop and phone after they met. */
  readonly hashes: readonly [string, string]
  /** Ada's statement, as Markdown. */
  readonly statement: string
  /** The ledger as CSV. */
  readonly csv: string
}

const modules = [Governance.module, Economy.module]

/** Run the economy demo in `directory`, printing what happens through `say`. */
export const runEconomy = async (directory: string, say: (line: string) => void): Promise<EconomyResult> => {
  const { DAY, HOUR } = Economy
  say(`Affinity economy demo — storing in ${directory}\n`)
  const client = await Client.make({ storage: StorageFs.layer({ directory }), modules })
  const phoneClient = await Client.make({ storage: Storage.layerMemory, modules })
  try {
    const [ada, bo, cy, dee, phone] = [await client.generateKey(), await client.generateKey(), await client.generateKey(), await client.generateKey(), await phoneClient.generateKey()]
    const start = Date.now() - 20 * DAY
    const community = await client.create({
      name: "Riverside Bakery Co-op",
      author: ada,
      founders: [bo.publicKey, cy.publicKey, dee.publicKey],
      params: { timeWitnesses: 2 },
      time: start
    })
    const names: Record<string, string> = { [ada.id]: "Ada", [bo.id]: "Bo", [cy.id]: "Cy", [dee.id]: "Dee" }
    for (const k of [ada, bo, cy, dee]) await community.setProfile(k, { name: names[k.id]! }, { time: start + 1000 })
    const who = (id: string) => community.names().nameOf(id)
    const plain = (text: string) => community.names().explain(text)
    const econ = () => community.state<Economy.State>("economy")
    const h = (n: number) => `${Economy.Money.format(n, 2)} h`

    let now = start + 60_000
    const refusals: Array<{ what: string; reason: string }> = []
    const verdict = (o: Replica.Outcome): string => {
      if (o._tag === "Rejected") return `refused: ${o.reason._tag} — ${plain(o.reason.message)}`
      const failed = o.actions.flatMap((a) => (a._tag === "Applied" ? [] : [`${a.type} failed: ${a.reason._tag} — ${plain(a.reason.message)}`]))
      return failed.length === 0 ? "done" : failed.join("; ")
    }
    const act = async (device: Keys.DeviceKey, draft: Governance.Draft, what: string, quiet = false) => {
      now += 60_000
      const r = await community.append(device, draft.module, draft.type, draft.body, { time: now })
      if (r.outcome._tag === "Rejected") refusals.push({ what, reason: r.outcome.reason._tag })
      else for (const a of r.outcome.actions) if (a._tag !== "Applied") refusals.push({ what, reason: a.reason._tag })
      if (!quiet || r.outcome._tag === "Rejected") say(`   ${what.padEnd(50)} ${verdict(r.outcome)}`)
      return r
    }
    /** Move community time to `t`: the clocks of Ada and Bo both claim it (two witnesses). */
    const advance = async (t: number) => {
      now = t
      await community.append(ada, "core", "tick", {}, { time: t })
      await community.append(bo, "core", "tick", {}, { time: t })
    }
    /** Propose, everyone agrees, the hour passes, Ada closes. */
    const decide = async (title: string, actions: ReadonlyArray<Governance.Draft>, what: string) => {
      const deadline = now + HOUR + 60_000
      const { key } = await act(ada, Governance.propose({ title, deadline, process: "consensus", ...(actions.length === 1 ? { action: actions[0]! } : { actions }) }), "", true)
      for (const k of [ada, bo, cy, dee]) await act(k, Governance.stance(key, "agree"), "", true)
      await advance(deadline)
      return act(ada, Governance.close(key), what)
    }

    say(`1. Ada, Bo, Cy and Dee found "Riverside Bakery Co-op". They want money of their own.`)
    await act(ada, Economy.createCurrency({ name: "Hours", symbol: "h", decimals: 2 }), "Ada creates a currency on her own")
    const policy = { creditLimit: 5_000, softPercent: 80, demurrage: 10_000, offlineAllowance: 2_000, commonsCredit: 5_000 }
    await decide("Our own money: Hours", [Economy.createCurrency({ name: "Hours", symbol: "h", decimals: 2, policy })], "The community decides to create Hours")
    say("   Money is a decision of the community, never of one person. Hours are mutual credit:")
    say("   when Bo pays Ada, Bo goes below zero and Ada above, so every balance together is zero.")
    say(`   Each member may go down to ${h(-policy.creditLimit)}; demurrage is 1 % a day on what sits in an`)
    say("   account, and goes to the commons; the commons may lend to working groups.\n")

    say("2. Members pay and ask each other:")
    await act(bo, Economy.pay(ada.id, 1_200, "two loaves a week"), "Bo pays Ada 12.00 h for bread")
    const ask = await act(cy, Economy.request(dee.id, 800, "a dozen eggs"), "Cy asks Dee for 8.00 h")
    await act(bo, Economy.accept(ask.key), "Bo tries to accept Cy's request to Dee")
    await act(dee, Economy.accept(ask.key), "Dee accepts and pays")
    say(`   Balances: ${[ada, bo, cy, dee].map((k) => `${who(k.id)} ${h(Economy.Records.statement(econ(), k.id).balance)}`).join(", ")}.\n`)

    say("3. A limit is reached:")
    await act(dee, Economy.pay(cy.id, 3_500, "a week of lessons"), "Dee pays Cy 35.00 h")
    const w = Economy.Wallet.wallet(econ(), dee.id)
    say(`   Dee's wallet warns her: ${w.warning === "near" ? `she is near her limit, ${h(w.headroom)} left` : "nothing to report"}.`)
    await act(dee, Economy.pay(cy.id, 1_000, "more lessons"), "Dee tries to pay Cy 10.00 h more")
    say("   A limit protects everyone: Dee's debt is a promise to the others, and it has a size they")
    say("   agreed on. She can earn her way back, and the limit can grow with what she receives.\n")

    say("4. Ten days pass. Money that sits loses a little each day:")
    const before = Economy.Records.statement(econ(), ada.id).balance
    await advance(now + 10 * DAY)
    const day = Economy.dayOf(econ(), community.communityTime())
    const pending = Economy.Records.statement(econ(), ada.id, { day })
    say(`   Ada held ${h(before)}; on day ${day} her statement shows ${h(pending.balance)} (${h(pending.pendingDemurrage)} pending).`)
    await act(ada, Economy.pay(bo.id, 100, "jam"), "Ada pays Bo 1.00 h; her account settles first")
    const demurrage = econ().totals.demurrage
    say(`   Demurrage took ${h(demurrage)}, and the commons received exactly that: no daily events, only`)
    say("   integer arithmetic when an account is next touched. Hoarding costs a little; spending and")
    say("   the commons gain. That is how the community counters accumulation without a tax office.\n")

    say("5. One decision creates a working group and funds it from the commons:")
    const made = await decide(
      "An oven crew, with a budget",
      [
        Governance.createGroup({ name: "Oven crew", purpose: "Keep the wood oven fired on Saturdays", mandate: ["economy/group.pay"], members: [ada.id, bo.id, cy.id] }),
        Economy.fund(undefined, 3_000, "wood and repairs")
      ],
      "The community creates the Oven crew and gives it 30.00 h"
    )
    const group = made.key
    say(`   The group's id is the decision's own key, so the funding names it by leaving it out;`)
    say(`   both actions apply together or not at all. The commons now holds ${h(econ().commons)}.`)
    const expense = await act(ada, Economy.submitExpense(group, 1_200, "a cord of firewood"), "Ada submits an expense: firewood, 12.00 h")
    await act(ada, Economy.approveExpense(expense.key), "Ada approves her own expense")
    await act(bo, Economy.approveExpense(expense.key), "Bo approves")
    await act(cy, Economy.payExpense(expense.key), "Cy pays it with one approval")
    await act(cy, Economy.approveExpense(expense.key), "Cy approves")
    await act(bo, Economy.payExpense(expense.key), "Bo pays it")
    say("   Two others approve, and the one who asked never approves or pays: in a group of three")
    say("   or more, no one person can spend shared money, and no pair that includes the asker can.\n")

    say("6. Ada's phone has been offline; she spends on it and on her laptop:")
    const addition = await phoneClient.deviceAddition(phone, community.id, ada.publicKey)
    now += 60_000
    const added = await community.append(ada, "core", "device.add", addition, { time: now })
    say(`   ${"Ada adds her phone as a device".padEnd(50)} ${verdict(added.outcome)}`)
    const onPhone = await phoneClient.join(community.export()[0]!)
    await onPhone.receive(community.export())
    say("   The phone has every event so far. Now both go offline from each other.")
    const headroom = Economy.Wallet.wallet(econ(), ada.id).headroom
    now += 60_000
    say(`   Ada can spend ${h(headroom)} before her limit.`)
    const fromPhone = await onPhone.append(phone, Economy.pay(dee.id, 5_000, "a bicycle"), { time: now })
    say(`   ${"On her phone, Ada pays Dee 50.00 h".padEnd(50)} ${verdict(fromPhone.outcome)}`)
    await act(ada, Economy.pay(cy.id, 4_000, "a sewing machine"), "On her laptop, Ada pays Cy 40.00 h")
    await community.receive(onPhone.export())
    await onPhone.receive(community.export())
    const o = econ().overshoots[0]
    say(`   The devices meet. Both payments stand: Dee and Cy keep what they were paid.`)
    if (o) say(`   Together they passed Ada's limit by ${h(o.amount)}: the commons takes it on, Ada owes it back,`)
    say(`   and her account is ${econ().accounts[ada.id]?.frozen ? "frozen" : "not frozen"}. The justice module can read the overshoot and open a case.`)
    await act(ada, Economy.pay(bo.id, 100, "a coffee"), "Ada tries to pay Bo 1.00 h")
    await act(bo, Economy.pay(ada.id, 2_000, "help at the market"), "Bo pays Ada 20.00 h")
    if (o) await act(ada, Economy.repay(o.amount), `Ada repays the ${h(o.amount)} she owes`)
    say("   No one can stop a member from spending offline twice; the ledger can make sure it is")
    say("   seen, bounded (each payer's overshoot is capped per day by a decision) and repaid.\n")

    say("7. Records for people:")
    const c = Economy.Records.concentration(econ())
    say(`   The top 10 % of accounts hold ${c.top10.percent()} % of what is held; the Gini coefficient is ${c.gini.percent()} %.`)
    const options = { nameOf: (id: string) => names[id], groupName: (id: string) => (id === group ? "Oven crew" : undefined) }
    const statement = Economy.Records.statementMarkdown(econ(), ada.id, options)
    for (const line of statement.trimEnd().split("\n")) say(`   ${line}`)
    const csv = Economy.Records.ledgerCsv(econ(), options)
    // The phone catches up: both replicas hold the same events, and so the same state.
    await onPhone.receive(community.export())
    say(`   The ledger exports to CSV with ${csv.trimEnd().split("\r\n").length - 1} rows, one per entry, for any spreadsheet.`)
    return {
      community: community.id,
      state: econ(),
      people: Object.fromEntries(Object.entries(names).map(([id, n]) => [n, id])),
      refusals,
      group,
      expense: expense.key,
      demurrage,
      hashes: [community.stateHash(), onPhone.stateHash()],
      statement,
      csv
    }
  } finally {
    await phoneClient.close()
    await client.close()
  }
}
