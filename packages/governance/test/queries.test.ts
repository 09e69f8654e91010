/**
 * What governance answers other modules (§12 G9a): the lot's latest seed, a member's roles and a
 * working group, each judged on the asking event's causal past.
 */
import { describe, expect, it } from "vitest"
import { Bytes, type Cbor } from "@affinity/core"
import { Body, Module } from "@affinity/core/module"
import * as Governance from "@affinity/governance"
import { DAY, HOUR, key, type Key, T0, tagOf, World } from "./support/world.ts"

type Asked = { readonly answers: ReadonlyArray<Cbor.Value> }

/** A module whose `ask` event records what governance answered to one query, or the refusal's tag. */
const probe = Module.make<Asked>({
  name: "probe",
  init: () => ({ answers: [] }),
  events: {
    ask: Module.eventType<Asked, { readonly query: string; readonly args: Cbor.Value }>({
      body: Body.strict({ query: Body.text(1, 32), args: Body.value }),
      authority: "member",
      apply: (state, body, ctx) => {
        const r = ctx.ask("governance", body.query, body.args)
        return { answers: [...state.answers, r.ok ? r.value : { refused: r.refusal._tag }] }
      }
    })
  }
})

const people = ["alice", "bob", "carol", "dave", "erin"].map((name, i) => key(i + 1, name))
const [alice, bob, carol] = people as [Key, Key, Key, Key, Key]
const LAYERS = 20
const secretOf = (k: Key) => Bytes.concat(new Uint8Array(31).fill(0xaa), Uint8Array.of(k.secret[0]!))
const ask = (query: string, args: Cbor.Value = {}) => ({ module: "probe", type: "ask", body: { query, args } })

const answers = (w: World) => w.replica().state<Asked>("probe").answers

describe("governance answers queries", () => {
  it("lot.seed: null before any draw, then the latest term drawn in the asking event's past", () => {
    const w = new World(people, { timeWitnesses: 1, primeSize: 2, primeTerm: DAY })
    w.modules = [probe]
    w.send(alice, ask(Governance.Queries.SEED))
    for (const k of people) w.send(k, Governance.commit(Governance.Lot.anchor(secretOf(k), LAYERS)))
    const before = w.events.at(-1)!
    const draw0 = w.send(alice, Governance.draw(0))
    // An event that has not seen the draw gets no seed, whatever the fold order.
    w.send(bob, ask(Governance.Queries.SEED), { parents: [before] })
    w.send(carol, ask(Governance.Queries.SEED))
    for (const k of people) w.send(k, Governance.reveal(1, Governance.Lot.layer(secretOf(k), LAYERS, 1)))
    w.witness(T0 + DAY)
    const draw1 = w.send(bob, Governance.draw(1))
    w.send(alice, ask(Governance.Queries.SEED))
    const r = w.replica()
    expect(tagOf(r, draw0)).toBe("Applied")
    expect(tagOf(r, draw1)).toBe("Applied")
    const terms = r.state<Governance.State>(Governance.module).terms
    const got = answers(w)
    expect(got).toEqual([
      null,
      null,
      { term: 0, seed: terms["0"]!.seed, key: draw0.key },
      { term: 1, seed: terms["1"]!.seed, key: draw1.key }
    ])
    expect(terms["1"]!.seed).toMatch(/^[0-9a-f]{64}$/)
  })

  it("roles: the prime seats of the current term and the working groups a member belongs to", () => {
    const w = new World(people, { timeWitnesses: 1, primeSize: 2, primeTerm: DAY })
    w.modules = [probe]
    for (const k of people) w.send(k, Governance.commit(Governance.Lot.anchor(secretOf(k), LAYERS)))
    w.send(alice, Governance.draw(0))
    for (const k of people) w.send(k, Governance.reveal(1, Governance.Lot.layer(secretOf(k), LAYERS, 1)))
    w.witness(T0 + DAY)
    const draw1 = w.send(bob, Governance.draw(1))
    expect(tagOf(w.replica(), draw1)).toBe("Applied")
    const create = w.send(
      alice,
      Governance.propose({
        title: "Form the gardeners",
        process: "consent",
        deadline: T0 + DAY + 2 * HOUR,
        action: Governance.createGroup({ name: "Gardeners", purpose: "Tend the beds", mandate: ["probe/ask"], members: [alice.id, bob.id] })
      })
    )
    w.witness(T0 + DAY + 2 * HOUR)
    const closed = w.send(carol, Governance.close(create.key))
    expect(tagOf(w.replica(), closed)).toBe("Applied")
    for (const k of people) w.send(k, ask(Governance.Queries.ROLES, { identity: k.id }))
    w.send(alice, ask(Governance.Queries.GROUP, { group: closed.key }))
    w.send(alice, ask(Governance.Queries.GROUP, { group: "00".repeat(32) }))
    w.send(alice, ask(Governance.Queries.ROLES, { identity: "not hex" }))
    const r = w.replica()
    const state = r.state<Governance.State>(Governance.module)
    const got = answers(w)
    const seats = (id: string) =>
      Governance.PRIME_GROUPS.filter((g) => state.terms["1"]!.groups[g]!.ranked.slice(0, 2).includes(id)).map((g) => ({ kind: "prime", group: g, term: 1 }))
    for (const [i, k] of people.entries()) {
      const groups = k === alice || k === bob ? [{ kind: "group", group: closed.key, name: "Gardeners" }] : []
      expect(got[i]).toEqual([...seats(k.id), ...groups])
    }
    // Every prime seat of term 1 shows up in somebody's roles.
    expect(people.flatMap((k) => seats(k.id)).length).toBe(Governance.PRIME_GROUPS.length * 2)
    expect(got[5]).toEqual({ id: closed.key, name: "Gardeners", mandate: ["probe/ask"], members: [alice.id, bob.id].sort(), active: true })
    expect(got[6]).toBeNull()
    expect(got[7]).toEqual({ refused: "InvalidArgs" })
  })
})
