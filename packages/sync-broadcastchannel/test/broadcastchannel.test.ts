import { afterEach, describe, expect, it } from "vitest"
import { runSyncTransportContract } from "@affinity/core/testing"
import { join, type Connection, type Member } from "../src/index.ts"

const members: Array<Member> = []
let channels = 0

/** Two tabs on a fresh channel, and the connection each got to the other. */
const pair = async () => {
  const name = `affinity-test-${process.pid}-${channels++}`
  let resolveA: (c: Connection) => void = () => {}
  let resolveB: (c: Connection) => void = () => {}
  const a = new Promise<Connection>((r) => (resolveA = r))
  const b = new Promise<Connection>((r) => (resolveB = r))
  members.push(join({ name, id: "tab-a", onConnection: resolveA }))
  members.push(join({ name, id: "tab-b", onConnection: resolveB }))
  return { a: await a, b: await b }
}

const cleanup = () => {
  for (const m of members.splice(0)) m.close()
}

describe("BroadcastChannel transport", () => {
  runSyncTransportContract("broadcastchannel", pair, { cleanup })

  afterEach(cleanup)

  it("connects every tab to every other tab, once", async () => {
    const name = `affinity-mesh-${process.pid}`
    const seen = new Map<string, Array<string>>()
    let resolveAll: () => void = () => {}
    const all = new Promise<void>((r) => (resolveAll = r))
    let count = 0
    for (const id of ["t1", "t2", "t3", "t4"]) {
      seen.set(id, [])
      members.push(
        join({
          name,
          id,
          onConnection: (_c, info) => {
            seen.get(id)!.push(info.peer)
            if (++count === 12) resolveAll()
          }
        })
      )
    }
    await all
    for (const [id, peers] of seen) expect(peers.sort()).toEqual(["t1", "t2", "t3", "t4"].filter((x) => x !== id))
  })

  it("ignores foreign and malformed messages on the channel", async () => {
    const { a, b } = await pair()
    const noise = new BroadcastChannel(`affinity-test-${process.pid}-${channels - 1}`)
    for (const junk of [null, 1, "x", { t: "frame" }, { t: "frame", from: "tab-a", to: "tab-b", conn: "nope", data: new Uint8Array(1) }, { t: "open", from: 5 }])
      noise.postMessage(junk)
    const got = new Promise<Uint8Array>((resolve) => b.receive(resolve))
    a.send(Uint8Array.of(42))
    expect(await got).toEqual(Uint8Array.of(42))
    noise.close()
  })

  it("closes a tab's connections when it leaves", async () => {
    const { a, b } = await pair()
    members[0]!.close()
    expect((await a.closed).by).toBe("local")
    expect((await b.closed).reason).toBe("Shutdown")
  })
})
