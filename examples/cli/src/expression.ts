/**
 * The expression part of the Affinity demo: a community talks, keeps a secret, shows itself to
 * the world, and practises for the day the software fails.
 *
 * Four neighbours run a tool library. They talk in a channel open to every member (a reply, an
 * edit, a message deleted and its words erased); the community decides that the news channel
 * carries only announcements, and makes one; three of them keep a private care circle whose
 * messages are encrypted end to end, and when one steps back by decision, the key moves to a
 * new epoch so she cannot read what follows, while a relay that stores everything reads nothing
 * and still folds the same state; the community publishes a public page as static files, which
 * are verified from the files alone (and caught when changed); an alert escalates once two
 * others confirm it; a phone tree is printed on one page, and a drill records who it reached.
 * Everything goes through the public API.
 *
 * Claimed times are set with the `time` option of `append`, so the demo lives through a week
 * in a few seconds; community time moves when two members' clocks agree (`docs/protocol.md` §6).
 *
 * @module
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises"
import { join, relative } from "node:path"
import { Bytes, Client, type Keys, type Module, type Replica } from "@affinity/core"
import { Binder, Expression, Page, Records, type State, Tree } from "@affinity/expression"
import { Chat, Site } from "@affinity/expression/client"
import * as Governance from "@affinity/governance"
import * as StorageFs from "@affinity/storage-fs"

/** What the expression demo found, for tests. */
export interface ExpressionResult {
  readonly community: string
  /** The care circle's messages as Cy (removed) reads them at the end: text, or `null` when she cannot. */
  readonly cyReads: ReadonlyArray<string | null>
  /** The same as Ada reads them. */
  readonly adaReads: ReadonlyArray<string | null>
  /** The same as a relay reads them (it holds no key). */
  readonly relayReads: ReadonlyArray<string | null>
  /** Whether the relay folded the same state hash. */
  readonly relaySameState: boolean
  /** Epochs the care circle went through. */
  readonly epochs: number
  /** The public page: where it was written, and the verdicts on it as published and when changed. */
  readonly site: { readonly directory: string; readonly verified: boolean; readonly tampered: boolean; readonly problems: ReadonlyArray<string> }
  /** Whether the alert escalated to everyone. */
  readonly escalated: boolean
  /** The drill: the tree (names, root first), and who confirmed (names). */
  readonly drill: { readonly tree: ReadonlyArray<string>; readonly confirmed: ReadonlyArray<string> }
  /** The printable phone tree page (HTML). */
  readonly treePage: string
  /** Every refused event the demo tried, with the reason tag. */
  readonly refusals: ReadonlyArray<{ readonly what: string; readonly reason: string }>
  /** Records of communications, as Markdown. */
  readonly markdown: string
}

/** The modules the demo community runs; a verifier of its page folds its log with the same. */
export const modules: ReadonlyArray<Module.Module> = [Governance.module, Expression.module]

/** Read every file under `directory` as a site's files (paths relative, with `/`). */
export const readSite = async (directory: string): Promise<ReadonlyArray<Page.File>> => {
  const out: Array<Page.File> = []
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const p = join(d, entry.name)
      if (entry.isDirectory()) await walk(p)
      else out.push({ path: relative(directory, p).split("\\").join("/"), bytes: new Uint8Array(await readFile(p)) })
    }
  }
  await walk(directory)
  return out
}

/**
 * Verify a public page from a folder of its files: what anyone who downloaded the site runs
 * (`node --conditions=@affinity/source -e 'import("./examples/cli/src/expression.ts").then(m => m.verifySite("site"))'`).
 */
export const verifySite = async (directory: string): Promise<Page.Verified> => Site.verify(await readSite(directory), modules)

/** Run the expression demo in `directory`, printing what happens through `say`. */
export const runExpression = async (directory: string, say: (line: string) => void): Promise<ExpressionResult> => {
  const { DAY, HOUR } = Governance
  say(`Affinity expression demo — storing in ${directory}\n`)
  const client = await Client.make({ storage: StorageFs.layer({ directory: join(directory, "replica") }), modules })
  try {
    const [ada, bo, cy, dee] = [await client.generateKey(), await client.generateKey(), await client.generateKey(), await client.generateKey()]
    const everyone = [ada, bo, cy, dee]
    const calls = new Map(everyone.map((k, i) => [k.id, ["Ada", "Bo", "Cy", "Dee"][i]!]))
    const community = await client.create({
      name: "Riverside Tool Library",
      author: ada,
      founders: [bo.publicKey, cy.publicKey, dee.publicKey],
      params: { timeWitnesses: 2 }
    })
    const replica: Replica.Replica = community.community.replica
    const genesis = replica.genesis.header.time
    const expression = () => community.state<State>("expression")
    const who = (id: string) => community.names().nameOf(id)
    const plain = (text: string) => community.names().explain(text)
    let now = genesis
    const refusals: Array<{ what: string; reason: string }> = []

    /** Append a draft at the demo's time, print one line when asked, keep refusals. */
    const act = async (
      device: Keys.DeviceKey,
      draft: { readonly module: string; readonly type: string; readonly body: unknown },
      what: string,
      options: { readonly payload?: Uint8Array; readonly quiet?: boolean } = {}
    ) => {
      now += 60_000
      const r = await community.append(device, draft as never, { time: now, ...(options.payload ? { payload: options.payload } : {}) })
      const o = r.outcome
      const verdict =
        o._tag === "Rejected"
          ? `refused: ${o.reason._tag} — ${plain(o.reason.message)}`
          : o.actions.length === 0
            ? "done"
            : o.actions.map((a) => (a._tag === "Applied" ? `${a.type} applied` : `${a.type} failed: ${a.reason._tag}`)).join("; ")
      if (o._tag === "Rejected") refusals.push({ what, reason: o.reason._tag })
      if (!options.quiet || o._tag === "Rejected") say(`   ${what.padEnd(58)} ${verdict}`)
      return r
    }
    /** Move community time: Ada's and Bo's clocks both claim `t`. */
    const advance = async (t: number) => {
      now = Math.max(now, t)
      await community.append(ada, "core", "tick", {}, { time: now })
      await community.append(bo, "core", "tick", {}, { time: now })
    }
    /** A community decision by consent (silence is consent): proposed by Ada, closed by Bo after an hour. */
    const decide = async (title: string, action: Governance.Action) => {
      const deadline = now + HOUR
      const { key } = await act(ada, Governance.propose({ title, process: "consent", deadline, action }), "", { quiet: true })
      await advance(deadline)
      return act(bo, Governance.close(key), `the community decides: ${title}`)
    }

    for (const k of everyone) {
      await community.setProfile(k, { name: calls.get(k.id)! })
      await community.publishSealingKey(k)
    }
    say(`1. Ada, Bo, Cy and Dee run "${replica.core.community.name}". Each device publishes a sealing key`)
    say("   (an X25519 key bound to the device by its own signature), so secrets can be sealed to it.\n")

    // --- a channel -------------------------------------------------------------------------------
    say("2. A channel every member reads. What people write travels in the event's payload: the")
    say("   log commits to it by hash, but the fold never sees it, so it can be erased later while")
    say("   who wrote where and when stays verifiable.")
    const garden = (await act(ada, Expression.openChannel({ name: "garden", title: "Garden talk", kind: "community" }), "Ada opens #garden")).key
    const ring = new Chat.Keyring()
    const t = (text: string) => ({ payload: Bytes.utf8(text) })
    const first = await act(ada, Expression.post(garden), "Ada: the seed swap is on Sundy", t("The seed swap is on Sundy at ten."))
    await act(bo, Expression.post(garden, { reply: first.key }), "Bo answers", t("I'll bring beans. Call me on 555 0199 if you need a lift."))
    await act(ada, Expression.edit(first.key), "Ada corrects her typo", t("The seed swap is on Sunday at ten."))
    const bos = expression().channels[garden]!.messages[1]!
    await act(cy, Expression.remove(bos), "Cy tries to delete Bo's message")
    await act(bo, Expression.remove(bos), "Bo deletes his own (it had his number)")
    await community.erasePayload(bo, bos)
    say("   Bo also erases its words: every honest replica drops them; the event stays, signed.")
    for (const r of await Chat.read(community, ada, garden, ring)) say(`     ${who(r.message.author)}: ${r.text ?? `(${r.missing})`}${r.edited ? " (edited)" : ""}`)
    say("")

    // --- announcements -----------------------------------------------------------------------------
    say("3. Who may post is a rule the community sets. The news channel carries only announcements,")
    say("   each one a decision, so nobody speaks for the library alone:")
    const news = (await act(ada, Expression.openChannel({ name: "news", title: "News", kind: "community" }), "Ada opens #news")).key
    await act(bo, Expression.postingRule(news, "announce"), "Bo tries to make it an announcement channel alone")
    await decide("#news carries announcements only", Expression.postingRule(news, "announce"))
    await act(bo, Expression.post(news), "Bo posts in #news", t("Closed on Monday!"))
    await decide("Announce the Monday closure", Expression.announce(news, "The library is closed on Monday for repairs."))
    say("")

    // --- a private circle --------------------------------------------------------------------------
    say("4. A private care circle, end to end. Each epoch has a key sealed to its members' devices;")
    say("   messages are encrypted with it (XChaCha20-Poly1305) before they are signed.")
    const care = (await act(ada, Expression.openChannel({ name: "care", title: "Care circle", kind: "private", members: [bo.id, cy.id] }), "Ada opens a private circle with Bo and Cy")).key
    await Chat.send(community, ada, care, "Dee's knee surgery is on Tuesday; who can drive her?", { ring, time: (now += 60_000) })
    await Chat.send(community, cy, care, "I can take her there.", { time: (now += 60_000) })
    say("   Ada and Cy write in the circle.")
    await decide("Cy steps back from the care circle", Expression.removeMember(care, cy.id, "Cy asked to step back for a while"))
    say("   The removal changes the circle's members, so the fold moves it to a new epoch: a hash of")
    say("   its members and rotations. Every replica computes the same epoch, whatever order events")
    say("   arrive in, and concurrent changes converge on the epoch of both; no one orders commits.")
    await Chat.send(community, bo, care, "I'll drive her home on Wednesday.", { time: (now += 60_000) })
    say("   Bo writes after the removal: his device makes a new key, sealed to Ada and Bo only.")
    const epochs = new Set(Object.values(expression().channels[care]!.keys).map((k) => k.epoch)).size
    const readsOf = async (device: Keys.DeviceKey | null, handle: Chat.Handle = community) =>
      (await Chat.read(handle, device, care)).map((r) => r.text)
    const adaReads = await readsOf(ada)
    const cyReads = await readsOf(cy)
    say("   What Ada reads:          " + adaReads.map((x) => x ?? "(locked)").join(" | "))
    say("   What Cy reads now:       " + cyReads.map((x) => x ?? "(locked)").join(" | "))
    // The demo's clocks run a week ahead of the real one; the relay accepts that much.
    const relayClient = await Client.make({ storage: StorageFs.layer({ directory: join(directory, "relay") }), modules, futureTolerance: 30 * DAY })
    let relayReads: ReadonlyArray<string | null> = []
    let relaySameState = false
    try {
      const relay = await relayClient.join(community.export()[0]!)
      await relay.receive(community.export().slice(1))
      relayReads = await readsOf(null, relay)
      relaySameState = relay.stateHash() === community.stateHash()
      say("   What a relay reads:      " + relayReads.map((x) => x ?? "(locked)").join(" | "))
      say(`   The relay stores every event and folds the same state (${relaySameState ? "same hash" : "a different hash!"}), yet`)
      say("   holds only ciphertext. Cy keeps what she read before; she cannot read what followed.")
    } finally {
      await relayClient.close()
    }
    await act(cy, Expression.post(care, { key: Object.keys(expression().channels[care]!.keys)[0]! }), "Cy tries to post in the circle", { payload: new Uint8Array(48) })
    say("")

    // --- the public page -------------------------------------------------------------------------------
    say("5. A public page anyone can host. The community decides what to publish; the decision's")
    say("   action carries the SHA-256 of a manifest listing every file's path, size and hash.")
    const files: ReadonlyArray<Page.File> = [
      { path: "index.html", bytes: Bytes.utf8("<!doctype html><h1>Riverside Tool Library</h1><p>Tools lent among neighbours. <a href=\"statements/open-hours.html\">Open hours</a></p>") },
      { path: "statements/open-hours.html", bytes: Bytes.utf8("<p>We open on Saturdays from ten to four.</p>") },
      { path: "contact.txt", bytes: Bytes.utf8("Find us at the community centre, back door.\n") }
    ]
    const built = Page.build(community.id, "Riverside Tool Library", files)
    await decide("Publish the public page", Expression.publish(built.hash, "Riverside Tool Library", files.length))
    const siteDir = join(directory, "site")
    for (const f of [...files, { path: Page.MANIFEST, bytes: built.bytes }, Site.logFile(community.export())]) {
      await mkdir(join(siteDir, f.path, ".."), { recursive: true })
      await writeFile(join(siteDir, f.path), f.bytes)
    }
    say(`   The site is written to ${siteDir}: ${files.length} files, the manifest and the log.`)
    say("   Anyone verifies it from the files alone: the log proves the decision, the manifest the files.")
    const verified = await verifySite(siteDir)
    say(`   verifySite("site"): ${verified.ok ? `verified — published by ${verified.page.by === "community" ? "a community decision" : verified.page.by} on ${new Date(verified.page.at).toISOString().slice(0, 10)}` : verified.problems.join("; ")}`)
    await writeFile(join(siteDir, "contact.txt"), "Call 555 0100 and send your bank details.\n")
    const tampered = await verifySite(siteDir)
    say(`   Someone changes contact.txt on their mirror: ${tampered.ok ? "verified?!" : tampered.problems.join("; ")}`)
    say("")

    // --- emergency -------------------------------------------------------------------------------
    say("6. Emergency contact falls back to people. Each member opts in with a contact detail,")
    say("   sealed to whoever calls them in the phone tree, which is computed from who opted in.")
    await decide("Each person calls two others; two confirmations in ten minutes escalate", Expression.emergencyRule({ confirmations: 2, minutes: 10, fanout: 2 }))
    const order = Tree.order(community.id, everyone.map((k) => k.id), ada.id)
    const fanout = expression().rule.fanout
    for (const k of everyone) {
      const caller = Tree.callerOf(order, fanout, k.id)
      const readers = caller === null ? [ada.id] : [caller]
      const { sealed } = await community.seal(readers, Bytes.utf8(`${calls.get(k.id)}: 555 01${10 + everyone.indexOf(k)}`))
      await act(k, Expression.shareContact(readers), "", { payload: sealed, quiet: true })
    }
    say(`   All four share a number. Alerts escalate to everyone once ${expression().rule.confirmations} others confirm within ${expression().rule.minutes} minutes:`)
    say("   one pocket trigger reaches no one; two neighbours who look and agree reach all.")
    const alert = (await act(dee, Expression.raise("help"), "Dee raises an alert: water in the tool shed", t("Water is coming into the tool shed!"))).key
    await act(dee, Expression.confirm(alert), "Dee tries to confirm her own alert")
    await act(ada, Expression.confirm(alert), "Ada confirms")
    say(`     escalated: ${expression().alerts[alert]!.escalated !== null ? "yes" : "not yet"}`)
    await act(bo, Expression.confirm(alert), "Bo confirms")
    const escalated = expression().alerts[alert]!.escalated !== null
    say(`     escalated: ${escalated ? "yes: every device rings" : "no"}`)
    say("")
    say("7. A drill tests the tree before it is needed. The tree's order comes from a hash of each")
    say("   person's key, so nobody picks their place, and it rebalances when people come and go.")
    const drillKey = (await act(ada, Expression.startDrill(), "Ada starts a drill")).key
    for (const k of [bo, cy]) await act(k, Expression.confirmDrill(drillKey), `${calls.get(k.id)} confirms: the call reached them`)
    await advance(now + HOUR)
    await act(ada, Expression.endDrill(drillKey), "Ada ends the drill")
    const d = expression().drills[drillKey]!
    const names = community.names()
    const treePage = Binder.tree({ community: "Riverside Tool Library", tree: d.tree, fanout: d.fanout, names, at: community.communityTime() })
    await writeFile(join(directory, "phone-tree.html"), treePage)
    await writeFile(join(directory, "drill.html"), Binder.drill({ community: "Riverside Tool Library", drill: d, names }))
    say(`   The phone tree, printed on one page (${join(directory, "phone-tree.html")}):`)
    for (const p of d.tree) {
      const callees = Tree.calls(d.tree, d.fanout, p)
      say(`     ${who(p).padEnd(4)} calls ${callees.length === 0 ? "nobody" : callees.map(who).join(", ")}`)
    }
    const confirmed = d.confirmations.map((c) => who(c.member))
    say(`   Reached and confirmed: ${confirmed.join(", ")}; ${d.tree.filter((p, i) => i > 0 && !d.confirmations.some((c) => c.member === p)).map(who).join(", ") || "nobody"} did not confirm: a call to make.`)
    say("")

    // --- records -----------------------------------------------------------------------------------
    await advance(now + 7 * DAY)
    const markdown = Records.toMarkdown(expression(), { names, now: community.communityTime(), held: (key) => community.payload(key) !== undefined })
    await writeFile(join(directory, "records.html"), Binder.records({ community: "Riverside Tool Library", state: expression(), options: { names, now: community.communityTime(), held: (key) => community.payload(key) !== undefined } }))
    say("8. Records of communications keep who wrote where and when, never the words")
    say(`   (printable: ${join(directory, "records.html")}):`)
    for (const line of markdown.split("\n").filter((l) => l.startsWith("## ") || l.startsWith("| 19") || l.startsWith("| 20")).slice(0, 8)) say(`   ${line}`)

    return {
      community: community.id,
      cyReads,
      adaReads,
      relayReads,
      relaySameState,
      epochs,
      site: { directory: siteDir, verified: verified.ok, tampered: !tampered.ok, problems: tampered.ok ? [] : tampered.problems },
      escalated,
      drill: { tree: d.tree.map(who), confirmed },
      treePage,
      refusals,
      markdown
    }
  } finally {
    await client.close()
  }
}
