/**
 * The defense part of the Affinity demo: a community answers threats from outside without
 * anyone holding special power.
 *
 * An outsider's key is restricted by decision, with a reason, receipts and an expiry; two
 * allied communities share their restriction lists, and an entry applies only once both
 * agree; a working group gets an emergency mandate that runs out by itself and is reviewed;
 * two members freeze admissions at once, for 72 hours; a member who lost her phone revokes it
 * from her laptop and confirms her keys with a safety number. Everything goes through the
 * public API; the records are printed at the end.
 *
 * Claimed times are set with the `time` option of `append`, so the demo lives through weeks
 * in a few seconds. From three full members on, community time moves only when two of them
 * say so (`docs/protocol.md` §6), so every jump is two `core/tick` events, by Ada and Bo.
 *
 * @module
 */
import { Client, type Keys, type Replica } from "@affinity/core"
import * as Defense from "@affinity/defense"
import * as Governance from "@affinity/governance"
import * as StorageFs from "@affinity/storage-fs"

/** What the defense demo found, for tests. */
export interface DefenseResult {
  /** Every refusal the demo provoked on purpose, with the reason tag and message. */
  readonly refusals: ReadonlyArray<{ readonly what: string; readonly reason: string; readonly message: string }>
  /** The defense state of the community at the end. */
  readonly state: Defense.State
  /** Community time at the end. */
  readonly now: number
  /** What each import of an allied list did, in order (`advisory`, `applied`, …). */
  readonly imports: ReadonlyArray<string>
  /** The safety number Ada and Cy compared (60 digits), as each of them computed it. */
  readonly safety: { readonly ada: string; readonly cy: string }
  /** The records, as `Records.toMarkdown` printed them. */
  readonly markdown: string
  /** The printable page (`Binder.html`). */
  readonly html: string
}

/** Run the defense demo in `directory`, printing what happens through `say`. */
export const runDefense = async (directory: string, say: (line: string) => void): Promise<DefenseResult> => {
  const { DAY, HOUR } = Defense
  say(`Affinity defense demo — storing in ${directory}\n`)
  const client = await Client.make({ storage: StorageFs.layer({ directory }), modules: [Governance.module, Defense.module] })
  try {
    const key = () => client.generateKey()
    const [ada, bo, cy, mallory, zed, hillFounder, lakeFounder, bot] = [await key(), await key(), await key(), await key(), await key(), await key(), await key(), await key()]
    const start = Date.UTC(2025, 4, 5, 9)
    const riverside = await client.create({ name: "Riverside Tool Library", author: ada, founders: [bo.publicKey, cy.publicKey], time: start })
    const replica: Replica.Replica = riverside.community.replica
    for (const [k, name] of [[ada, "Ada"], [bo, "Bo"], [cy, "Cy"]] as const) await riverside.setProfile(k, { name }, { time: start })
    const who = (id: string) => (id === mallory.id ? "Mallory" : id === zed.id ? "Zed" : riverside.names().nameOf(id))
    const state = () => riverside.state<Defense.State>("defense")
    const now = () => replica.communityTime()
    let clock = start
    const when = (t: number) => Defense.Records.date(t)

    const refusals: Array<{ what: string; reason: string; message: string }> = []
    const line = (what: string, outcome: Replica.Outcome) => {
      if (outcome._tag === "Rejected") {
        refusals.push({ what, reason: outcome.reason._tag, message: outcome.reason.message })
        say(`   ${what}: refused (${outcome.reason._tag}) — ${outcome.reason.message}`)
        return
      }
      const failed = outcome.actions.filter((a) => a._tag === "Failed")
      for (const a of failed) if (a._tag === "Failed") refusals.push({ what, reason: a.reason._tag, message: a.reason.message })
      say(`   ${what}: ${failed.length === 0 ? "done" : failed.map((a) => (a._tag === "Failed" ? `${a.type} failed (${a.reason._tag}) — ${a.reason.message}` : "")).join("; ")}`)
    }
    const act = async (device: Keys.DeviceKey, draft: Governance.Draft, what: string) => {
      const r = await riverside.append(device, draft.module, draft.type, draft.body, { time: clock })
      line(what, r.outcome)
      return r
    }
    /** Ada's and Bo's clocks both claim `t`: community time reaches it. */
    const advance = async (t: number) => {
      clock = t
      await riverside.append(ada, "core", "tick", {}, { time: t })
      await riverside.append(bo, "core", "tick", {}, { time: t })
    }
    /** A decision by consent: proposed by Ada, silence is consent, closed by Cy after an hour. */
    const decide = async (title: string, carried: Governance.Draft | ReadonlyArray<Governance.Draft>, proposer: Keys.DeviceKey = ada) => {
      const list = Array.isArray(carried) ? carried : [carried as Governance.Draft]
      const deadline = clock + 2 * HOUR
      const p = await riverside.append(proposer, Governance.propose({ title, process: "consent", deadline, ...(list.length === 1 ? { action: list[0]! } : { actions: list }) }), { time: clock })
      await advance(deadline)
      const closed = await riverside.append(cy, Governance.close(p.key), { time: clock })
      line(`decision "${title}"`, closed.outcome)
      return closed
    }

    // --- 1. an outsider's key ----------------------------------------------------------------------
    say("1. An outsider's key is restricted by decision.")
    say("   Mallory sent threats to three members. The community decides, by consent, to stop her key")
    say("   from applying to join. A restriction names what it stops, why, where the receipts are, and")
    say("   when it ends: nobody's key stays blocked by default forever (90 days unless the decision")
    say("   says otherwise), because keys change hands and people change.")
    const restricted = await decide("Stop Mallory's key from joining", Defense.restrict({ key: mallory.publicKey }, { scope: ["join"], reason: "sent threats to three members", evidence: "screenshots kept by the welcome group, case of 3 May" }))
    const r1 = state().restrictions[restricted.key]!
    say(`   It holds until ${when(r1.expires)} (community time).`)
    line("Mallory applies to join", (await riverside.append(mallory, "core", "member.apply", { note: "let me in" }, { time: clock })).outcome)
    line("Bo tries to restrict a key on his own", (await riverside.append(bo, Defense.restrict({ key: zed.publicKey }, { scope: ["join"], reason: "I don't like him" }), { time: clock })).outcome)
    say("   Nobody restricts anyone alone: it takes a decision of the community.\n")

    // --- 2. lists shared between allied communities -------------------------------------------------
    say("2. Two allied communities share their lists; an entry applies here only when both agree.")
    const ally = async (name: string, founder: Keys.DeviceKey, reason: string) => {
      const c = await client.create({ name, author: founder, time: start })
      const deadline = start + 2 * HOUR
      const p = await c.append(founder, Governance.propose({ title: "Stop Zed", process: "consent", deadline, action: Defense.restrict({ key: zed.publicKey }, { scope: ["join"], reason, evidence: `${name} meeting notes` }) }), { time: start })
      await c.append(founder, "core", "tick", {}, { time: deadline })
      await c.append(founder, Governance.close(p.key), { time: deadline })
      const feed = c.state<Defense.State>("defense")
      const unsigned = Defense.Feed.unsigned({ source: c.id, publisher: founder.id, from: 1, entries: Defense.Feed.entries(feed) })
      const exported = Defense.Feed.seal(unsigned, await client.sign(founder, Defense.Feed.message(unsigned)))
      say(`   ${name} restricted Zed's key ("${reason}") and publishes its list, signed by its publisher key.`)
      return { id: c.id, publisher: founder.id, exported }
    }
    const hill = await ally("Hillside Garden", hillFounder, "ran a fake-fundraiser scam")
    const lake = await ally("Lakeside Food Co-op", lakeFounder, "took donations and vanished")
    await decide("Follow Hillside's and Lakeside's lists", [Defense.subscribe(hill.id, "Hillside", [hill.publisher]), Defense.subscribe(lake.id, "Lakeside", [lake.publisher])])
    const imports: Array<string> = []
    const importFrom = async (from: { exported: Uint8Array }, listName: string) => {
      await act(bo, Defense.importList(from.exported), `Bo imports ${listName}'s list (a file they sent)`)
      const change = state().changes[state().changes.length - 1]!
      imports.push(change.effect)
      const c = Defense.Records.changes(state(), { now: now(), nameOf: who }).at(-1)!
      say(`     what changed: ${c.subject}, from ${c.source}: ${c.change} ("${c.reason}")`)
    }
    await importFrom(hill, "Hillside")
    say("   One list alone is an advisory: the members see it and may decide; nothing changes silently.")
    await importFrom(lake, "Lakeside")
    line("Zed applies to join", (await riverside.append(zed, "core", "member.apply", { note: "hello" }, { time: clock })).outcome)
    say("   Why two? One community's list can be wrong, or taken over. Two independent communities")
    say("   agreeing is evidence; and a member already here is never blocked by someone else's list.\n")

    // --- 3. an emergency mandate ----------------------------------------------------------------------
    say("3. A working group gets an emergency mandate that runs out by itself.")
    const group = await decide("Start a Night watch group (Ada, Bo)", Governance.createGroup({ name: "Night watch", purpose: "Answer attacks at night", mandate: ["defense/restrict", "defense/freeze.impose"], members: [ada.id, bo.id] }))
    const groupDecide = async (title: string, action: Governance.Draft) => {
      const deadline = clock + HOUR + 5 * 60_000
      const p = await riverside.append(ada, Governance.propose({ title, process: "consensus", deadline, action, body: { group: group.key } }), { time: clock })
      for (const k of [ada, bo]) await riverside.append(k, Governance.stance(p.key, "agree"), { time: clock })
      await advance(deadline)
      const closed = await riverside.append(ada, Governance.close(p.key), { time: clock })
      line(`Night watch decides "${title}"`, closed.outcome)
      return closed
    }
    await groupDecide("Block the spam relay", Defense.restrict({ relay: "wss://relay.spam.example" }, { scope: ["sync"], reason: "floods members with spam" }))
    say("   Without a mandate, the group cannot restrict anyone, whatever its own mandate lists.")
    const granted = await decide("Emergency mandate for the Night watch, 2 days", Defense.grantMandate({ group: group.key }, { scope: ["restrict", "freeze"], expires: clock + 2 * DAY + 3 * HOUR, reason: "a spam relay is flooding members tonight" }))
    await groupDecide("Block the spam relay", Defense.restrict({ relay: "wss://relay.spam.example" }, { scope: ["sync"], reason: "floods members with spam", expires: clock + 10 * DAY }))
    const refusal = Defense.SyncPolicy.refusal(state(), { relay: "wss://relay.spam.example" }, now())
    say(`   Every member's device now refuses to sync with that relay: ${refusal?.message ?? "(no refusal)"}`)
    const m = state().mandates[granted.key]!
    await advance(m.expires)
    await groupDecide("Block another relay", Defense.restrict({ relay: "wss://relay.other.example" }, { scope: ["sync"], reason: "looks suspicious" }))
    const record = Defense.Records.mandates(state(), { now: now() })[0]!
    say(`   The mandate ended ${when(record.ended)}; its review is due by ${when(record.reviewDue)}.`)
    say("   Why expire? Emergency powers that must be renewed (once, at most) cannot quietly become")
    say("   permanent; a review that is missed shows up in every record and can open a justice case.")
    await decide("Review of the Night watch mandate", Defense.reviewMandate(granted.key, "one relay blocked for ten days; proportionate; thanks to the Night watch"))
    say("")

    // --- 4. a freeze by two members --------------------------------------------------------------------
    say("4. Two members freeze admissions at once.")
    await act(ada, Defense.freeze("admissions", "forty applications in ten minutes, all alike"), "Ada calls for a freeze of admissions")
    line("A bot's key applies", (await riverside.append(bot, "core", "member.apply", { note: "hi" }, { time: clock })).outcome)
    say("   One member alone freezes nothing.")
    await act(bo, Defense.freeze("admissions", "confirmed: a bot wave"), "Bo calls too")
    const botTwo = await key()
    line("Another bot's key applies", (await riverside.append(botTwo, "core", "member.apply", { note: "hi" }, { time: clock })).outcome)
    const freeze = Object.values(state().freezes)[0]!
    say(`   The freeze ends by itself at ${when(freeze.until)}: ${Defense.Threats.countdown(freeze.until, now())}.`)
    say("   Why two, and why 72 hours? Acting fast must not need a meeting; but no single member can")
    say("   lock the door, and nobody has to remember to unlock it. Ending early or extending it takes")
    say("   a decision of the community.")
    await advance(freeze.until)
    line("Three days later, a newcomer applies", (await riverside.append(await key(), "core", "member.apply", { note: "I repair bikes" }, { time: clock })).outcome)
    say("")

    // --- 5. a lost phone -----------------------------------------------------------------------------
    say("5. Cy loses her phone.")
    const laptop = await key()
    const addition = await client.deviceAddition(laptop, riverside.id, cy.publicKey)
    const added = await riverside.append(cy, "core", "device.add", { device: addition.device, consent: addition.consent, seal: addition.seal }, { time: clock })
    line("Cy adds her laptop as a second device", added.outcome)
    for (const step of Defense.Threats.lostPhone({ otherDevices: 1 })) say(`   - ${step.text}`)
    await act(laptop, { module: "core", type: "device.revoke", body: { device: cy.publicKey } }, "From her laptop, Cy revokes the phone")
    line("Whoever found the phone tries to use it", (await riverside.append(cy, "core", "tick", {}, { time: clock })).outcome)
    const mine = Defense.SafetyNumber.of(ada.id, laptop.id)
    const theirs = Defense.SafetyNumber.of(laptop.id, ada.id)
    say("   Ada and Cy meet and compare the safety number of their keys, on both screens:")
    say(`     ${Defense.SafetyNumber.groups(mine)}`)
    say(`   ${mine === theirs ? "They match" : "THEY DIFFER"}: Cy's new key is hers. (A QR code carries the same: ${Defense.SafetyNumber.qr(ada.id, laptop.id).slice(0, 24)}…)\n`)

    // --- 6. the records --------------------------------------------------------------------------------
    say("6. The defense records (Records.toMarkdown), by name and in community time:\n")
    const groupName = (id: string) => riverside.state<Governance.State>("governance").groups[id]?.name ?? "without a name"
    const options = { now: now(), nameOf: who, groupName }
    const markdown = Defense.Records.toMarkdown(state(), options)
    for (const l of markdown.trimEnd().split("\n")) say(`   ${l}`)
    const html = Defense.Binder.html(state(), { ...options, title: "Riverside Tool Library" })
    return { refusals, state: state(), now: now(), imports, safety: { ada: mine, cy: theirs }, markdown, html }
  } finally {
    await client.close()
  }
}
