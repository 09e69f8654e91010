/**
 * The governance part of the Affinity demo: a community lives through its first terms.
 *
 * Three founders create a community; newcomers apply, say who they are, and are admitted by
 * decisions; every member commits to the lot and the prime working groups are drawn; a
 * proposal is blocked, amended and passes, and its action creates a working group; the terms
 * rotate, and the decision record is printed as Markdown. People are shown by the names they
 * published (`community.names()`), and refusals and reasons are told with those names
 * (`explain`). Everything goes through the public API.
 *
 * Claimed times are set with the `time` option of `append`, so the demo lives through two
 * days in a few seconds. Every full member's clock counts, and from three full members on,
 * community time moves only when two of them say so (`docs/protocol.md` §6), so every jump
 * is two `core/tick` events, one by Ada and one by Bo.
 *
 * @module
 */
import { Client, type Keys, type Membership, Names, type Replica } from "@affinity/core"
import * as Administration from "@affinity/administration"
import * as Defense from "@affinity/defense"
import * as Economy from "@affinity/economy"
import * as Expression from "@affinity/expression"
import * as Governance from "@affinity/governance"
import * as Justice from "@affinity/justice"
import * as StorageFs from "@affinity/storage-fs"

/** What the governance demo found, for tests. */
export interface GovernanceResult {
  readonly community: string
  /** The names members published, as shown at the end, by identity (hex). */
  readonly names: Readonly<Record<string, string>>
  /** The identities that applied and were admitted by decision. */
  readonly newcomers: ReadonlyArray<string>
  /** Status of every identity at the end (`full`, `applicant`, `left`). */
  readonly statuses: Readonly<Record<string, string>>
  /** Ids of the admission proposals. */
  readonly admissions: ReadonlyArray<string>
  /** Id of the proposal that was blocked, amended and passed. */
  readonly amended: string
  /** Id of the working group its action created (the close event's key), or `null`. */
  readonly group: string | null
  /** Whether the host applied that action (from the close event's outcome). */
  readonly actionApplied: boolean
  /** Every refused event the demo tried, with the reason tag. */
  readonly refusals: ReadonlyArray<{ readonly what: string; readonly reason: string }>
  /** The governance state at the end. */
  readonly state: Governance.State
  /** The decision record, as `Records.toMarkdown` printed it. */
  readonly markdown: string
}

const modules = [Governance.module, Administration.module, Economy.module, Expression.module, Justice.module, Defense.module]

/** Layers of each member's hash onion: one per term it can take part in. */
const LAYERS = 100

/** Run the governance demo in `directory`, printing what happens through `say`. */
export const runGovernance = async (directory: string, say: (line: string) => void): Promise<GovernanceResult> => {
  const { DAY, HOUR } = Governance
  say(`Affinity governance demo — storing in ${directory}\n`)

  const client = await Client.make({ storage: StorageFs.layer({ directory }), modules })
  try {
    const newKey = () => client.generateKey()
    const [ada, bo, cy, dee, eli, fay] = [await newKey(), await newKey(), await newKey(), await newKey(), await newKey(), await newKey()]
    const everyone = [ada, bo, cy, dee, eli, fay]
    const newcomers = [dee, eli, fay]
    /** The name each person publishes for themselves once they are in the community. */
    const calls = new Map(everyone.map((k, i) => [k.id, ["Ada", "Bo", "Cy", "Dee", "Eli", "Fay"][i]!]))

    const community = await client.create({
      name: "Riverside Tool Library",
      author: ada,
      founders: [bo.publicKey, cy.publicKey],
      params: { primeTerm: DAY, primeSize: 2, timeWitnesses: 2 }
    })
    const replica: Replica.Replica = community.community.replica
    const genesis = replica.genesis.header.time
    const gov = () => community.state<Governance.State>("governance")
    const core = () => community.state<Membership.State>("core")
    const isFull = (id: string) => core().identities[id]?.status === "full"
    // Everyone is shown by the name they published, else by their label.
    const who = (id: string) => community.names().nameOf(id)
    const list = (ids: ReadonlyArray<string>) => (ids.length === 0 ? "nobody" : ids.map(who).join(", "))
    const plain = (text: string) => community.names().explain(text)
    const publish = async (k: Keys.DeviceKey) => {
      const { outcome } = await community.setProfile(k, { name: calls.get(k.id)! })
      if (outcome._tag === "Rejected") say(`   ${who(k.id)} could not publish a name: ${plain(outcome.reason.message)}`)
    }

    /** Community time as "day 1, 08:00", counted from the genesis. */
    const when = (t: number) => {
      const d = Math.floor((t - genesis) / DAY)
      const rest = t - genesis - d * DAY
      const hh = String(Math.floor(rest / HOUR)).padStart(2, "0")
      const mm = String(Math.floor((rest % HOUR) / 60_000)).padStart(2, "0")
      return `day ${d}, ${hh}:${mm}`
    }

    const refusals: Array<{ what: string; reason: string }> = []
    const verdict = (outcome: Replica.Outcome) => {
      if (outcome._tag === "Rejected") return `rejected: ${outcome.reason._tag} — ${plain(outcome.reason.message)}`
      const actions = outcome.actions.map((a) =>
        a._tag === "Applied" ? `${a.module}/${a.type} applied` : `${a.module}/${a.type} failed: ${a.reason._tag} — ${plain(a.reason.message)}`
      )
      return actions.length === 0 ? "applied" : `applied; ${actions.join("; ")}`
    }
    /** Append a draft, print one line, keep refusals. */
    const act = async (device: Keys.DeviceKey, draft: Governance.Draft, what: string, options: { readonly quiet?: boolean } = {}) => {
      const r = await community.append(device, draft.module, draft.type, draft.body)
      if (r.outcome._tag === "Rejected") refusals.push({ what, reason: r.outcome.reason._tag })
      if (!options.quiet || r.outcome._tag === "Rejected") say(`   ${what.padEnd(54)} ${verdict(r.outcome)}`)
      return r
    }
    /** Move community time: Ada's and Bo's clocks both claim `t` (two witnesses). */
    const advance = async (t: number, why: string) => {
      await community.append(ada, "core", "tick", {}, { time: t })
      await community.append(bo, "core", "tick", {}, { time: t })
      say(`   [${when(Governance.communityTime(replica))}] ${why}`)
    }
    const decisionLine = (id: string) => {
      const p = Governance.Records.proposal(gov(), id)
      const d = p?.decision
      if (!p || !d) return "still open"
      const number = (key: string) => Governance.Records.proposals(gov()).findIndex((q) => q.id === key) + 1
      return `${d.outcome}: ${Governance.Explain.outcome(gov(), replica.core.community.params.quorumPercent, p, d, { name: who, number, plain })}`
    }

    for (const k of [ada, bo, cy]) await publish(k)
    say(`1. ${Governance.Explain.list([ada.id, bo.id, cy.id].map(who))} found "${core().community.name}" and publish their names.`)
    say("   Prime working groups have 2 seats and terms last one day. Community time moves when the")
    say("   clocks of two members agree: every full member's clock counts, and from three members on")
    say("   no single clock moves it. The demo sets claimed times to live through two days in seconds.\n")

    // --- admissions ----------------------------------------------------------------------------------
    say("2. Newcomers apply; only a decision of the community can admit them:")
    for (const n of newcomers) {
      await act(n, { module: "core", type: "member.apply", body: { note: `${calls.get(n.id)} here, I repair things.` } }, `${who(n.id)} applies to join`)
      await publish(n)
    }
    say(`   Until they publish a name, newcomers show as their labels; now they are ${Governance.Explain.list(newcomers.map((n) => who(n.id)))}.`)
    // Each member's onion secret stays on their device; only its hashes are ever published.
    const secrets = new Map(everyone.map((k) => [k.id, crypto.getRandomValues(new Uint8Array(32))]))
    const secretOf = (k: Keys.DeviceKey) => secrets.get(k.id)!
    await act(dee, Governance.commit(Governance.Lot.anchor(secretOf(dee), LAYERS)), "Dee tries to enter the lot already")
    await act(bo, Governance.admit(dee.id), "Bo tries to admit Dee on his own")

    const deadline1 = genesis + 2 * HOUR
    const admissions: Array<string> = []
    for (const n of newcomers) {
      const { key } = await act(
        ada,
        Governance.propose({
          title: `Admit ${who(n.id)}`,
          text: `${who(n.id)} asked to join; they have borrowed tools from us for a year.`,
          process: "consensus",
          deadline: deadline1,
          action: Governance.admit(n.id)
        }),
        `Ada proposes "Admit ${who(n.id)}" (until ${when(deadline1)})`
      )
      admissions.push(key)
    }
    for (const id of admissions) {
      for (const f of [ada, bo]) await act(f, Governance.stance(id, "agree"), "", { quiet: true })
      await act(cy, id === admissions[2] ? Governance.stance(id, "abstain", "I have not met Fay yet") : Governance.stance(id, "agree"), "", { quiet: true })
    }
    say(`   Ada and Bo agree with all three; Cy agrees with two and stands aside on Fay ("I have not met Fay yet").`)
    await act(bo, Governance.close(admissions[0]!), `Bo tries to close "Admit Dee" right away`)
    await advance(deadline1, "Ada's and Bo's clocks reach the deadline: community time has passed it.")
    for (const id of admissions) {
      await act(bo, Governance.close(id), `Bo closes "${Governance.Records.proposal(gov(), id)!.title}"`)
      say(`     ${decisionLine(id)}`)
    }
    say("   Each close counts the full members of that moment: once Dee is in, she is a silent member")
    say("   when Eli's admission closes, and the quorum (half the members) grows with the community.")
    say(`   Full members now: ${list(everyone.map((k) => k.id).filter(isFull))}\n`)

    // --- the lot -------------------------------------------------------------------------------------
    say("3. The lot seats the prime working groups:")
    say("   Each member commits to a hash onion: the hash of a hash … of a secret. Each term they")
    say("   reveal the next layer; nobody else can compute it, and its owner cannot choose it.")
    for (const k of everyone) await act(k, Governance.commit(Governance.Lot.anchor(secretOf(k), LAYERS)), "", { quiet: true })
    say(`   Ada, Bo, Cy, Dee, Eli and Fay commit; commitments now: ${Object.keys(gov().onions).length}`)
    await act(eli, Governance.draw(0), "Eli draws term 0 (the founding term)")
    say("   Term 0 seats nobody: no reveal could come before it, so its seed would be known in advance.")
    for (const k of everyone) await act(k, Governance.reveal(1, Governance.Lot.layer(secretOf(k), LAYERS, 1)), "", { quiet: true })
    const cutoff1 = Governance.revealCutoff(gov(), replica.core.community.params, 1)
    say(`   Everyone reveals layer 1 for term 1 (reveals close at ${when(cutoff1)}): ${gov().reveals["1"]?.length ?? 0} reveals`)
    await act(fay, Governance.draw(1), "Fay tries to draw term 1 early")
    await advance(genesis + DAY, "Term 1 starts.")
    await act(dee, Governance.draw(1), "Dee draws term 1")
    const seatsLine = (t: number, g: Governance.PrimeGroup) => {
      const excluded = gov().terms[String(t)]?.groups[g]?.excluded ?? []
      const seats = Governance.Records.seats(gov(), t, g, isFull)
      return `     ${g.padEnd(15)} ${list(seats).padEnd(10)}${excluded.length > 0 ? `  (${list(excluded)} served last term)` : ""}`.trimEnd()
    }
    for (const g of Governance.PRIME_GROUPS) say(seatsLine(1, g))
    const explain = (t: number, g: Governance.PrimeGroup) => {
      const e = Governance.explainDraw(gov(), t, g)
      if (!e) return
      const withheld = e.withheld.length > 0 ? `; withheld: ${list(e.withheld)}` : ""
      say(`   Why these ${g} seats? The seed (${Names.longLabel(e.seed)}) is SHA-256 of the community id, the term and`)
      say(`   ${e.reveals.length} revealed values${withheld}. Recomputed from the log: ${e.seedVerified && e.rankingVerified ? "it matches" : "IT DOES NOT MATCH"}.`)
      say(`   Each eligible member's score is SHA-256(seed, "${g}", member), lowest first:`)
      const ranked = e.candidates.filter((c) => c.rank !== null).map((c) => `${c.rank}. ${who(c.identity)}${c.seated ? " (seated)" : ""}`)
      say(`     ${ranked.join(" · ")}; the others wait in line for a vacancy.`)
      const others = e.candidates.filter((c) => c.rank === null)
      if (others.length > 0) say(`     Not eligible: ${others.map((c) => `${who(c.identity)} (${c.why})`).join(", ")}.`)
    }
    explain(1, "justice")
    say("")

    // --- a proposal is blocked, amended and passes ----------------------------------------------------
    say("4. A proposal is blocked, amended, and passes:")
    const deadline2 = genesis + DAY + 6 * HOUR
    const draftGroup = Governance.createGroup({
      name: "Repair Café",
      purpose: "Run a repair evening every Thursday in the workshop.",
      mandate: ["core/member.admit"],
      members: [dee.id, eli.id]
    })
    const { key: cafe } = await act(
      dee,
      Governance.propose({
        title: "Start a Repair Café working group",
        text: "Dee and Eli run a repair evening every Thursday, and may welcome new members who come to it.",
        process: "consensus",
        deadline: deadline2,
        action: draftGroup
      }),
      `Dee proposes a Repair Café (until ${when(deadline2)})`
    )
    say("     action: create the group (Dee, Eli), allowed to admit members (core/member.admit)")
    await act(ada, Governance.stance(cafe, "agree"), "Ada agrees")
    await act(bo, Governance.stance(cafe, "block"), "Bo tries to block without a reason")
    const blockReason = "Admitting members must stay a decision of the whole community. And give the group an end date."
    await act(bo, Governance.stance(cafe, "block", blockReason), "Bo blocks, with a reason")
    say(`     Bo's reason: "${blockReason}"`)
    await act(cy, Governance.stance(cafe, "agree"), "Cy agrees")
    const blocks = Governance.Records.stances(gov(), cafe).filter((s) => s.stance === "block")
    say(`   A consensus cannot pass while a block stands: blocking now: ${list(blocks.map((s) => s.member))}.`)
    await act(eli, Governance.amend(cafe, { text: "x" }), "Eli tries to amend Dee's proposal")
    const deadline3 = genesis + DAY + 8 * HOUR
    const expiry = genesis + 31 * DAY
    await act(
      dee,
      Governance.amend(cafe, {
        text: "Dee and Eli run a repair evening every Thursday for a month; newcomers they meet apply like anyone else.",
        action: Governance.createGroup({
          name: "Repair Café",
          purpose: "Run a repair evening every Thursday in the workshop.",
          mandate: [],
          members: [dee.id, eli.id],
          expiry
        }),
        deadline: deadline3
      }),
      `Dee amends: no admissions, ends ${when(expiry)}`
    )
    say(`     An amendment clears every stance; the new deadline is ${when(deadline3)}.`)
    for (const k of [ada, bo, cy, eli]) await act(k, Governance.stance(cafe, "agree"), "", { quiet: true })
    await act(fay, Governance.stance(cafe, "abstain"), "", { quiet: true })
    say("   Ada, Bo, Cy and Eli agree with the new version; Fay stands aside; Dee says nothing.")
    await advance(deadline3, "The deadline passes.")
    const closed = await act(ada, Governance.close(cafe), `Ada closes "Start a Repair Café"`)
    say(`   Why: ${decisionLine(cafe)}`)
    const group = Governance.Records.groups(gov()).find((g) => g.id === closed.key) ?? null
    const actionApplied =
      closed.outcome._tag === "Applied" && closed.outcome.actions.some((a) => a._tag === "Applied" && a.type === "group.create")
    if (group) say(`   Working group "${group.name}": ${list(group.members)}; mandate: ${group.mandate.join(", ") || "none"}; until ${when(group.expiry ?? 0)}.`)
    say("")

    // --- terms rotate --------------------------------------------------------------------------------
    say("5. Terms rotate:")
    for (const k of [ada, bo, cy, dee, eli]) await act(k, Governance.reveal(2, Governance.Lot.layer(secretOf(k), LAYERS, 2)), "", { quiet: true })
    const cutoff2 = Governance.revealCutoff(gov(), replica.core.community.params, 2)
    say(`   Ada, Bo, Cy, Dee and Eli reveal layer 2 for term 2 (reveals close at ${when(cutoff2)}).`)
    await advance(genesis + DAY + 13 * HOUR, "Fay comes back from a trip.")
    await act(fay, Governance.reveal(2, Governance.Lot.layer(secretOf(fay), LAYERS, 2)), "Fay reveals late")
    await advance(genesis + 2 * DAY, "Term 2 starts.")
    await act(bo, Governance.draw(2), "Bo draws term 2")
    for (const g of Governance.PRIME_GROUPS) say(seatsLine(2, g))
    explain(2, "justice")
    const twice = Governance.PRIME_GROUPS.filter((g) =>
      Governance.Records.seats(gov(), 2, g, isFull).some((m) => Governance.Records.seats(gov(), 1, g, isFull).includes(m))
    )
    say(
      twice.length === 0
        ? "   Nobody sits in the same group two terms in a row (checked for all six groups)."
        : `   SOMEONE SERVES TWICE IN A ROW IN: ${twice.join(", ")}`
    )
    say("")

    // --- the record ----------------------------------------------------------------------------------
    say("6. The decision record (Records.toMarkdown), ready to print:\n")
    const names: Record<string, string> = {}
    for (const k of everyone) names[k.id] = who(k.id)
    const markdown = Governance.Records.toMarkdown(gov(), {
      outcomeOf: (key) => replica.outcome(key),
      nameOf: who
    })
    // The record keeps event ids for checking it against the log; on screen they read as labels.
    for (const line of plain(markdown).trimEnd().split("\n")) say(`   ${line}`)

    const statuses: Record<string, string> = {}
    for (const [id, identity] of Object.entries(core().identities)) statuses[id] = identity.status
    return {
      community: community.id,
      names,
      newcomers: newcomers.map((k) => k.id),
      statuses,
      admissions,
      amended: cafe,
      group: group?.id ?? null,
      actionApplied,
      refusals,
      state: gov(),
      markdown
    }
  } finally {
    await client.close()
  }
}
