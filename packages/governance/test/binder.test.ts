/**
 * The binder (`Governance.Binder.html`): every section present, names and dates for people
 * and ids only in the appendix, every string people wrote escaped, stances heard late
 * shown, draws explained, and modules' sections through the extension point.
 */
import { describe, expect, it } from "vitest"
import { Bytes, type Membership, type Replica } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { DAY, gov, HOUR, key, type Key, T0, World } from "./support/world.ts"

const people = ["alice", "bob", "carol", "dave", "erin"].map((name, i) => key(i + 1, name))
const [alice, bob, carol, dave, erin] = people as [Key, Key, Key, Key, Key]
const frank = key(6, "frank")
const mallory = key(7, "mallory")

const HOSTILE_NAME = `<script>alert("carol")</script>`
const HOSTILE_TITLE = `Paint the shed <img src=x onerror=alert(1)>`
const HOSTILE_REASON = `</td></tr></table><script>steal()</script>`

const names: Readonly<Record<string, string>> = {
  [alice.id]: "Alice",
  [bob.id]: "Bob",
  [carol.id]: HOSTILE_NAME,
  [dave.id]: "Dave & Sons",
  [erin.id]: "Erin",
  [frank.id]: "Frank",
  [mallory.id]: "Mallory"
}

const LAYERS = 10
const secretOf = (k: Key) => Bytes.concat(new Uint8Array(31).fill(0x5a), Uint8Array.of(k.secret[0]!))

/**
 * Five founders, two seats per prime group, one-day terms. Frank asks to join and is admitted
 * by a decision carol objects to and dave blocks too late; a working group is created and
 * dave joins it; one proposal is withdrawn, one blocked, one left open; everyone reveals and
 * term 1 is drawn. Mallory asks to join and waits.
 */
const history = () => {
  const w = new World(people, { timeWitnesses: 1, primeSize: 2, primeTerm: DAY })
  for (const k of people) w.send(k, Governance.commit(Governance.Lot.anchor(secretOf(k), LAYERS)))
  w.send(alice, Governance.draw(0))
  w.apply(frank)
  w.apply(mallory)

  const deadline = T0 + 2 * HOUR
  const admit = w.send(
    alice,
    Governance.propose({ title: HOSTILE_TITLE, text: "Frank paints.\n<b>Bring brushes</b>", deadline, action: Governance.admit(frank.id) })
  )
  w.send(alice, Governance.stance(admit.key, "agree"))
  w.send(carol, Governance.stance(admit.key, "object", HOSTILE_REASON))
  w.send(bob, Governance.stance(admit.key, "agree", "He fixed my bike"))
  const group = w.send(
    bob,
    Governance.propose({
      title: "A shed crew",
      process: "consent",
      deadline,
      action: Governance.createGroup({ name: "Shed <crew>", purpose: "Keep the shed & its tools", mandate: ["garden/plant"], members: [bob.id, carol.id] })
    })
  )
  const withdrawn = w.send(erin, Governance.propose({ title: "Buy a goat", deadline }))
  w.send(erin, Governance.withdraw(withdrawn.key, "Goats eat <everything>"))
  const blocked = w.send(alice, Governance.propose({ title: "Pave the lawn", deadline }))
  for (const k of [alice, bob, carol]) w.send(k, Governance.stance(blocked.key, "agree"))
  w.send(erin, Governance.stance(blocked.key, "block", "The lawn is where we meet"))
  const before = w.heads()
  w.witness(deadline, [alice, bob])
  w.send(alice, Governance.close(admit.key))
  const created = w.send(alice, Governance.close(group.key))
  w.send(alice, Governance.close(blocked.key))
  // dave was offline: his block, made before the deadline on his own clock, has more
  // ancestors than the close, so it is folded after it: heard late.
  let last = before
  for (let k = 1; k <= 8; k++) last = [w.tick(dave, T0 + k * 10 * 60 * 1000, { parents: last })]
  w.send(dave, Governance.stance(admit.key, "block", "Nobody asked me"), { parents: last })

  w.send(dave, Governance.joinGroup(created.key))
  const again = w.send(alice, Governance.propose({ title: "Admit Frank again", process: "consent", deadline: T0 + 4 * HOUR, action: Governance.admit(frank.id) }))
  w.witness(T0 + 4 * HOUR, [alice, bob])
  w.send(alice, Governance.close(again.key))
  w.send(bob, Governance.propose({ title: "Plant beans", deadline: T0 + 3 * DAY }))
  for (const k of people) w.send(k, Governance.reveal(1, Governance.Lot.layer(secretOf(k), LAYERS, 1)))
  w.witness(T0 + DAY, [alice, bob])
  w.send(bob, Governance.draw(1))
  const replica = w.replica()
  return { w, replica, state: gov(replica), core: replica.state<Membership.State>("core"), admit, group }
}

const timeOf = (replica: Replica.Replica) => (k: string) => {
  const i = replica.log.index.get(k)
  return i === undefined ? undefined : replica.communityTimeAt(i)
}

const render = (h: ReturnType<typeof history>, options: Governance.Binder.Options = {}) =>
  Governance.Binder.html(h.state, h.core, {
    nameOf: (id) => names[id],
    timeOf: timeOf(h.replica),
    outcomeOf: (k) => h.replica.outcome(k),
    printed: T0 + DAY + HOUR,
    timeZone: "UTC",
    ...options
  })

/** The document split at the appendix: what people read, and the ids for verification. */
const parts = (page: string) => {
  const at = page.indexOf(`<section class="chapter appendix" id="verification">`)
  expect(at).toBeGreaterThan(0)
  return { body: page.slice(0, at), appendix: page.slice(at) }
}

const HEX = /[0-9a-f]{12,}/

describe("the binder", () => {
  const h = history()

  it("the history it prints is the one described", () => {
    const p = h.state.proposals[h.admit.key]!
    expect(p.decision).toMatchObject({ outcome: "passed" })
    expect(p.late.map((s) => [s.member, s.stance])).toEqual([[dave.id, "block"]])
    expect(h.state.terms["1"]?.reveals).toHaveLength(5)
    expect(h.core.identities[frank.id]?.status).toBe("full")
    expect(h.core.identities[mallory.id]?.status).toBe("applicant")
  })

  it("has a cover, contents and every section, numbered, with the appendix last", () => {
    const page = render(h)
    expect(page.startsWith("<!doctype html>\n<html lang=\"en\">")).toBe(true)
    expect(page).toContain("<h1>Test</h1>")
    expect(page).toContain("Founded on 14 November 2023, 22:13 UTC by &lt;script&gt;alert(&quot;carol&quot;)&lt;/script&gt;, Alice, Bob, Dave &amp; Sons and Erin.")
    expect(page).toContain("Printed on 15 November 2023, 23:13 UTC.")
    const sections = ["members", "decisions", "groups", "prime", "verification"]
    const titles = ["1. Members", "2. Decisions", "3. Working groups", "4. Prime groups and the lot", "Appendix: For verification"]
    sections.forEach((id, i) => {
      expect(page).toContain(`<a href="#${id}">${titles[i]}</a>`)
      expect(page).toContain(`id="${id}">\n<h2>${titles[i]}</h2>`)
    })
    const order = sections.map((id) => page.indexOf(`id="${id}">`))
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    for (const tag of ["section", "table", "article", "tbody", "thead"])
      expect(page.split(`<${tag}`).length).toBe(page.split(`</${tag}>`).length)
  })

  it("escapes every string people wrote: names, titles, texts, reasons, group names", () => {
    const page = render(h)
    expect(page).not.toMatch(/<script|<img|<b>|<crew>|<everything>/i)
    expect(page).toContain("&lt;script&gt;alert(&quot;carol&quot;)&lt;/script&gt;")
    expect(page).toContain("Paint the shed &lt;img src=x onerror=alert(1)&gt;")
    expect(page).toContain("&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;script&gt;steal()&lt;/script&gt;")
    expect(page).toContain("Frank paints.\n&lt;b&gt;Bring brushes&lt;/b&gt;")
    expect(page).toContain("<h3>Shed &lt;crew&gt;</h3>")
    expect(page).toContain("Keep the shed &amp; its tools")
    expect(page).toContain("Dave &amp; Sons")
    expect(page).toContain("Goats eat &lt;everything&gt;")
    const core = { ...h.core, community: { ...h.core.community, name: `</title><script>x()</script>` } }
    const hostile = Governance.Binder.html(h.state, core)
    expect(hostile).not.toContain("<script")
    expect(hostile).toContain("<title>&lt;/title&gt;&lt;script&gt;x()&lt;/script&gt; — binder</title>")
  })

  it("shows no id outside the appendix, and the ids in it", () => {
    const { body, appendix } = parts(render(h))
    expect(body).not.toMatch(HEX)
    // Without names from an address book, people appear by their labels, never by hex.
    const unnamed = parts(Governance.Binder.html(h.state, h.core))
    expect(unnamed.body).not.toMatch(HEX)
    expect(unnamed.body).toMatch(/<td>[bdfghjklmnprstvz][aiou][bdfghjklmnprstvz][aiou][bdfghjklmnprstvz]-[a-z]{5}<\/td>/)
    for (const hex of [h.core.community.id, alice.id, frank.id, h.admit.key, h.state.terms["1"]!.seed, h.state.terms["1"]!.key])
      expect(appendix).toContain(hex)
    expect(appendix).toContain("Revealed by Dave &amp; Sons")
  })

  it("lists members by name with their standing and since when", () => {
    const page = render(h)
    expect(page).toContain("<td>Alice</td><td>full member, a founder</td><td>14 November 2023</td>")
    expect(page).toContain("<td>Frank</td><td>full member</td><td>15 November 2023</td>")
    expect(page).toContain("<td>Mallory</td><td>asking to join</td><td>14 November 2023</td>")
    expect(page).toContain("6 full members, who decide together; 1 person asking to join")
    // Without the times of core events, a date the governance state does not hold is said to be unknown.
    const bare = Governance.Binder.html(h.state, h.core, { nameOf: (id) => names[id], timeZone: "UTC" })
    expect(bare).toContain("<td>Frank</td><td>full member</td><td>15 November 2023</td>")
    expect(bare).toContain("<td>Mallory</td><td>asking to join</td><td>not known on this copy</td>")
  })

  it("prints each decision with its outcome, action, stances and reasons, and the stances heard late", () => {
    const page = render(h)
    expect(page).toContain(`<h3>1. Paint the shed &lt;img src=x onerror=alert(1)&gt;</h3>`)
    expect(page).toMatch(/<strong>Passed<\/strong> on 15 November 2023, 00:1\d UTC: consensus reached: 3 of 5 members took part; 2 agreed, 1 objected, 2 said nothing\./)
    expect(page).toContain("Admit Frank as a full member: carried out.")
    expect(page).toContain("<td>Bob</td><td>agreed</td><td><span class=\"said\">He fixed my bike</span></td>")
    expect(page).toContain("<caption>Heard late:")
    expect(page).toContain("<td>Dave &amp; Sons</td><td>blocked</td><td><span class=\"said\">Nobody asked me</span></td>")
    expect(page).toContain("<strong>Withdrawn</strong>")
    expect(page).toContain("withdrawn by Erin: “Goats eat &lt;everything&gt;”")
    expect(page).toContain("<strong>Did not pass</strong>")
    expect(page).toContain("blocked by Erin (“The lawn is where we meet”)")
    // An action that failed: the decision stands; the fold's reason names people, not ids.
    expect(page).toContain("Admit Frank as a full member: the decision stands, but its action could not be carried out: identity Frank has not applied (or is already a member).")
    expect(page).toContain("<h3>Open when printed</h3>")
    expect(page).toContain("<td>Plant beans</td><td>Bob</td>")
  })

  it("prints working groups with their mandate and members", () => {
    const page = render(h)
    expect(page).toContain("<code>garden/plant</code>")
    expect(page).toContain("<th scope=\"row\">Members</th><td>&lt;script&gt;alert(&quot;carol&quot;)&lt;/script&gt;, Bob and Dave &amp; Sons</td>")
    expect(page).toMatch(/by decision 2 \(“A shed crew”\)/)
    expect(page).toContain("<td>Dave &amp; Sons</td><td>joined</td>")
  })

  it("prints each term's seats, with the draw explained and checked", () => {
    const page = render(h)
    expect(page).toContain("<h3>Term 0: 14 November 2023 to 15 November 2023</h3>")
    expect(page).toContain("<h3>Term 1: 15 November 2023 to 16 November 2023</h3>")
    expect(page).toContain("The seed mixes the secret numbers revealed by")
    expect(page).toContain("the seed follows from the revealed numbers — yes; each group&#39;s order follows from the seed — yes.")
    const drawn = h.state.terms["1"]!
    const seated = drawn.groups["economy"]!.ranked.slice(0, 2).map((id) => names[id]!)
    expect(page).toContain(`<td>economy</td><td>${Governance.Binder.escape(`${seated[0]} and ${seated[1]}`)}</td>`)
  })

  it("takes a section from each module that offers one, between the prime groups and the appendix", () => {
    type Notes = { readonly notes: ReadonlyArray<{ readonly by: string; readonly text: string }> }
    const binderSection: Governance.Binder.SectionOf<Notes> = (state, { name, escape }) => ({
      title: "Notes <from the shed>",
      html: `<ul>${state.notes.map((n) => `<li>${escape(name(n.by))}: ${escape(n.text)}</li>`).join("")}</ul>`,
      verification: `<p>${state.notes.map((n) => `<code>${escape(n.by)}</code>`).join(" ")}</p>`
    })
    const page = render(h, { sections: [Governance.Binder.section(binderSection, { notes: [{ by: bob.id, text: "<oil> the hinges" }] })] })
    expect(page).toContain(`<a href="#module-1">5. Notes &lt;from the shed&gt;</a>`)
    expect(page).toContain("<li>Bob: &lt;oil&gt; the hinges</li>")
    const { body, appendix } = parts(page)
    expect(body.indexOf(`id="module-1"`)).toBeGreaterThan(body.indexOf(`id="prime"`))
    expect(body).not.toMatch(HEX)
    expect(appendix).toContain(`<h3>Notes &lt;from the shed&gt;</h3>\n<p><code>${bob.id}</code></p>`)
  })

  it("tells apart two people given one name, and is the same every time", () => {
    const page = render(h, { nameOf: (id) => (id === erin.id ? "Alice" : names[id]) })
    expect(page).toMatch(/<td>Alice \([a-z]{5}-[a-z]{5}\)<\/td>/)
    expect(render(h)).toBe(render(h))
  })

  it("says when a draw had no reveal and who withheld theirs, and counts rather than names a long line", () => {
    const nine = Array.from({ length: 9 }, (_, i) => key(i + 1))
    const w = new World(nine, { timeWitnesses: 1, primeSize: 1, primeTerm: DAY })
    for (const k of nine.slice(0, 2)) w.send(k, Governance.commit(Governance.Lot.anchor(secretOf(k), LAYERS)))
    w.send(nine[0]!, Governance.draw(0))
    w.witness(T0 + DAY, nine.slice(0, 2))
    w.send(nine[0]!, Governance.draw(1))
    const r = w.replica()
    const page = Governance.Binder.html(gov(r), r.state<Membership.State>("core"), { nameOf: (id) => `P${nine.findIndex((k) => k.id === id) + 1}`, timeZone: "UTC" })
    expect(page).toContain("No number was revealed for this term, so its seed follows from the community and the term alone, and could be known in advance.")
    expect(page).toContain("P1 and P2 had committed but did not reveal in time: their numbers are not in it.")
    expect(page).toMatch(/<td>economy<\/td><td>P\d<\/td><td>P\d, P\d, P\d, P\d, P\d, then 3 more<\/td>/)
  })

  it("prints a community with no decision, group or draw", () => {
    const w = new World([alice])
    const r = w.replica()
    const page = Governance.Binder.html(gov(r), r.state<Membership.State>("core"), { timeZone: "UTC" })
    expect(page).toContain("<p>No decision yet.</p>")
    expect(page).toContain("<p>No working group yet.</p>")
    expect(page).toContain("No term has been drawn yet")
    expect(parts(page).body).not.toMatch(HEX)
  })
})
