import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { Bytes, Event, type Module, Replica, Seal } from "@affinity/core"
import { testKey } from "@affinity/core/testing"
import { Epoch, Expression, Page, type State, Tree } from "@affinity/expression"
import { Private } from "@affinity/expression/client"
import { council } from "./support/council.ts"

/** `conformance/vectors/expression.json`, written by `conformance/expression/generate.ts`. */
interface Vectors {
  readonly scenarios: ReadonlyArray<{
    readonly name: string
    readonly genesis: string
    readonly events: ReadonlyArray<{ readonly label: string; readonly id: string; readonly wire: string }>
    readonly expected: {
      readonly outcomes: ReadonlyArray<{ readonly label: string; readonly outcome: string }>
      readonly stateHash: string
      readonly epoch?: string
      readonly stale?: boolean
      readonly escalated?: boolean
      readonly tree?: ReadonlyArray<string>
      readonly fanout?: number
    }
  }>
  readonly epochs: ReadonlyArray<{ readonly channel: string; readonly members: ReadonlyArray<string>; readonly rotations: ReadonlyArray<string>; readonly epoch: string }>
  readonly keys: ReadonlyArray<{ readonly context: string; readonly key: string; readonly recipients: ReadonlyArray<{ readonly seed: string; readonly opens: boolean }>; readonly sealed: string; readonly channel: string; readonly epoch: string; readonly community: string }>
  readonly messages: ReadonlyArray<{ readonly key: string; readonly community: string; readonly channel: string; readonly lock: string; readonly aad: string; readonly nonce: string; readonly text: string; readonly payload: string }>
  readonly trees: ReadonlyArray<{ readonly community: string; readonly people: ReadonlyArray<string>; readonly root: string; readonly fanout: number; readonly order: ReadonlyArray<string>; readonly calls: ReadonlyArray<{ readonly caller: string; readonly calls: ReadonlyArray<string> }> }>
  readonly manifests: ReadonlyArray<{ readonly files: ReadonlyArray<{ readonly path: string; readonly text: string }>; readonly manifest: string; readonly hash: string }>
}

const file = join(import.meta.dirname, "..", "..", "..", "conformance", "vectors", "expression.json")
const vectors = JSON.parse(readFileSync(file, "utf8")) as Vectors
const unhex = (h: string) => Bytes.fromHex(h)!
const modules: ReadonlyArray<Module.Module> = [Expression.module, council]

const decode = (wire: string): Event.Event => {
  const d = Event.decode(unhex(wire))
  if (!d.ok) throw new Error(d.error.message)
  return d.event
}

const fold = (genesis: string, events: ReadonlyArray<Event.Event>): Replica.Replica => {
  const opened = Replica.Replica.open(decode(genesis), { modules })
  if (!opened.ok) throw new Error(opened.error.message)
  opened.replica.ingest(events)
  return opened.replica
}

const outcomeText = (o: Replica.Outcome | undefined): string =>
  o === undefined ? "missing" : o._tag === "Rejected" ? o.reason._tag : ["Applied", ...o.actions.map((a) => `${a.type} ${a._tag === "Applied" ? "Applied" : a.reason._tag}`)].join("; ")

describe("expression conformance vectors", () => {
  for (const s of vectors.scenarios)
    it(`history: ${s.name}`, () => {
      const events = s.events.map((e) => decode(e.wire))
      for (const order of [events, [...events].reverse()]) {
        const r = fold(s.genesis, order)
        const byLabel = new Map(s.events.map((e) => [e.label, e.id]))
        for (const o of s.expected.outcomes) expect(`${o.label}: ${outcomeText(r.outcome(byLabel.get(o.label)!))}`).toBe(`${o.label}: ${o.outcome}`)
        expect(Bytes.toHex(r.stateHash())).toBe(s.expected.stateHash)
        const state = r.state<State>(Expression.module)
        const channels = Object.values(state.channels).filter((c) => c.private)
        if (s.expected.epoch !== undefined) expect(channels.map((c) => c.epoch)).toContain(s.expected.epoch)
        if (s.expected.stale !== undefined) expect(Expression.allMessages(state).some((m) => m.stale)).toBe(s.expected.stale)
        if (s.expected.escalated !== undefined) expect(Object.values(state.alerts).every((a) => (a.escalated !== null) === s.expected.escalated)).toBe(true)
        if (s.expected.tree !== undefined) {
          const drill = Object.values(state.drills)[0]!
          expect(drill.tree).toEqual(s.expected.tree)
          expect(drill.fanout).toBe(s.expected.fanout)
        }
      }
    })

  it("epochs", () => {
    for (const e of vectors.epochs) expect(Epoch.of(e.channel, e.members, e.rotations)).toBe(e.epoch)
  })

  it("sealed epoch keys open for the devices sealed to and no other", () => {
    for (const k of vectors.keys) {
      expect(Bytes.toHex(Bytes.concat(unhex(k.community), Private.keyContext(k.channel, k.epoch)))).toBe(k.context)
      for (const r of k.recipients) {
        const opened = Seal.unseal(unhex(k.sealed), testKey(unhex(r.seed)), { context: unhex(k.context) })
        expect(opened.ok).toBe(r.opens)
        if (opened.ok) expect(Bytes.toHex(opened.value)).toBe(k.key)
      }
    }
  })

  it("messages encrypt and decrypt as written", () => {
    for (const m of vectors.messages) {
      const aad = Private.messageAad(m.community, m.channel, m.lock)
      expect(Bytes.toHex(aad)).toBe(m.aad)
      expect(Bytes.toHex(Private.encrypt(unhex(m.key), m.text, aad, unhex(m.nonce)))).toBe(m.payload)
      expect(Private.decrypt(unhex(m.key), unhex(m.payload), aad)).toBe(m.text)
      expect(Private.decrypt(unhex(m.key), unhex(m.payload), Private.messageAad(m.community, m.channel, "00".repeat(32)))).toBeNull()
    }
  })

  it("phone trees", () => {
    for (const t of vectors.trees) {
      const order = Tree.order(t.community, t.people, t.root)
      expect(order).toEqual(t.order)
      for (const c of t.calls) expect(Tree.calls(order, t.fanout, c.caller)).toEqual(c.calls)
    }
  })

  it("page manifests", () => {
    for (const m of vectors.manifests) {
      const built = Page.build(JSON.parse(m.manifest).community, JSON.parse(m.manifest).title, m.files.map((f) => ({ path: f.path, bytes: Bytes.utf8(f.text) })))
      expect(new TextDecoder().decode(built.bytes)).toBe(m.manifest)
      expect(built.hash).toBe(m.hash)
    }
  })
})
