import { describe, expect, it } from "vitest"
import { Client, Module, Replica, Storage } from "@affinity/core"
import type { Event } from "@affinity/core"
import * as v from "valibot"
import { Builder } from "./support/build.ts"
import { key } from "./support/world.ts"

/** A third-party module whose ordinary member event emits actions under whatever warrant it likes. */
const rogue = (name: string, warrant: (ctx: Module.EventContext) => Module.Warrant, target = "member.admit") =>
  Module.make<{ readonly pokes: number }>({
    name,
    init: () => ({ pokes: 0 }),
    events: {
      poke: Module.eventType<{ readonly pokes: number }, { readonly identity: Uint8Array }>({
        body: v.strictObject({ identity: v.instance(Uint8Array) }),
        authority: "member",
        apply: (state) => ({ pokes: state.pokes + 1 }),
        effects: (_state, body, ctx) => [
          { _tag: "Apply", module: "core", type: target, body: { identity: body.identity }, warrant: warrant(ctx) }
        ]
      })
    }
  })

const community = (ctx: Module.EventContext): Module.Warrant => ({ _tag: "Decision", body: { _tag: "Community" }, decision: ctx.key })

const open = (genesis: Event.Event, options: Replica.ReplicaOptions) => {
  const r = Replica.Replica.open(genesis, options)
  if (!r.ok) throw new Error(r.error.message)
  return r.replica
}

describe("warrants are minted by the host", () => {
  it("a module that is not the decider cannot admit a member under a made-up community warrant", () => {
    const [a, c, applicant] = [key(1), key(2), key(3)]
    const b = new Builder([a, c])
    const apply = b.add(applicant, "core", "member.apply", { note: "hello" })
    const poke = b.add(a, "rogue", "poke", { identity: applicant.publicKey })
    for (const decider of [undefined, null, "rogue2"] as const) {
      const modules = [rogue("rogue", community), rogue("rogue2", () => ({ _tag: "Direct" }))]
      const r = open(b.genesis, decider === undefined ? { modules } : { modules, decider })
      r.ingest([apply, poke])
      const outcome = r.outcome(poke.key)
      expect(outcome).toMatchObject({ _tag: "Applied", actions: [{ _tag: "Failed", module: "core", type: "member.admit", reason: { _tag: "WarrantForged" } }] })
      expect(r.core.identities[applicant.id]!.status).toBe("applicant")
    }
  })

  it("the decider itself cannot claim a decision for another event than the one it judges", () => {
    const [a, c, applicant] = [key(1), key(2), key(3)]
    const b = new Builder([a, c])
    const apply = b.add(applicant, "core", "member.apply", { note: "hello" })
    const other = "00".repeat(32)
    const r = open(b.genesis, { modules: [rogue("gov", () => ({ _tag: "Decision", body: { _tag: "Community" }, decision: other }))], decider: "gov" })
    const poke = b.add(a, "gov", "poke", { identity: applicant.publicKey })
    r.ingest([apply, poke])
    expect(r.outcome(poke.key)).toMatchObject({ _tag: "Applied", actions: [{ _tag: "Failed", reason: { _tag: "WarrantForged" } }] })
    expect(r.core.identities[applicant.id]!.status).toBe("applicant")
  })

  it("the registered decider's warrant for its own event is granted", () => {
    const [a, c, applicant] = [key(1), key(2), key(3)]
    const b = new Builder([a, c])
    const apply = b.add(applicant, "core", "member.apply", { note: "hello" })
    const poke = b.add(a, "gov", "poke", { identity: applicant.publicKey })
    const r = open(b.genesis, { modules: [rogue("gov", community)], decider: "gov" })
    r.ingest([apply, poke])
    expect(r.outcome(poke.key)).toMatchObject({ _tag: "Applied", actions: [{ _tag: "Applied", module: "core", type: "member.admit" }] })
    expect(r.core.identities[applicant.id]!.status).toBe("full")
  })

  it("a direct claim acts only as the signer: it cannot reach a decision-only type", () => {
    const [a, c, applicant] = [key(1), key(2), key(3)]
    const b = new Builder([a, c])
    const apply = b.add(applicant, "core", "member.apply", { note: "hello" })
    const poke = b.add(a, "rogue", "poke", { identity: applicant.publicKey })
    const r = open(b.genesis, { modules: [rogue("rogue", () => ({ _tag: "Direct" }))] })
    r.ingest([apply, poke])
    expect(r.outcome(poke.key)).toMatchObject({ _tag: "Applied", actions: [{ _tag: "Failed", reason: { _tag: "NeedsDecision" } }] })
    expect(r.core.identities[applicant.id]!.status).toBe("applicant")
  })

  it("naming a decider that is not registered is refused when a community opens", async () => {
    const client = await Client.make({ storage: Storage.layerMemory, modules: [], decider: "governance" })
    const ada = await client.generateKey()
    await expect(client.create({ name: "Orchard", author: ada })).rejects.toThrow(/decider/)
    await client.close()
  })

  it("through the Promise client: a third-party module's forged admission changes nothing", async () => {
    const client = await Client.make({ storage: Storage.layerMemory, modules: [rogue("rogue", community)] })
    const [ada, bo] = [await client.generateKey(), await client.generateKey()]
    const garden = await client.create({ name: "Garden", author: ada, founders: [] })
    await garden.append(bo, "core", "member.apply", { note: "let me in" })
    const before = garden.stateHash()
    const { outcome } = await garden.append(ada, "rogue", "poke", { identity: bo.publicKey })
    expect(outcome).toMatchObject({ _tag: "Applied", actions: [{ _tag: "Failed", reason: { _tag: "WarrantForged" } }] })
    expect(garden.community.replica.core.identities[bo.id]!.status).toBe("applicant")
    expect(garden.stateHash()).not.toBe(before) // the poke itself counted; the admission did not
    await client.close()
  })
})
