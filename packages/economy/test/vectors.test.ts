import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { Bytes, Event, type Module, Replica } from "@affinity/core"
import * as Economy from "@affinity/economy"
import * as Governance from "@affinity/governance"
import { bans } from "./support/bans.ts"

/** `conformance/vectors/economy.json`, written by `conformance/economy/generate.ts`. */
interface Vectors {
  readonly scenarios: ReadonlyArray<{
    readonly name: string
    readonly modules?: ReadonlyArray<string>
    readonly keys: Readonly<Record<string, string>>
    readonly genesis: string
    readonly events: ReadonlyArray<{ readonly id: string; readonly wire: string }>
    readonly expected: {
      readonly outcomes: ReadonlyArray<{ readonly label: string; readonly id: string; readonly outcome: string }>
      readonly balances: Readonly<Record<string, number>>
      readonly commons: number
      readonly debts?: Readonly<Record<string, number>>
      readonly overshoots?: ReadonlyArray<{ readonly payer: string; readonly amount: number }>
      readonly budgets?: ReadonlyArray<{ readonly balance: number; readonly funded: number; readonly spent: number }>
      readonly resources?: ReadonlyArray<{ readonly name: string; readonly quantity: number; readonly rights: string; readonly custodian: string }>
      readonly stateHash: string
    }
  }>
  readonly testModules: { readonly [name: string]: string }
}

const file = join(import.meta.dirname, "..", "..", "..", "conformance", "vectors", "economy.json")
const text = readFileSync(file, "utf8")
const vectors = JSON.parse(text) as Vectors
const testModules: { readonly [name: string]: Module.Module } = { bans }

const decode = (wire: string): Event.Event => {
  const d = Event.decode(Bytes.fromHex(wire)!)
  if (!d.ok) throw new Error(d.error.message)
  return d.event
}

const outcomeText = (o: Replica.Outcome | undefined): string =>
  !o ? "missing" : o._tag === "Rejected" ? o.reason._tag : ["Applied", ...o.actions.map((a) => `${a.module}/${a.type} ${a._tag === "Applied" ? "Applied" : a.reason._tag}`)].join("; ")

/** A fixed shuffle: every third event first, then the rest reversed. */
const shuffled = <T>(xs: ReadonlyArray<T>): Array<T> => [...xs.filter((_, i) => i % 3 === 0), ...xs.filter((_, i) => i % 3 !== 0).reverse()]

describe("economy conformance vectors", () => {
  it("has its scenarios, and every test module they name is specified", () => {
    expect(vectors.scenarios.map((s) => s.name)).toEqual(["payments", "demurrage", "double spend", "limit race", "restricted", "working group", "resources", "issuance"])
    for (const s of vectors.scenarios) for (const m of s.modules ?? []) expect(vectors.testModules[m]).toBeDefined()
  })

  it("is what the generator writes (run it again after changing a rule)", async () => {
    const generator = new URL("../../../conformance/economy/generate.ts", import.meta.url).href
    const { generate } = (await import(/* @vite-ignore */ generator)) as { readonly generate: () => string }
    expect(generate()).toBe(text)
  })

  for (const s of vectors.scenarios)
    it(`${s.name}: outcomes, balances and the state hash, in two delivery orders`, () => {
      const events = s.events.map((e) => decode(e.wire))
      for (const order of [events, shuffled(events)]) {
        const opened = Replica.Replica.open(decode(s.genesis), { modules: [Governance.module, Economy.module, ...(s.modules ?? []).map((m) => testModules[m]!)] })
        if (!opened.ok) throw new Error(opened.error.message)
        const r = opened.replica
        r.ingest(order)
        for (const o of s.expected.outcomes) expect(`${o.label}: ${outcomeText(r.outcome(o.id))}`).toBe(`${o.label}: ${o.outcome}`)
        const state = r.state<Economy.State>(Economy.module)
        for (const [name, balance] of Object.entries(s.expected.balances)) expect(state.accounts[s.keys[name]!]?.balance ?? 0).toBe(balance)
        expect(state.commons).toBe(s.expected.commons)
        for (const [name, debt] of Object.entries(s.expected.debts ?? {})) expect(state.accounts[s.keys[name]!]?.debt ?? 0).toBe(debt)
        expect(state.overshoots.map((o) => ({ payer: Object.keys(s.keys).find((n) => s.keys[n] === o.payer), amount: o.amount }))).toEqual(s.expected.overshoots ?? [])
        expect(Economy.Records.budgets(state).map((b) => ({ balance: b.balance, funded: b.funded, spent: b.spent }))).toEqual(s.expected.budgets ?? [])
        expect(Economy.Records.inventory(state).map((x) => ({ name: x.name, quantity: x.quantity }))).toEqual((s.expected.resources ?? []).map((x) => ({ name: x.name, quantity: x.quantity })))
        expect(r.stateHashHex()).toBe(s.expected.stateHash)
      }
    })
})
