/**
 * The justice part of the Affinity demo: a conflict in a tool library, handled without anyone
 * who can punish alone.
 *
 * Cy files a grievance about Bo; its words are sealed to the people in the case, and the demo
 * shows who can read it. Both consent to repair with Dee facilitating: Dee meets each of them,
 * the circle agrees two actions with owners and due dates, and afterwards Dee records that both
 * were done. Later Bo blocks proposals with no reasons; Eli raises it as a case, the community
 * votes, and decisions climb the ladder one rung at a time: a correction, then a warning that
 * stops Bo from blocking (and nothing else) for three days. Bo appeals; a panel drawn by lot,
 * leaving out everyone who decided, hears it. The warning expires on its own. The justice record
 * is printed last. Everything goes through the public API; people are shown by their names.
 *
 * @module
 */
import { Client, type Keys, type Replica } from "@affinity/core"
import * as Administration from "@affinity/administration"
import * as Defense from "@affinity/defense"
import * as Economy from "@affinity/economy"
import * as Expression from "@affinity/expression"
import * as Governance from "@affinity/governance"
import * as Justice from "@affinity/justice"
import * as StorageFs from "@affinity/storage-fs"

/** What the justice demo found, for tests. */
export interface JusticeResult {
  readonly community: string
  /** Names by identity (hex). */
  readonly names: Readonly<Record<string, string>>
  /** The grievance's case id, and who could read it (names). */
  readonly grievance: string
  readonly readers: ReadonlyArray<string>
  /** Whether a member outside the case could open its sealed words. */
  readonly outsiderRead: boolean
  /** Whether Bo, a party, could open them. */
  readonly partyRead: boolean
  /** The blocking case's id, and the warning's key. */
  readonly blocking: string
  readonly warning: string
  /** Who decided the warning, and the appeal panel (identities). */
  readonly deciders: ReadonlyArray<string>
  readonly panel: ReadonlyArray<string>
  /** Outcomes of Bo's acts: a block while warned, an agreement while warned, a block after expiry. */
  readonly blockWhileWarned: string
  readonly agreeWhileWarned: string
  readonly blockAfterExpiry: string
  /** Every refused event the demo tried, with the reason tag. */
  readonly refusals: ReadonlyArray<{ readonly what: string; readonly reason: string }>
  /** The justice state at the end. */
  readonly state: Justice.State
  /** The justice record, as `Records.toMarkdown` printed it. */
  readonly markdown: string
}

const modules = [Governance.module, Administration.module, Economy.module, Expression.module, Justice.module, Defense.module]
const LAYERS = 20
const text = (s: string) => new TextEncoder().encode(s)

/** Run the justice demo in `directory`, printing what happens through `say`. */
export const runJustice = async (directory: string, say: (line: string) => void): Promise<JusticeResult> => {
  const { DAY, HOUR } = Governance
  say(`Affinity justice demo — storing in ${directory}\n`)
  const client = await Client.make({ storage: StorageFs.layer({ directory }), modules })
  try {
    const people = ["Ada", "Bo", "Cy", "Dee", "Eli", "Fay", "Gus"]
    const keys: Array<Keys.DeviceKey> = []
    for (const _ of people) keys.push(await client.generateKey())
    const [ada, bo, cy, dee, eli, fay, gus] = keys as [Keys.DeviceKey, Keys.DeviceKey, Keys.DeviceKey, Keys.DeviceKey, Keys.DeviceKey, Keys.DeviceKey, Keys.DeviceKey]
    const community = await client.create({
      name: "Riverside Tool Library",
      author: ada,
      founders: keys.slice(1).map((k) => k.publicKey),
      params: { primeTerm: DAY, primeSize: 2, timeWitnesses: 2 }
    })
    const replica: Replica.Replica = community.community.replica
    const genesis = replica.genesis.header.time
    const state = () => community.state<Justice.State>("justice")
    const gov = () => community.state<Governance.State>("governance")
    const who = (id: string) => community.names().nameOf(id)
    const list = (ids: ReadonlyArray<string>) => (ids.length === 0 ? "nobody" : ids.map(who).join(", "))
    const plain = (s: string) => community.names().explain(s)
    const when = (t: number) => {
      const d = Math.floor((t - genesis) / DAY)
      const rest = t - genesis - d * DAY
      return `day ${d}, ${String(Math.floor(rest / HOUR)).padStart(2, "0")}:${String(Math.floor((rest % HOUR) / 60_000)).padStart(2, "0")}`
    }
    const now = () => Governance.communityTime(replica)

    const refusals: Array<{ what: string; reason: string }> = []
    const verdict = (o: Replica.Outcome) => {
      if (o._tag === "Rejected") return `refused: ${o.reason._tag} — ${plain(o.reason.message)}`
      const actions = o.actions.map((a) => (a._tag === "Applied" ? `${a.module}/${a.type} applied` : `${a.module}/${a.type} failed: ${a.reason._tag} — ${plain(a.reason.message)}`))
      return actions.length === 0 ? "applied" : `applied; ${actions.join("; ")}`
    }
    const act = async (device: Keys.DeviceKey, draft: Governance.Draft, what: string, options: { readonly quiet?: boolean; readonly payload?: Uint8Array } = {}) => {
      const r = await community.append(device, draft.module, draft.type, draft.body, options.payload === undefined ? {} : { payload: options.payload })
      if (r.outcome._tag === "Rejected") refusals.push({ what, reason: r.outcome.reason._tag })
      if (!options.quiet || r.outcome._tag === "Rejected") say(`   ${what.padEnd(56)} ${verdict(r.outcome)}`)
      return r
    }
    /** Community time moves when two members' clocks agree (Ada's and Gus's here). */
    const advance = async (t: number, why: string) => {
      await community.append(ada, "core", "tick", {}, { time: t })
      await community.append(gus, "core", "tick", {}, { time: t })
      say(`   [${when(now())}] ${why}`)
    }
    /** A community decision carrying `action`: Ada proposes, `agree` agree, the hour passes, Ada closes. */
    const decide = async (title: string, action: Governance.Draft, agree: ReadonlyArray<Keys.DeviceKey>) => {
      const deadline = now() + HOUR
      const { key } = await act(ada, Governance.propose({ title, deadline, action }), "", { quiet: true })
      for (const k of agree) await act(k, Governance.stance(key, "agree"), "", { quiet: true })
      await advance(deadline, `The community's decision "${title}" reaches its deadline.`)
      return act(ada, Governance.close(key), `Ada closes "${title}"`)
    }

    for (const [i, k] of keys.entries()) {
      await community.setProfile(k, { name: people[i]! })
      await community.publishSealingKey(k)
    }
    say(`1. ${list(keys.map((k) => k.id))} found "Riverside Tool Library" and publish their names`)
    say("   and sealing keys: a key others can seal words to, so only chosen people read them.")
    // The lot seats the prime groups (see the governance chapter); appeal panels are drawn from its seed.
    const secrets = new Map(keys.map((k) => [k.id, crypto.getRandomValues(new Uint8Array(32))]))
    for (const k of keys) await act(k, Governance.commit(Governance.Lot.anchor(secrets.get(k.id)!, LAYERS)), "", { quiet: true })
    await act(eli, Governance.draw(0), "", { quiet: true })
    for (const k of keys) await act(k, Governance.reveal(1, Governance.Lot.layer(secrets.get(k.id)!, LAYERS, 1)), "", { quiet: true })
    await advance(genesis + DAY, "Term 1 starts; the lot seats the prime working groups.")
    await act(fay, Governance.draw(1), "", { quiet: true })
    const seats = Governance.Records.seats(gov(), 1, "justice")
    say(`   The justice prime group this term: ${list(seats)}.\n`)

    // --- a grievance ---------------------------------------------------------------------------------
    say("2. A grievance, private by default:")
    const readers = Justice.Records.filingReaders({ filer: cy.id, respondents: [bo.id] }, seats)
    const words = "Bo kept the good drill for three weeks and talks over me at every meeting."
    const sealedGrievance = await community.seal(readers, text(words), { context: Justice.Records.sealContext() })
    const filed = await act(cy, Justice.file({ about: { member: bo.id }, weight: "community" }), "Cy files a grievance about Bo", { payload: sealedGrievance.sealed })
    const grievance = filed.key
    say(`   Who can read it: ${Justice.Records.whoCanRead(state(), grievance, who).join(", ")} (the parties and the justice prime group).`)
    say("   Everyone sees that the case exists, its steps and its decisions; only they read its words.")
    const outsider = keys.find((k) => !readers.includes(k.id))!
    const outsiderOpened = await community.unseal(outsider, community.payload(grievance)!, { context: Justice.Records.sealContext() })
    const partyOpened = await community.unseal(bo, community.payload(grievance)!, { context: Justice.Records.sealContext() })
    say(`   ${who(outsider.id)} tries to open it: ${outsiderOpened.ok ? "OPENED (this must not happen)" : `cannot (${outsiderOpened.error.reason})`}.`)
    say(`   Bo opens it: "${partyOpened.ok ? new TextDecoder().decode(partyOpened.secret) : "(could not open)"}"`)
    await act(outsider, Justice.speak(grievance), `${who(outsider.id)} tries to speak in the case`)
    const answer = await community.seal(readers, text("I did not know anyone was waiting for the drill. I'm sorry."), { context: Justice.Records.sealContext(grievance) })
    await act(bo, Justice.speak(grievance), "Bo answers (Cy, the affected person, spoke first)", { payload: answer.sealed })
    say("")

    // --- repair ------------------------------------------------------------------------------------
    say("3. Repair first, with both parties' consent:")
    say("   Why repair first? A restriction can stop harm, but it cannot mend a relationship; people")
    say("   who stay in a community together need a way back. Nobody is made to repair: it starts")
    say("   only when every party agrees, and with a facilitator they both chose who is not a party.")
    await act(cy, Justice.consent(grievance, [bo.id]), "Cy names Bo as facilitator")
    await act(cy, Justice.consent(grievance, [dee.id]), "Cy consents to repair, Dee facilitating")
    await act(bo, Justice.consent(grievance, [dee.id]), "Bo consents, Dee facilitating")
    await act(eli, Justice.met(grievance, cy.id), "Eli tries to record a meeting")
    await act(dee, Justice.met(grievance, cy.id), "Dee meets Cy alone (pre-circle)")
    await act(dee, Justice.met(grievance, bo.id), "Dee meets Bo alone (pre-circle)")
    const due = now() + 3 * DAY
    const actions = "1. Bo returns the drill and sets up a sign-out sheet for it. 2. Bo and Cy co-host the next meeting, with a talking stick."
    const circle = await community.seal(readers.concat(dee.id), text(actions), { context: Justice.Records.sealContext(grievance) })
    const agreement = await act(dee, Justice.agree(grievance, [{ owner: bo.id, due }, { owner: cy.id, due }]), "The circle agrees two actions (Dee records them)", { payload: circle.sealed })
    say(`     owners: Bo, and Cy with Bo; due ${when(due)}; the words are sealed to the case's readers.`)
    await act(cy, Justice.accept(grievance, agreement.key), "Cy accepts the agreement")
    await act(bo, Justice.accept(grievance, agreement.key), "Bo accepts the agreement")
    await advance(now() + 2 * DAY, "Two days later (post-circle).")
    await act(dee, Justice.check(grievance, 0, true), "Dee: the drill is back, with a sign-out sheet")
    await act(dee, Justice.check(grievance, 1, true), "Dee: the meeting was co-hosted")
    const repaired = state().cases[grievance]!
    say(`   The case ends ${repaired.status}: no one was restricted.\n`)

    // --- repeated blocking, the ladder, a scoped restriction ---------------------------------------
    say("4. Repeated unreasoned blocking, raised as a case:")
    const blocked: Array<string> = []
    for (const title of ["Longer opening hours", "Buy a second drill"]) {
      const { key } = await act(eli, Governance.propose({ title, deadline: now() + 2 * DAY }), "", { quiet: true })
      await act(bo, Governance.stance(key, "block", "no"), "", { quiet: true })
      blocked.push(key)
    }
    say(`   Bo blocks "Longer opening hours" and "Buy a second drill", each with the reason "no".`)
    say("   Nobody loses the right to block by default: a block protects a member from being overrun.")
    say("   But any member can ask the community to look at a pattern, naming the proposals.")
    const blocking = (await act(eli, Justice.file({ about: { member: bo.id }, weight: "community", kind: "blocking", proposals: blocked }), "Eli raises Bo's blocking as a case")).key
    await act(ada, Justice.vote(blocking, "correction"), "Ada tries to vote before Eli")
    for (const k of [eli, ada, cy, dee]) await act(k, Justice.vote(blocking, "correction"), "", { quiet: true })
    await act(fay, Justice.vote(blocking, "no-change"), "", { quiet: true })
    say("   Eli, the affected person, votes first; Ada, Cy and Dee also vote for a correction, Fay for no change.")
    say("   The electorate was frozen when the case was filed: nobody can join mid-case to swing it.")
    await decide("Warn Bo at once", Justice.decide({ case: blocking, option: "warning", reason: "too soon", scope: { module: "governance", types: ["stance"], where: { stance: "block" } }, until: now() + 3 * DAY }), [ada, cy, dee, eli, fay])
    say("   A community decision carries out what the case's electorate chose, nothing else.")
    await decide("Correct Bo on blocking", Justice.decide({ case: blocking, option: "correction", reason: "blocks need real reasons" }), [ada, cy, dee, eli, fay])
    say("   A correction is the first rung: a word, recorded, that restricts nothing.")
    const second = (await act(eli, Justice.file({ about: { member: bo.id }, weight: "community", kind: "blocking", proposals: blocked }), "Bo blocks again; Eli files again")).key
    for (const k of [eli, ada, cy, dee]) await act(k, Justice.vote(second, "warning"), "", { quiet: true })
    say("   Eli, Ada, Cy and Dee vote for a warning: the next rung, one at a time.")
    const until = now() + HOUR + 3 * DAY
    const scope = { module: "governance", types: ["stance"], where: { stance: "block" } }
    await decide("Warn Bo: no blocks for four months", Justice.decide({ case: second, option: "warning", reason: "blocked proposals with no reasons, after a correction", scope, until: now() + HOUR + 120 * DAY }), [ada, cy, dee, eli])
    const warned = await decide("Warn Bo: no blocks for three days", Justice.decide({ case: second, option: "warning", reason: "blocked proposals with no reasons, after a correction", scope, until }), [ada, cy, dee, eli])
    const warning = warned.key
    const r = state().restrictions[warning]!
    say(`   The warning stops: ${Justice.Records.scopeText(r, who)}; until ${when(Justice.expiry(r))}; decided by ${Justice.Records.restrictionRecord(state(), r, who, now()).decidedBy}.`)
    say("   Why an expiry, always? People and norms change. A restriction with no end becomes a")
    say("   punishment nobody decided; one that ends on its own needs a new decision to go on.")
    const { key: third } = await act(ada, Governance.propose({ title: "Paint the workshop", deadline: now() + 5 * DAY }), "", { quiet: true })
    const blockWhileWarned = await act(bo, Governance.stance(third, "block", "not now"), "Bo tries to block \"Paint the workshop\"")
    const agreeWhileWarned = await act(bo, Governance.stance(third, "object", "I'd rather wait for spring"), "Bo objects instead (not a block)")
    say("")

    // --- an appeal -----------------------------------------------------------------------------------
    say("5. Bo appeals, and a different panel hears it:")
    const appeal = (await act(bo, Justice.appeal(warning), "Bo appeals the warning")).key
    await act(bo, Justice.appeal(warning), "Bo tries to appeal twice")
    const a = state().appeals[appeal]!
    say(`   Decided by: ${list(r.deciders)}. The panel, drawn by lot: ${list(a.panel)}.`)
    say("   Why a different panel? Those who decided have made up their minds; an appeal to them")
    say("   is no appeal. The panel is ranked from the lot's seed, which no member can choose, so")
    say("   anyone can check from the log that nobody picked it; deciders and parties never sit.")
    for (const m of a.panel) await act(keys.find((k) => k.id === m)!, Justice.appealStance(appeal, "uphold"), `${who(m)} (panel) upholds: the warning is short and scoped`)
    say(`   The panel decided by consensus: ${state().appeals[appeal]!.decided?.verdict ?? "not yet"}.\n`)

    say("6. The warning ends on its own:")
    await advance(Justice.expiry(r), "The warning's expiry passes.")
    const blockAfterExpiry = await act(bo, Governance.stance(third, "block", "the paint fumes hurt my asthma; let's use low-VOC paint"), "Bo blocks, with a real reason")
    say("")

    say("7. The justice record (Records.toMarkdown): what exists, its scope and expiry, who decided;")
    say("   never the words of a case.\n")
    const markdown = Justice.Records.toMarkdown(state(), who, now(), "Riverside Tool Library: justice record")
    for (const line of markdown.trimEnd().split("\n")) say(`   ${line}`)

    const names: Record<string, string> = {}
    for (const k of keys) names[k.id] = who(k.id)
    const tag = (o: Replica.Outcome) => (o._tag === "Applied" ? "Applied" : o.reason._tag)
    return {
      community: community.id,
      names,
      grievance,
      readers: Justice.Records.whoCanRead(state(), grievance, who),
      outsiderRead: outsiderOpened.ok,
      partyRead: partyOpened.ok,
      blocking,
      warning,
      deciders: r.deciders,
      panel: a.panel,
      blockWhileWarned: tag(blockWhileWarned.outcome),
      agreeWhileWarned: tag(agreeWhileWarned.outcome),
      blockAfterExpiry: tag(blockAfterExpiry.outcome),
      refusals,
      state: state(),
      markdown
    }
  } finally {
    await client.close()
  }
}
