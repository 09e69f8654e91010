import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Community } from "@affinity/core"
import * as Sync from "../src/sync/index.ts"
import { key, memoryLayer, run } from "./support/world.ts"

const founders = [key(1), key(2), key(3)]

/** A community created by founder 1 with all three founders, and `n` ticks by founder 1. */
const start = async (n: number) => {
  const layer = memoryLayer()
  const alice = await run(Community.create({ name: "Sync", author: founders[0]!, founders: founders.slice(1).map((f) => f.publicKey), params: {} }), layer)
  for (let i = 0; i < n; i++) await run(alice.append(founders[0]!, "core", "tick", {}), layer)
  return { alice, layer, genesis: alice.export()[0]! }
}

const joinCopy = async (genesis: Uint8Array) => {
  const layer = memoryLayer()
  return { community: await run(Community.join(genesis), layer), layer }
}

describe("Sync hub over an in-memory pair", () => {
  it("brings a new member up to date and keeps it there", async () => {
    const { alice, layer: la, genesis } = await start(20)
    const { community: bob, layer: lb } = await joinCopy(genesis)
    const a = Sync.makeHub()
    const b = Sync.makeHub()
    a.add(alice)
    b.add(bob)
    const [l, r] = Sync.Memory.pair()
    a.connect(l)
    b.connect(r)
    const settle = async () => {
      for (let i = 0; i < 200 && bob.replica.log.size !== alice.replica.log.size; i++) {
        await a.idle()
        await b.idle()
        await new Promise((res) => setTimeout(res, 2))
      }
    }
    await settle()
    expect(bob.replica.stateHashHex()).toBe(alice.replica.stateHashHex())
    await run(bob.append(founders[1]!, "core", "tick", {}), lb)
    await run(alice.append(founders[0]!, "core", "tick", {}), la)
    for (let i = 0; i < 200 && (bob.replica.log.size !== 23 || alice.replica.log.size !== 23); i++) {
      await a.idle()
      await b.idle()
      await new Promise((res) => setTimeout(res, 2))
    }
    expect(alice.replica.log.size).toBe(23)
    expect(bob.replica.stateHashHex()).toBe(alice.replica.stateHashHex())
    await a.close()
    await b.close()
  })
})
