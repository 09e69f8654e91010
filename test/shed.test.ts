/**
 * The tool shed of `docs/modules.md`: the page carries the module as `support/shed.ts` has
 * it; generated histories that use the query, the standing refusal (a strong fact), a decision
 * carrying two actions and an erasure give the same state and outcomes in every delivery
 * order, with or without payloads; and both modules keep the module laws.
 */
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { Bytes, Client, type Cbor, Event, Membership, Replica, Storage } from "@affinity/core"
import { type AddOptions, moduleLaws, signDraft, T0, TestCommunity, type TestKey, testKey } from "@affinity/core/testing"
import * as Governance from "@affinity/governance"
import fc from "fast-check"
import { type Shed, shed, type Skills, skills } from "./support/shed.ts"

const { HOUR, DAY } = Governance
const root = join(import.meta.dirname, "..")
const modules = [Governance.module, skills, shed]

/** `TestCommunity` whose events may carry a payload (placed as `add` places them, then signed with it). */
class Library extends TestCommunity<TestKey> {
  private payload: Uint8Array | undefined

  override signed(key: TestKey, module: string, type: string, body: Cbor.Value, options: AddOptions = {}): Event.Event {
    const placed = super.signed(key, module, type, body, options)
    if (this.payload === undefined) return placed
    const h = placed.header
    return signDraft(key.secret, { community: h.community, author: h.author, seq: h.seq, prev: h.prev, parents: h.parents, time: h.time, module, type, body, payload: this.payload })
  }

  /** Add an event that carries `payload`. */
  addWith(payload: Uint8Array, key: TestKey, module: string, type: string, body: Cbor.Value, options: AddOptions = {}): Event.Event {
    this.payload = payload
    try {
      return this.add(key, module, type, body, options)
    } finally {
      this.payload = undefined
    }
  }

  /** A consent decision carrying `actions`, proposed by `by` on `parents`, closed once Ada's and Cy's clocks pass its deadline. */
  decide(by: TestKey, actions: ReadonlyArray<Governance.Draft>, parents?: ReadonlyArray<Event.Event>): { readonly open: Event.Event; readonly close: Event.Event } {
    const deadline = this.time + 2 * HOUR
    const open = this.send(by, Governance.propose({ title: "Decide", process: "consent", deadline, actions }), parents === undefined ? {} : { parents })
    const [ada, , cy] = this.founders
    const witnessed = this.witness(deadline, [ada!, cy!], { parents: [open] })
    return { open, close: this.send(cy!, Governance.close(open.key), { parents: [witnessed] }) }
  }
}

const [ada, bo, cy] = [testKey(1, "Ada"), testKey(2, "Bo"), testKey(3, "Cy")]
const text = (words: string) => new TextEncoder().encode(words)
const tool = (name: string, skill: string | null): Governance.Draft => ({ module: "shed", type: "tool.add", body: { tool: name, skill } })
const grant = (member: TestKey): Governance.Draft => ({ module: "skills", type: "grant", body: { member: member.id, skill: "chainsaw" } })

/** One generated member act: who, what, on which tool, with or without words, on which earlier events. */
type Act = {
  readonly author: number
  readonly kind: "borrow" | "return" | "report"
  readonly tool: "chainsaw" | "ladder"
  readonly words: boolean
  readonly parents: ReadonlyArray<number>
}

const act: fc.Arbitrary<Act> = fc.record({
  author: fc.integer({ min: 0, max: 2 }),
  kind: fc.constantFrom("borrow", "return", "report"),
  tool: fc.constantFrom("chainsaw", "ladder"),
  words: fc.boolean(),
  parents: fc.array(fc.nat(), { minLength: 1, maxLength: 2 })
})

/** The events of a history, and the fixed ones whose outcomes the test knows. */
interface History {
  readonly genesis: Event.Event
  readonly events: ReadonlyArray<Event.Event>
  readonly both: Event.Event
  readonly noSkill: Event.Event
  readonly report: Event.Event
  readonly notYours: Event.Event
  readonly suspension: Event.Event
  readonly racing: Event.Event
  readonly erasure: Event.Event
  readonly afterwards: Event.Event
  /** Generated acts signed while the suspension was being decided, which it does not see. */
  readonly concurrent: ReadonlyArray<Event.Event>
  /** Generated acts after the suspension. */
  readonly later: ReadonlyArray<Event.Event>
}

/** The generated acts of a history: before the suspension, concurrent with it, after it. */
interface Generated {
  readonly first: ReadonlyArray<Act>
  readonly concurrent: ReadonlyArray<Act>
  readonly later: ReadonlyArray<Act>
}

const none: Generated = { first: [], concurrent: [], later: [] }

/**
 * A history: the chainsaw and Ada's skill in one decision, a ladder and a rake in another;
 * Bo's borrow of the chainsaw (no skill); Ada's report with words; the first generated acts;
 * Bo suspended from borrowing while, concurrently, he borrows the rake and the concurrent
 * generated acts are signed on earlier events (the decision sees none of them); Bo trying to
 * erase Ada's words and Ada erasing them; the later generated acts; then, once community time
 * passes the suspension's end, Bo borrowing the rake.
 */
const history = (acts: Generated): History => {
  const c = new Library([ada, bo, cy])
  const members = [ada, bo, cy]
  /** Sign generated acts, each on earlier events it picks among the first `among` (default: all). */
  const generated = (list: ReadonlyArray<Act>, among?: number): ReadonlyArray<Event.Event> =>
    list.map((a) => {
      const author = members[a.author]!
      const n = among ?? c.events.length
      const parents = [...new Set(a.parents.map((p) => c.events[p % n]!))]
      const body = { tool: a.tool }
      if (a.kind === "report" && a.words) return c.addWith(text(`${author.name}: the ${a.tool} is worn`), author, "shed", "report", body, { parents })
      return c.add(author, "shed", a.kind, body, { parents })
    })
  const both = c.decide(ada, [tool("chainsaw", "chainsaw"), grant(ada)]).close
  c.decide(bo, [tool("ladder", null), tool("rake", null)])
  const noSkill = c.add(bo, "shed", "borrow", { tool: "chainsaw" })
  const report = c.addWith(text("The chain came off; call me on 555 0199."), ada, "shed", "report", { tool: "chainsaw" })
  generated(acts.first)
  const before = c.heads()
  const made = c.events.length
  const racing = c.add(bo, "shed", "borrow", { tool: "rake" }, { parents: before })
  // Concurrent acts cite only events made before the decision, so it sees none of Bo's.
  const concurrent = generated(acts.concurrent, made)
  const until = c.time + 3 * HOUR
  const reason = "a pause while the chainsaw is repaired"
  const suspension = c.decide(cy, [{ module: "shed", type: "suspend", body: { member: bo.id, until, reason } }], before).close
  const notYours = c.add(bo, "core", "payload.erase", { header: report.headerBytes })
  const erasure = c.add(ada, "core", "payload.erase", { header: report.headerBytes })
  const later = generated(acts.later)
  c.witness(until + 1, [ada, cy])
  const afterwards = c.add(bo, "shed", "borrow", { tool: "rake" })
  return { genesis: c.genesis, events: c.events.slice(1), both, noSkill, report, notYours, suspension, racing, erasure, afterwards, concurrent, later }
}

const open = (genesis: Event.Event): Replica.Replica => {
  const r = Replica.Replica.open(genesis, { modules })
  if (!r.ok) throw new Error(r.error.message)
  return r.replica
}

const outcomeText = (r: Replica.Replica, e: Event.Event): string => {
  const o = r.outcome(e.key)
  if (o === undefined) return "missing"
  if (o._tag === "Rejected") return o.reason._tag
  return ["Applied", ...o.actions.map((a) => `${a.module}/${a.type} ${a._tag === "Applied" ? "Applied" : a.reason._tag}`)].join("; ")
}

/** The same event without its payload, as a replica that never received the payload holds it. */
const withoutPayload = (e: Event.Event): Event.Event => {
  if (e.payload === null) return e
  const d = Event.decode(e.stored)
  if (!d.ok) throw new Error(d.error.message)
  return d.event
}

describe("the tool shed of docs/modules.md", () => {
  it("the page carries the module exactly as test/support/shed.ts has it", async () => {
    const page = await readFile(join(root, "docs", "modules.md"), "utf8")
    const module = await readFile(join(root, "test", "support", "shed.ts"), "utf8")
    const blocks = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)
    expect(blocks.some((b) => b.includes(module))).toBe(true)
  })

  it("refuses, lends, suspends and erases as the page says, in a fixed history", () => {
    const h = history(none)
    const r = open(h.genesis)
    r.ingest(h.events)
    expect(outcomeText(r, h.both)).toBe("Applied; shed/tool.add Applied; skills/grant Applied")
    expect(r.outcome(h.noSkill.key)).toEqual({
      _tag: "Rejected",
      reason: { _tag: "NoSkill", message: "the chainsaw needs the chainsaw skill, which the community grants by decision" }
    })
    // The borrow racing the suspension sorts before it: only the strong fact refuses it.
    const order = r.orderedKeys()
    expect(order.indexOf(h.racing.key)).toBeLessThan(order.indexOf(h.suspension.key))
    expect(r.outcome(h.racing.key)).toEqual({
      _tag: "Rejected",
      reason: { _tag: "Restricted", message: expect.stringMatching(/^a community decision restricted this from shed\/borrow until 2023-11-1\d \d\d:\d\d UTC: a pause while the chainsaw is repaired$/) }
    })
    expect(outcomeText(r, h.suspension)).toBe("Applied; shed/suspend Applied")
    expect(outcomeText(r, h.notYours)).toBe("NotYourPayload")
    expect(outcomeText(r, h.erasure)).toBe("Applied")
    expect(Membership.erasedPayloads(r.core)).toEqual({ [h.report.key]: h.erasure.key })
    // Community time passed the end of the suspension: Bo borrows again.
    expect(outcomeText(r, h.afterwards)).toBe("Applied")
    const state = r.state<Shed>("shed")
    expect(state.tools.rake?.holder).toBe(bo.id)
    expect(state.reports).toEqual([{ tool: "chainsaw", by: ada.id, key: h.report.key }])
    expect(state.suspensions.map((s) => s.member)).toEqual([bo.id])
    expect(r.state<Skills>("skills").grants.map((g) => [g.member, g.skill, g.key])).toEqual([[ada.id, "chainsaw", h.both.key]])
  })

  it("answers holds on the borrow's causal past: a borrow that had not seen the grant is refused, though it sorts after it", () => {
    const c = new Library([ada, bo, cy])
    c.decide(ada, [tool("chainsaw", "chainsaw")])
    const base = c.heads()
    const granted = c.decide(ada, [grant(bo)], base).close
    // Bo, who has not seen the grant, writes a long chain of his own: his borrow sorts after it.
    let last = c.add(bo, "core", "tick", {}, { parents: base })
    for (let i = 0; i < 8; i++) last = c.add(bo, "core", "tick", {}, { parents: [last] })
    const unseen = c.add(bo, "shed", "borrow", { tool: "chainsaw" }, { parents: [last] })
    const seen = c.add(bo, "shed", "borrow", { tool: "chainsaw" })
    for (const order of [c.events.slice(1), [...c.events.slice(1)].reverse()]) {
      const r = open(c.genesis)
      for (const e of order) r.ingest([e])
      expect(r.orderedKeys().indexOf(unseen.key)).toBeGreaterThan(r.orderedKeys().indexOf(granted.key))
      expect(outcomeText(r, granted)).toBe("Applied; skills/grant Applied")
      expect(outcomeText(r, unseen)).toBe("NoSkill")
      expect(outcomeText(r, seen)).toBe("Applied")
    }
  })

  it("reaches the same state and outcomes in every delivery order, with or without payloads (fast-check)", () => {
    const acts = fc.array(act, { maxLength: 10 })
    // A delivery order: the events sorted by a generated key each (ties in the order made).
    const run = fc.tuple(fc.record({ first: acts, concurrent: acts, later: acts }), fc.array(fc.nat(), { minLength: 64, maxLength: 64 }), fc.boolean())
    const byBo = (e: Event.Event) => Bytes.equals(e.header.author, bo.publicKey)
    fc.assert(
      fc.property(run, ([generated, keys, strip]) => {
        const h = history(generated)
        const order = h.events.map((e, i) => [keys[i % keys.length]! * 1000 + i, e] as const).sort((x, y) => x[0] - y[0]).map(([, e]) => e)
        const reference = open(h.genesis)
        reference.ingest(h.events)
        const replica = open(h.genesis)
        for (const e of order) replica.ingest([strip ? withoutPayload(e) : e])
        expect(replica.stateHashHex()).toBe(reference.stateHashHex())
        expect(h.events.map((e) => outcomeText(replica, e))).toEqual(h.events.map((e) => outcomeText(reference, e)))
        // The parts every history has, whatever was generated around them.
        expect(outcomeText(replica, h.both)).toBe("Applied; shed/tool.add Applied; skills/grant Applied")
        expect(outcomeText(replica, h.noSkill)).toBe("NoSkill")
        expect(outcomeText(replica, h.racing)).toBe("Restricted")
        expect(outcomeText(replica, h.erasure)).toBe("Applied")
        expect(outcomeText(replica, h.afterwards)).toBe("Applied")
        expect(Object.keys(Membership.erasedPayloads(replica.core))).toEqual([h.report.key])
        // Every borrow by Bo while he is suspended is refused for standing, whether the decision
        // had seen it or not (a strong fact); no act of anyone else, or of another type, is.
        for (const e of [...h.concurrent, ...h.later]) {
          const stopped = byBo(e) && e.header.type === "borrow"
          expect(outcomeText(replica, e) === "Restricted").toBe(stopped)
        }
      }),
      { numRuns: 100, seed: 0x5eed }
    )
  })
})

describe("through the Promise API", () => {
  it("drops erased words on every replica and keeps the report", async () => {
    const client = await Client.make({ storage: Storage.layerMemory, modules })
    const [a, b, c] = [await client.generateKey(), await client.generateKey(), await client.generateKey()]
    const start = Date.now() - DAY
    const library = await client.create({ name: "Tool library", author: a, founders: [b.publicKey, c.publicKey], time: start })
    const words = text("The chain came off; call me on 555 0199.")
    const { key: proposal } = await library.append(a, Governance.propose({ title: "A rake", process: "consent", deadline: start + HOUR, action: tool("rake", null) }), { time: start })
    await library.append(b, "core", "tick", {})
    await library.append(c, "core", "tick", {})
    expect(await library.append(c, Governance.close(proposal))).toMatchObject({ outcome: { _tag: "Applied", actions: [{ _tag: "Applied", module: "shed", type: "tool.add" }] } })
    const report = await library.append(b, "shed", "report", { tool: "rake" }, { payload: words })
    expect(library.payload(report.key)).toEqual(words)
    const other = await Client.make({ storage: Storage.layerMemory, modules })
    const copy = await other.join(library.export()[0]!)
    await copy.receive(library.export().slice(1))
    expect(copy.payload(report.key)).toEqual(words)
    expect((await library.erasePayload(b, report.key)).outcome._tag).toBe("Applied")
    await copy.receive(library.export())
    for (const side of [library, copy]) {
      expect(side.payload(report.key)).toBeUndefined()
      expect(side.event(report.key)?.hasPayload).toBe(false)
      expect(side.state<Shed>("shed").reports).toEqual([{ tool: "rake", by: b.id, key: report.key }])
    }
    expect(copy.stateHash()).toBe(library.stateHash())
    await client.close()
    await other.close()
  })
})

/**
 * Type tests: each `@ts-expect-error` must be an error, or the type check (`tsc -b`) fails.
 * Never called.
 */
export const typeTests = async (): Promise<void> => {
  const client = await Client.make({ storage: Storage.layerMemory, modules })
  const me = await client.generateKey()
  const library = await client.create({ name: "Types", author: me })
  await library.append(me, "shed", "borrow", { tool: "chainsaw" })
  // @ts-expect-error: shed has no event type "borow"
  await library.append(me, "shed", "borow", { tool: "chainsaw" })
  // @ts-expect-error: a borrow's body names the tool as `tool`
  await library.append(me, "shed", "borrow", { tol: "chainsaw" })
  // @ts-expect-error: a grant names a member and a skill
  await library.append(me, "skills", "grant", { member: me.id })
  await client.close()
}

moduleLaws(shed, {
  modules: [skills, Governance.module],
  scenario: (c, founders) => {
    const [a, b, d] = [founders[0]!, founders[1]!, founders[2]!]
    const deadline = T0 + 2 * HOUR
    const buy = c.send(a, Governance.propose({ title: "A chainsaw for Ada", process: "consent", deadline, actions: [tool("chainsaw", "chainsaw"), grant(a)] }))
    const more = c.send(b, Governance.propose({ title: "A ladder and a rake", process: "consent", deadline, actions: [tool("ladder", null), tool("rake", null)] }))
    const again = c.send(d, Governance.propose({ title: "A chainsaw for Bo", process: "consent", deadline, actions: [grant(b), tool("chainsaw", "chainsaw")] }))
    c.witness(deadline)
    c.send(d, Governance.close(buy.key))
    c.send(d, Governance.close(more.key))
    c.send(a, Governance.close(again.key)) // passes; its actions fail as one: the chainsaw exists
    const base = c.heads()
    c.add(a, "shed", "borrow", { tool: "chainsaw" }, { parents: base })
    c.add(b, "shed", "borrow", { tool: "chainsaw" }, { parents: base }) // NoSkill
    c.add(b, "shed", "borrow", { tool: "ladder" }, { parents: base })
    c.add(d, "shed", "borrow", { tool: "ladder" }, { parents: base }) // concurrent: one of the two is OnLoan
    c.add(a, "shed", "return", { tool: "chainsaw" })
    c.add(a, "shed", "report", { tool: "chainsaw" })
    c.add(d, "shed", "return", { tool: "rake" }) // NotYours
    const before = c.heads()
    const later = deadline + 2 * HOUR
    const pause = c.send(b, Governance.propose({ title: "Pause Cy", process: "consent", deadline: later, action: { module: "shed", type: "suspend", body: { member: d.id, until: later + DAY, reason: "a week off" } } }))
    c.witness(later)
    c.send(a, Governance.close(pause.key))
    c.add(d, "shed", "borrow", { tool: "rake" }, { parents: before }) // racing the suspension: Restricted
    c.add(d, "shed", "borrow", { tool: "rake" }) // after it: Restricted
  }
})

moduleLaws(skills, {
  modules: [shed, Governance.module],
  scenario: (c, founders) => {
    const [a, b] = [founders[0]!, founders[1]!]
    const deadline = T0 + 2 * HOUR
    const give = c.send(a, Governance.propose({ title: "Skills", process: "consent", deadline, actions: [tool("chainsaw", "chainsaw"), grant(a), grant(b)] }))
    c.witness(deadline)
    c.send(b, Governance.close(give.key))
    const base = c.heads()
    c.add(b, "shed", "borrow", { tool: "chainsaw" }, { parents: base }) // asks skills/holds
    const later = deadline + 2 * HOUR
    const revoke = c.send(a, Governance.propose({ title: "No chainsaw for Bo", process: "consent", deadline: later, action: { module: "skills", type: "revoke", body: { member: b.id, skill: "chainsaw" } } }))
    c.witness(later)
    c.send(a, Governance.close(revoke.key))
    c.add(b, "skills", "grant", { member: b.id, skill: "ladder" }) // NeedsDecision
    return { queries: { holds: [{ member: a.id, skill: "chainsaw" }, { member: b.id, skill: "chainsaw" }, { member: "nobody", skill: "chainsaw" }] } }
  }
})
