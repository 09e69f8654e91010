/**
 * A community decision's quorum leaves out the members a module counts as inactive (§12 G4,
 * "Inactive members"), unless they took a counted stance.
 */
import { describe, expect, it } from "vitest"
import { Body, Module, Query } from "@affinity/core/module"
import * as Governance from "@affinity/governance"
import { gov, HOUR, key, T0, World } from "./support/world.ts"

type Idle = { readonly idle: ReadonlyArray<string> }

/** A module that calls the members it lists inactive. */
const idle = Module.make<Idle>({
  name: "idle",
  init: () => ({ idle: [] }),
  events: {
    mark: Module.eventType<Idle, { readonly identity: string }>({
      body: Body.strict({ identity: Body.text(64, 64) }),
      authority: "member",
      apply: (state, body) => ({ idle: [...state.idle, body.identity].sort() })
    })
  },
  queries: {
    [Governance.Outcome.INACTIVE_QUERY]: Query.make<Idle, { readonly identity: string }, boolean>({
      args: Body.strict({ identity: Body.text(64, 64) }),
      answer: (state, args) => state.idle.includes(args.identity)
    })
  }
})

const people = ["alice", "bob", "carol", "dave", "erin"].map((name, i) => key(i + 1, name))
const [alice, bob, carol, dave, erin] = people as [typeof people[0], typeof people[0], typeof people[0], typeof people[0], typeof people[0]]

/** Five founders, quorum 60 %: a consensus with two agreeing and three silent falls short unless some silent ones are inactive. */
const vote = (inactive: ReadonlyArray<string>, stancesBy = [alice, bob]) => {
  const w = new World(people, { timeWitnesses: 1, quorumPercent: 60 })
  w.modules = [idle]
  for (const id of inactive) w.send(alice, { module: "idle", type: "mark", body: { identity: id } })
  const p = w.send(alice, Governance.propose({ title: "Paint the shed", deadline: T0 + 2 * HOUR }))
  for (const k of stancesBy) w.send(k, Governance.stance(p.key, "agree"))
  w.witness(T0 + 2 * HOUR)
  w.send(bob, Governance.close(p.key))
  return gov(w.replica()).proposals[p.key]!.decision!
}

describe("inactive members and the quorum", () => {
  it("without inactive members, two of five is short of a 60 % quorum", () => {
    expect(vote([])).toMatchObject({ outcome: "failed", rule: "NoQuorum", deciders: 5 })
  })

  it("members a module calls inactive are left out: two of three reach it", () => {
    expect(vote([dave.id, erin.id])).toMatchObject({ outcome: "passed", deciders: 3 })
  })

  it("a member called inactive who took a counted stance still counts", () => {
    const d = vote([bob.id, dave.id, erin.id])
    expect(d).toMatchObject({ outcome: "passed", deciders: 3 })
    expect(d.stances.map((s) => s.member).sort()).toEqual([alice.id, bob.id].sort())
  })

  it("without a module answering the query, nobody is left out", () => {
    const w = new World(people, { timeWitnesses: 1, quorumPercent: 60 })
    const p = w.send(alice, Governance.propose({ title: "Paint the shed", deadline: T0 + 2 * HOUR }))
    for (const k of [alice, bob]) w.send(k, Governance.stance(p.key, "agree"))
    w.witness(T0 + 2 * HOUR)
    w.send(carol, Governance.close(p.key))
    expect(gov(w.replica()).proposals[p.key]!.decision).toMatchObject({ rule: "NoQuorum", deciders: 5 })
  })
})
