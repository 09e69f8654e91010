/**
 * The administration part of the Affinity demo: running a community without an admin.
 *
 * Three founders run a tool library. They define a qualification, "can open the workshop",
 * granted by two vouches from members who have held it for a week, and expiring after six
 * months; the two who hold it vouch for Cy, and a working group that requires it lets Cy in
 * after refusing her before. The kitchen's cooks are drawn by lot from those who opted in,
 * ranked with the seed of the term's draw, so anyone can check the order from the log. A
 * member already holding two roles is refused a third, by assignment and by joining a group.
 * A shared drill is lent and returned, while Ada's own ladder stays hers. Everything goes
 * through the public API; people are shown by the names they published.
 *
 * @module
 */
import { type Cbor, Client, type Keys, type Replica } from "@affinity/core"
import * as Administration from "@affinity/administration"
import * as Governance from "@affinity/governance"
import * as StorageFs from "@affinity/storage-fs"

/** What the administration demo found, for tests. */
export interface AdministrationResult {
  readonly community: string
  /** Identities by name. */
  readonly people: Readonly<Record<string, string>>
  /** Every refused event or failed action, with its reason tag. */
  readonly refusals: ReadonlyArray<{ readonly what: string; readonly reason: string }>
  /** The administration state at the end. */
  readonly state: Administration.State
  /** Community time at the end. */
  readonly now: number
  /** The working group that requires the qualification, and whether Cy is in it at the end. */
  readonly workshop: { readonly id: string; readonly cyIsMember: boolean }
  /** The record, as Markdown. */
  readonly markdown: string
}

type Draft = { readonly module: string; readonly type: string; readonly body: Cbor.Value }

/** Run the administration demo in `directory`, printing what happens through `say`. */
export const runAdministration = async (directory: string, say: (line: string) => void): Promise<AdministrationResult> => {
  const { DAY, HOUR } = Administration
  say(`Affinity administration demo — storing in ${directory}\n`)
  const client = await Client.make({ storage: StorageFs.layer({ directory }), modules: [Governance.module, Administration.module] })
  try {
    const [ada, bo, cy] = [await client.generateKey(), await client.generateKey(), await client.generateKey()]
    const community = await client.create({ name: "Riverside Tool Library", author: ada, founders: [bo.publicKey, cy.publicKey], params: { timeWitnesses: 2 } })
    const replica: Replica.Replica = community.community.replica
    const genesis = replica.genesis.header.time
    for (const [k, name] of [[ada, "Ada"], [bo, "Bo"], [cy, "Cy"]] as const) await community.setProfile(k, { name })
    const who = (id: string) => community.names().nameOf(id)
    const plain = (text: string) => community.names().explain(text)
    const admin = () => community.state<Administration.State>("administration")
    const gov = () => community.state<Governance.State>("governance")
    const now = () => Governance.communityTime(replica)
    const day = (t: number) => `day ${Math.floor((t - genesis) / DAY)}`

    const refusals: Array<{ what: string; reason: string }> = []
    const verdict = (what: string, outcome: Replica.Outcome): string => {
      if (outcome._tag === "Rejected") {
        refusals.push({ what, reason: outcome.reason._tag })
        return `refused: ${outcome.reason._tag} — ${plain(outcome.reason.message)}`
      }
      const failed = outcome.actions.filter((a) => a._tag === "Failed")
      for (const f of failed) if (f._tag === "Failed") refusals.push({ what, reason: f.reason._tag })
      return failed.length === 0 ? "done" : failed.map((f) => (f._tag === "Failed" ? `refused: ${f.reason._tag} — ${plain(f.reason.message)}` : "")).join("; ")
    }
    const act = async (k: Keys.DeviceKey, d: Draft, what: string) => {
      const r = await community.append(k, d.module, d.type, d.body)
      say(`   ${what.padEnd(50)} ${verdict(what, r.outcome)}`)
      return r
    }
    /** Move community time: Ada's and Bo's clocks both claim `t`. */
    const advance = async (t: number) => {
      await community.append(ada, "core", "tick", {}, { time: t })
      await community.append(bo, "core", "tick", {}, { time: t })
    }
    /** A community decision: Ada proposes, all three agree, the deadline passes, Ada closes. */
    const decide = async (title: string, actions: ReadonlyArray<Draft>, body?: Governance.Deciders, voters = [ada, bo, cy]) => {
      const deadline = now() + 2 * HOUR
      const carrying = actions.length === 1 ? { action: actions[0]! } : { actions }
      const open = await community.append(voters[0]!, Governance.propose(body === undefined ? { title, deadline, ...carrying } : { title, deadline, body, ...carrying }))
      for (const v of voters) await community.append(v, Governance.stance(open.key, "agree"))
      await advance(deadline + 1000)
      const closed = await community.append(voters[0]!, Governance.close(open.key))
      say(`   Decided: "${title}".`.padEnd(53) + ` ${verdict(title, closed.outcome)}`)
      return closed
    }

    say("1. A qualification that expires")
    say("   A power nobody has to take back is a power someone keeps forever. So every grant here")
    say("   expires (six months), and a holder's vouch only counts after a week: a ring of new")
    say("   accounts cannot vouch each other in.")
    await decide("Who may open the workshop", [
      Administration.define({ id: "workshop", name: "Can open the workshop", criteria: "Knows the alarm, the fuse box and the first-aid kit", grantedBy: "vouches", vouches: 2, probationDays: 7, expiryDays: 180 }),
      Administration.grant("workshop", ada.id, "opened it for three years"),
      Administration.grant("workshop", bo.id, "opened it for two years")
    ])
    const workshop = await decide("Create the workshop team", [
      Governance.createGroup({ name: "Workshop team", purpose: "open and close the workshop", mandate: [], members: [ada.id], requires: { module: "administration", qualification: "workshop" } })
    ])
    await act(cy, Governance.joinGroup(workshop.key), "Cy asks to join the workshop team")
    await act(ada, Administration.vouch("workshop", cy.id, "walked her through the alarm"), `Ada vouches for Cy on ${day(now())}`)
    await advance(now() + 8 * DAY)
    await act(ada, Administration.vouch("workshop", cy.id, "walked her through the alarm"), `Ada vouches for Cy on ${day(now())}`)
    await act(bo, Administration.vouch("workshop", cy.id, "showed her the fuse box"), "Bo vouches for Cy")
    await act(cy, Governance.joinGroup(workshop.key), "Cy asks again")
    const held = Administration.Records.held(admin(), cy.id, Administration.Records.now(admin(), now()))
    for (const h of held) say(`   Cy holds "${h.name}" until ${day(h.until)}, vouched by ${h.by.map(who).join(" and ")}.`)

    say("\n2. An assignment by lot")
    say("   Choosing cooks by who asks loudest, or by whoever organises, gives a few people the")
    say("   say. A lot among those who opted in is fair, and anyone can check it: the order comes")
    say("   from the seed of the term's draw, which nobody could choose.")
    const kitchen = await decide("Create the kitchen group", [Governance.createGroup({ name: "Kitchen", purpose: "cook on Fridays", mandate: ["administration/assign.lot"], members: [] })])
    await act(ada, Governance.draw(0), "Ada records the draw of term 0")
    for (const [k, n] of [[ada, "Ada"], [bo, "Bo"], [cy, "Cy"]] as const) await act(k, Administration.joinPool(kitchen.key), `${n} opts in to cook`)
    await decide("Draw two cooks", [Administration.assignByLot({ group: kitchen.key, role: "cook", seats: 2, hours: 3 })])
    const lot = admin().lots.at(-1)!
    say(`   Seed of term ${lot.term} ranks the pool: ${lot.ranked.map(who).join(", ")}; drawn: ${lot.drawn.map(who).join(" and ")}.`)

    say("\n3. A cap on roles")
    say("   Nobody's share of running things should become a full-time job, or a base of power:")
    say("   two roles at a time, prime seats and working groups counted, whatever the door.")
    const capped = lot.drawn.find((m) => m === cy.id) ?? lot.drawn[0]!
    const cappedKey = [ada, bo, cy].find((k) => k.id === capped)!
    const bar = await decide("Create the bar group", [Governance.createGroup({ name: "Bar", purpose: "pour on Fridays", mandate: [], members: [] })])
    const second = Governance.createGroup({ name: "Repair desk", purpose: "fix things on Saturdays", mandate: [], members: [capped] })
    await decide(`Put ${who(capped)} on the repair desk`, [second])
    await act(cappedKey, Governance.joinGroup(bar.key), `${who(capped)} asks to join the bar too`)
    await decide(`Assign ${who(capped)} to the bar`, [Administration.assign({ group: bar.key, role: "bartender", member: capped })])
    const load = Administration.Records.load(admin(), capped, Administration.Records.now(admin(), now()))
    say(`   ${who(capped)} carries ${load.hours} hours this cycle here, cap ${load.cap} roles.`)

    say("\n4. A shared tool, lent")
    say("   The drill belongs to the community: its stewards change its rules together, its")
    say("   custodian lends it. Ada's ladder is hers: no decision reaches it.")
    const drill = await decide("Register the drill", [Administration.register({ name: "Cordless drill", kind: "tool", stewards: ["community"], custodian: bo.id, rules: "Return it charged, within a week" })])
    const ladder = await act(ada, Administration.registerPersonal({ name: "Ladder", kind: "tool", rules: "Ask Ada" }), "Ada registers her own ladder")
    await decide("Make the ladder community property", [Administration.consent(ladder.key, { rules: "the community's now" })])
    const lent = await act(bo, Administration.lend(drill.key, cy.id, now() + 3 * DAY, "shelves"), "Bo lends the drill to Cy for three days")
    await act(ada, Administration.book(drill.key, now() + DAY, now() + 2 * DAY), "Ada tries to book it meanwhile")
    await act(cy, Administration.giveBack(lent.key), "Cy brings it back")
    for (const item of Administration.Records.shelf(admin(), Administration.Records.now(admin(), now())))
      say(`   On the shelf: ${item.name}, held by ${who(item.custodian)}${item.personal ? " (personal)" : ""}; ${item.rules}`)

    const names = (id: string) => who(id)
    const groups = (g: string) => gov().groups[g]?.name ?? "a working group"
    const markdown = Administration.Records.markdown(admin(), { now: now(), names, groups })
    say("\nThe administration record:\n")
    say(markdown)
    return {
      community: community.id,
      people: { Ada: ada.id, Bo: bo.id, Cy: cy.id },
      refusals,
      state: admin(),
      now: now(),
      workshop: { id: workshop.key, cyIsMember: gov().groups[workshop.key]?.members.includes(cy.id) ?? false },
      markdown
    }
  } finally {
    await client.close()
  }
}
