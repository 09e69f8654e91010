import { describe, expect, it } from "vitest"
import { Client, Module, Query, Replica, Storage } from "@affinity/core"
import type { Cbor, Event } from "@affinity/core"
import * as v from "valibot"
import { Builder } from "./support/build.ts"
import { key } from "./support/world.ts"

/** A badge: who holds it, the event that gave it and the event that took it back (query-able state, §8). */
type Badge = { readonly member: string; readonly key: string; readonly ended: string | null }
type Badges = { readonly badges: ReadonlyArray<Badge> }

/** Answers `holds`: whether `member` holds a badge in the asking event's causal past. */
const badges = Module.make<Badges>({
  name: "badges",
  init: () => ({ badges: [] }),
  events: {
    give: Module.eventType<Badges, { readonly member: string }>({
      body: v.strictObject({ member: v.string() }),
      authority: "member",
      apply: (state, body, ctx) => ({ badges: [...state.badges, { member: body.member, key: ctx.key, ended: null }] })
    }),
    take: Module.eventType<Badges, { readonly badge: string }>({
      body: v.strictObject({ badge: v.string() }),
      authority: "member",
      validate: (state, body, ctx) =>
        state.badges.some((b) => b.key === body.badge && b.ended === null && ctx.happenedBefore(b.key))
          ? undefined
          : Module.reject("UnknownBadge", "no badge given by that event in this event's past"),
      apply: (state, body, ctx) => ({ badges: state.badges.map((b) => (b.key === body.badge ? { ...b, ended: ctx.key } : b)) })
    })
  },
  queries: {
    holds: Query.make<Badges, { readonly member: string }, boolean>({
      args: v.strictObject({ member: v.string() }),
      answer: (state, args, ctx) =>
        state.badges.some((b) => b.member === args.member && ctx.happenedBefore(b.key) && (b.ended === null || !ctx.happenedBefore(b.ended)))
    }),
    nested: Query.make<Badges, Record<string, never>, string>({
      args: v.strictObject({}),
      answer: (_state, _args, ctx) => {
        const r = ctx.ask("badges", "holds", { member: "x" })
        return r.ok ? "answered" : r.refusal._tag
      }
    }),
    boom: Query.make<Badges, Record<string, never>, string>({
      args: v.strictObject({}),
      answer: () => {
        throw new Error("out of order")
      }
    })
  }
})

type Doors = { readonly opened: ReadonlyArray<string>; readonly probes: ReadonlyArray<Cbor.Value> }

const holds = Query.ref<{ readonly member: string }, boolean>("badges", "holds", (value) =>
  typeof value === "boolean" ? { ok: true, value } : { ok: false, message: "expected a boolean" }
)

/** Asks `badges` before letting a member open the door; `probe` records whatever a query answers. */
const doors = Module.make<Doors>({
  name: "doors",
  requires: ["badges"],
  init: () => ({ opened: [], probes: [] }),
  events: {
    open: Module.eventType<Doors, Record<string, never>>({
      body: v.strictObject({}),
      authority: "member",
      validate: (_state, _body, ctx) => {
        const r = Query.ask(ctx, holds, { member: ctx.identity! })
        if (!r.ok) return Module.reject("NoAnswer", r.refusal.message)
        return r.value ? undefined : Module.reject("NoBadge", "you hold no badge in this event's past; ask a member to give you one")
      },
      apply: (state, _body, ctx) => ({ ...state, opened: [...state.opened, ctx.identity!] })
    }),
    probe: Module.eventType<Doors, { readonly module: string; readonly query: string; readonly args: Cbor.Value; readonly typed: boolean }>({
      body: v.strictObject({ module: v.string(), query: v.string(), args: v.any() as v.GenericSchema<Cbor.Value>, typed: v.boolean() }),
      authority: "member",
      apply: (state, body, ctx) => {
        const r = body.typed
          ? Query.ask(ctx, Query.ref<Cbor.Value, string>(body.module, body.query, (x) => (typeof x === "string" ? { ok: true, value: x } : { ok: false, message: "expected text" })), body.args)
          : ctx.ask(body.module, body.query, body.args)
        return { ...state, probes: [...state.probes, r.ok ? { answer: r.value } : { refused: r.refusal._tag }] }
      }
    })
  }
})

const open = (genesis: Event.Event, options: Replica.ReplicaOptions = { modules: [badges, doors] }) => {
  const r = Replica.Replica.open(genesis, options)
  if (!r.ok) throw new Error(r.error.message)
  return r.replica
}

const orders = <A>(xs: ReadonlyArray<A>): ReadonlyArray<ReadonlyArray<A>> => [
  xs,
  [...xs].reverse(),
  [...xs.filter((_, i) => i % 2 === 1), ...xs.filter((_, i) => i % 2 === 0)]
]

describe("queries between modules", () => {
  it("answer from the asked module's state on the asking event's causal past, the same in every delivery order", () => {
    const [ada, bo] = [key(1), key(2)]
    const b = new Builder([ada, bo])
    const early = b.add(bo, "doors", "open", {}, { parents: [b.genesis] })
    const give = b.add(ada, "badges", "give", { member: bo.id }, { parents: [b.genesis] })
    const concurrent = b.add(bo, "doors", "open", {}, { parents: [early] })
    const after = b.add(bo, "doors", "open", {}, { parents: [give] })
    const take = b.add(ada, "badges", "take", { badge: give.key }, { parents: [after] })
    const notSeen = b.add(bo, "doors", "open", {}, { parents: [after] })
    const taken = b.add(bo, "doors", "open", {}, { parents: [take] })
    const events = b.events.slice(1)
    const expected = [
      [early, "NoBadge"],
      [give, "Applied"],
      [concurrent, "NoBadge"],
      [after, "Applied"],
      [take, "Applied"],
      [notSeen, "Applied"],
      [taken, "NoBadge"]
    ] as const
    const hashes = new Set<string>()
    for (const order of orders(events)) {
      const r = open(b.genesis)
      r.ingest(order)
      for (const [e, tag] of expected) {
        const o = r.outcome(e.key)!
        expect(o._tag === "Applied" ? "Applied" : o.reason._tag).toBe(tag)
      }
      expect(r.state<Doors>("doors").opened).toEqual([bo.id, bo.id])
      hashes.add(r.stateHashHex())
    }
    expect(hashes.size).toBe(1)
    const r = open(b.genesis)
    r.ingest(events)
    const refused = r.outcome(taken.key)
    expect(refused).toMatchObject({ _tag: "Rejected", reason: { _tag: "NoBadge", message: expect.stringMatching(/no badge/) } })
  })

  it("give typed refusals, never exceptions: unknown module or query, bad arguments, a query that throws, a nested ask, a bad answer", () => {
    const [ada, bo] = [key(1), key(2)]
    const b = new Builder([ada, bo])
    const probes: ReadonlyArray<readonly [Cbor.Value, Cbor.Value]> = [
      [{ module: "ledger", query: "balance", args: {}, typed: false }, { refused: "UnknownModule" }],
      [{ module: "badges", query: "weight", args: {}, typed: false }, { refused: "UnknownQuery" }],
      [{ module: "badges", query: "holds", args: { member: 7 }, typed: false }, { refused: "InvalidArgs" }],
      [{ module: "badges", query: "holds", args: { member: bo.id, extra: 1 }, typed: false }, { refused: "InvalidArgs" }],
      [{ module: "badges", query: "boom", args: {}, typed: false }, { refused: "QueryFailed" }],
      [{ module: "badges", query: "nested", args: {}, typed: false }, { answer: "NestedQuery" }],
      [{ module: "badges", query: "holds", args: { member: bo.id }, typed: false }, { answer: false }],
      [{ module: "badges", query: "holds", args: { member: bo.id }, typed: true }, { refused: "InvalidAnswer" }],
      [{ module: "badges", query: "nested", args: {}, typed: true }, { answer: "NestedQuery" }],
      [{ module: "core", query: "status", args: {}, typed: false }, { refused: "UnknownQuery" }]
    ]
    for (const [body] of probes) b.add(ada, "doors", "probe", body)
    const r = open(b.genesis)
    r.ingest(b.events.slice(1))
    for (const e of b.events.slice(1)) expect(r.outcome(e.key)?._tag).toBe("Applied")
    expect(r.state<Doors>("doors").probes).toEqual(probes.map(([, want]) => want))
  })

  it("a refused query in validate rejects the event with the refusal's message and changes nothing", () => {
    const [ada, bo] = [key(1), key(2)]
    const lonely = Module.make<Doors>({ ...doors, name: "lonely", requires: [] })
    const b = new Builder([ada, bo])
    const e = b.add(bo, "lonely", "open", {})
    const r = open(b.genesis, { modules: [lonely] })
    const before = r.stateHashHex()
    r.ingest([e])
    expect(r.outcome(e.key)).toMatchObject({ _tag: "Rejected", reason: { _tag: "NoAnswer", message: expect.stringMatching(/no module named badges/) } })
    expect(r.stateHashHex()).toBe(before)
  })

  it("a community whose modules lack a required module is refused when it opens", async () => {
    const b = new Builder([key(1)])
    expect(() => Replica.Replica.open(b.genesis, { modules: [doors] })).toThrow(/doors requires module badges/)
    expect(() => open(b.genesis, { modules: [doors, badges] })).not.toThrow()
    const client = await Client.make({ storage: Storage.layerMemory, modules: [doors] })
    const ada = await client.generateKey()
    await expect(client.create({ name: "Orchard", author: ada })).rejects.toThrow(/requires module badges/)
    await client.close()
  })
})
