import { describe, expect, it } from "vitest"
import { Community } from "@affinity/core"
import * as Bytes from "../src/Bytes.ts"
import * as Sync from "../src/sync/index.ts"
import { key, memoryLayer, run } from "./support/world.ts"

/** A relay-like hub that learns what peers open, and a member whose hub opens one community with it. */
const setup = async (learn: NonNullable<Sync.HubOptions["learn"]>) => {
  const layer = memoryLayer()
  const alice = await run(Community.create({ name: "Learned", author: key(1), params: {} }), layer)
  const relay = Sync.makeHub({ announce: false, learn })
  const member = Sync.makeHub()
  member.add(alice)
  const [l, r] = Sync.Memory.pair()
  const peer = relay.connect(l)
  member.connect(r)
  return { alice, relay, member, peer, layer }
}

describe("Sync hub's learn hook", () => {
  it("is told which peer brought the genesis", async () => {
    const seen: Array<Sync.Peer> = []
    const { alice, relay, member, peer } = await setup(async (genesis, from) => {
      seen.push(from)
      return run(Community.join(genesis), memoryLayer())
    })
    for (let i = 0; i < 500 && relay.community(alice.id) === undefined; i++) await new Promise((r) => setTimeout(r, 2))
    expect(relay.communities()).toEqual([alice.id])
    expect(seen).toEqual([peer])
    await member.close()
    await relay.close()
  })

  it("declines with a message the peer receives in its unknown", async () => {
    const { alice, relay, member } = await setup(async () => ({ _tag: "Declined", message: "introduce it first" }))
    const [l, r] = Sync.Memory.pair()
    relay.connect(l)
    // A bare client on the second pair: hello, open, then the genesis when asked.
    const received: Array<Sync.Message.Message> = []
    r.receive((frame) => {
      const d = Sync.Message.decode(frame)
      if (!d.ok) return
      received.push(d.message)
      if (d.message._tag === "Want")
        r.send(Sync.Message.encode({ _tag: "Events", community: Bytes.fromHex(alice.id)!, seq: 1, events: [alice.export()[0]!] }))
    })
    r.send(Sync.Message.encode({ _tag: "Hello", versions: [1], nonce: new Uint8Array(16).fill(9), maxFrame: 1 << 20, window: 1 << 20 }))
    r.send(Sync.Message.encode({ _tag: "Open", community: Bytes.fromHex(alice.id)!, heads: [Bytes.fromHex(alice.id)!], count: 1, reply: false }))
    for (let i = 0; i < 500 && !received.some((m) => m._tag === "Unknown"); i++) await new Promise((res) => setTimeout(res, 2))
    expect(received.find((m) => m._tag === "Unknown")).toMatchObject({ message: "introduce it first" })
    expect(relay.communities()).toEqual([])
    await member.close()
    await relay.close()
  })
})
