import { afterAll, describe, expect, it } from "vitest"
import WebSocket from "ws"
import { Bytes, Community, Keys } from "@affinity/core"
import { connect } from "@affinity/sync-websocket"
import { Admission, startRelay, Sync } from "../src/index.ts"
import {
  bareClient,
  founding,
  introducing,
  junkGenesis,
  keyOf,
  memory,
  removeTemporaries,
  run,
  sameLog,
  sleep,
  tempDir,
  ticks,
  until
} from "./support/members.ts"

afterAll(removeTemporaries)

/** A relay on loopback in a folder of its own, with its log lines kept. */
const relayWith = async (options: Omit<Parameters<typeof startRelay>[0], "data" | "port"> = {}, data?: string) => {
  const lines: Array<string> = []
  const folder = data ?? (await tempDir())
  const relay = await startRelay({ port: 0, ...options, data: folder, log: (line) => lines.push(line) })
  return { relay, lines, data: folder }
}

describe("the relay's admission", () => {
  it("does not keep what one connection floods it with: 8 learned, the rest declined, none kept across a restart", async () => {
    const { relay, data } = await relayWith()
    const client = await bareClient(relay.url)
    const answers: Array<string> = []
    for (let n = 0; n < 12; n++) {
      const junk = await junkGenesis(n)
      answers.push(await client.offer(junk.id, junk.genesis))
    }
    expect(answers.slice(0, 8)).toEqual(Array(8).fill("carried"))
    for (const a of answers.slice(8)) expect(a).toMatch(/this connection already brought 8 new communities/)
    expect(relay.counts().size).toBe(8)
    expect([...relay.counts().keys()].map((id) => relay.standing(id))).toEqual(Array(8).fill("memory"))
    client.close()
    await relay.stop()
    const again = await startRelay({ port: 0, data })
    expect(again.counts().size).toBe(0)
    await again.stop()
  })

  it("caps new communities per address across its connections, and tells the peer why", async () => {
    const { relay } = await relayWith({ maxNewPerConnection: 2, maxNewPerAddress: 3 })
    const first = await bareClient(relay.url)
    const second = await bareClient(relay.url)
    const junk = await Promise.all([0, 1, 2, 3].map((n) => junkGenesis(20 + n)))
    expect(await first.offer(junk[0]!.id, junk[0]!.genesis)).toBe("carried")
    expect(await first.offer(junk[1]!.id, junk[1]!.genesis)).toBe("carried")
    expect(await first.offer(junk[2]!.id, junk[2]!.genesis)).toMatch(/this connection already brought 2/)
    expect(await second.offer(junk[2]!.id, junk[2]!.genesis)).toBe("carried")
    expect(await second.offer(junk[3]!.id, junk[3]!.genesis)).toMatch(/your address brought 3 new communities lately.*try again in \d+ min/)
    // Communities the relay already carries are not new: any connection may open them.
    expect(await second.offer(junk[0]!.id, junk[0]!.genesis)).toBe("carried")
    expect(relay.counts().size).toBe(3)
    first.close()
    second.close()
    await relay.stop()
  })

  it("limits open connections per address", async () => {
    const { relay } = await relayWith({ maxConnectionsPerAddress: 2 })
    const open = async () => {
      const ws = new WebSocket(relay.url)
      ws.on("error", () => {})
      const closed = new Promise<string>((resolve) => ws.once("close", (_code, reason) => resolve(reason.toString())))
      await new Promise((resolve) => ws.once("open", resolve))
      return { ws, closed }
    }
    const kept = [await open(), await open()]
    const third = await open()
    expect(await third.closed).toMatch(/^TooManyConnections/)
    // Closing one makes room again.
    kept[0]!.ws.close()
    await kept[0]!.closed
    const fourth = await open()
    await sleep(50)
    expect(fourth.ws.readyState).toBe(WebSocket.OPEN)
    for (const c of [kept[1]!, fourth]) c.ws.close()
    await relay.stop()
  })

  it("keeps the communities its operator allows, whoever brings them, outside the caps", async () => {
    const { alice, bob } = await founding("Allowed")
    const { relay, data } = await relayWith({ allow: [alice.community.id], unintroduced: "decline", maxNewPerConnection: 0 })
    await ticks(alice, 3)
    alice.hub.connect(await connect(relay.url))
    await until(() => relay.counts().get(alice.community.id) === 4, "the relay takes the allowed community")
    expect(relay.standing(alice.community.id)).toBe("allowed")
    // Anything else is declined, with the way in said.
    const junk = await junkGenesis(40)
    const client = await bareClient(relay.url)
    expect(await client.offer(junk.id, junk.genesis)).toMatch(/serves only the communities its operator allows or a member introduces.*\?introduce=/)
    client.close()
    await alice.hub.close()
    await relay.stop()
    const again = await startRelay({ port: 0, data, allow: [alice.community.id] })
    expect(again.counts().get(alice.community.id)).toBe(4)
    bob.hub.connect(await connect(again.url))
    await until(() => sameLog(alice.community, bob.community), "a member catches up from the restarted relay")
    await bob.hub.close()
    await again.stop()
  })

  it("keeps a community a founder introduces even when memory is full of junk", async () => {
    const { relay } = await relayWith({ maxInMemory: 2 })
    const flood = await bareClient(relay.url)
    const junk = await Promise.all([0, 1, 2].map((n) => junkGenesis(50 + n)))
    expect(await flood.offer(junk[0]!.id, junk[0]!.genesis)).toBe("carried")
    expect(await flood.offer(junk[1]!.id, junk[1]!.genesis)).toBe("carried")
    expect(await flood.offer(junk[2]!.id, junk[2]!.genesis)).toMatch(/already serves 2 communities nobody introduced.*introduce yours/)
    const { alice } = await founding("Honest")
    await ticks(alice, 2)
    alice.hub.connect(await connect(await introducing(relay.url, alice.key, alice.community.id)))
    await until(() => relay.counts().get(alice.community.id) === 3, "the introduced community is taken")
    await until(() => relay.standing(alice.community.id) === "introduced", "and kept")
    flood.close()
    await alice.hub.close()
    await relay.stop()
  })

  it("keeps a community once a later device of a member introduces it, when the events that make it one arrive", async () => {
    const { relay, data, lines } = await relayWith()
    const { alice } = await founding("Devices")
    const laptop = await keyOf(9)
    const consent = await run(Keys.consent(laptop, Bytes.fromHex(alice.community.id)!, alice.key.publicKey), alice.layer)
    await run(alice.community.append(alice.key, "core", "device.add", { device: laptop.publicKey, consent }), alice.layer)
    await ticks(alice, 3)
    // The laptop's key is no founder: the genesis alone does not make it a member's.
    alice.hub.connect(await connect(await introducing(relay.url, laptop, alice.community.id)))
    await until(() => relay.counts().get(alice.community.id) === 5, "the relay holds every event")
    await until(() => relay.standing(alice.community.id) === "introduced", "the relay keeps it once device.add is folded")
    expect(lines.some((l) => l.includes(`introduced by ${laptop.id}`))).toBe(true)
    await alice.hub.close()
    await relay.stop()
    const again = await startRelay({ port: 0, data })
    expect(again.counts().get(alice.community.id)).toBe(5)
    await again.stop()
  })

  it("does not keep a community for an introduction by a stranger or a stale one, and cuts off a forged one", async () => {
    const { relay, lines } = await relayWith()
    const { alice } = await founding("Strangers")
    await ticks(alice, 2)
    const stranger = await keyOf(77)
    const id = alice.community.id
    // Signed by a key that is no member's: served, not kept.
    alice.hub.connect(await connect(await introducing(relay.url, stranger, id)))
    await until(() => relay.counts().get(id) === 3, "the relay serves it")
    await sleep(50)
    expect(relay.standing(id)).toBe("memory")
    await alice.hub.close()
    // A founder's introduction signed two hours ago is ignored.
    const old = Sync.makeHub()
    old.add(alice.community)
    const stale = old.connect(await connect(await introducing(relay.url, alice.key, id, Date.now() - 2 * 60 * 60 * 1000)))
    await until(() => lines.some((l) => l.includes(`ignored an introduction of ${id}`)), "the stale introduction is noticed")
    expect(relay.standing(id)).toBe("memory")
    stale.close()
    // A signature that is not the key's ends the connection with a typed reason.
    const real = await Sync.Introduction.make({ device: alice.key, community: id })
    const forged = { ...real, key: stranger.id }
    const hub = Sync.makeHub()
    hub.add(alice.community)
    const cut = hub.connect(await connect(Sync.Introduction.url(relay.url, [forged])))
    expect((await cut.closed).reason).toBe("InvalidIntroduction")
    // Bytes that are no introduction are refused before anything else.
    const ws = new WebSocket(`${relay.url}?introduce=00ff`)
    ws.on("error", () => {})
    const reason = await new Promise<string>((resolve) => ws.once("close", (_code, r) => resolve(r.toString())))
    expect(reason).toMatch(/^InvalidIntroduction: introduction 1: an introduction is canonical CBOR/)
    // A founder's fresh introduction still keeps it.
    const late = Sync.makeHub()
    late.add(alice.community)
    late.connect(await connect(await introducing(relay.url, alice.key, id)))
    await until(() => relay.standing(id) === "introduced", "the founder's introduction keeps it")
    await hub.close()
    await late.close()
    await old.close()
    await relay.stop()
  })

  it("forgets a community nobody introduced once nobody uses it, and not while a member is in sync on it", async () => {
    const { relay, lines } = await relayWith({ forgetAfter: 400 })
    // A quick resync keeps the relay's view of the member in sync after every change.
    const { alice, bob } = await founding("Passing", { resyncInterval: 100 })
    await ticks(alice, 3)
    alice.hub.connect(await connect(relay.url))
    await until(() => relay.counts().get(alice.community.id) === 4, "the relay serves it")
    // Several times the idle time, while the member stays connected: still served.
    await sleep(1_500)
    expect(relay.standing(alice.community.id)).toBe("memory")
    await alice.hub.close()
    await until(() => relay.standing(alice.community.id) === undefined, "the relay forgets it", 400)
    expect(lines.some((l) => l.startsWith(`forgot community ${alice.community.id}`))).toBe(true)
    // A member who comes back brings it again.
    await run(bob.community.receive(alice.community.export().slice(1)), bob.layer)
    bob.hub.connect(await connect(relay.url))
    await until(() => relay.counts().get(alice.community.id) === 4, "the relay serves it again")
    await bob.hub.close()
    await relay.stop()
  })

  it("keeps what it is brought when told to keep unintroduced communities, within its bound", async () => {
    const { relay, data } = await relayWith({ unintroduced: "keep", maxCommunities: 1 })
    const client = await bareClient(relay.url)
    const junk = await Promise.all([0, 1].map((n) => junkGenesis(60 + n)))
    expect(await client.offer(junk[0]!.id, junk[0]!.genesis)).toBe("carried")
    expect(await client.offer(junk[1]!.id, junk[1]!.genesis)).toMatch(/already keeps 1 communities, its most/)
    expect(relay.standing(junk[0]!.id)).toBe("kept")
    client.close()
    await relay.stop()
    const again = await startRelay({ port: 0, data })
    expect(again.standing(junk[0]!.id)).toBe("kept")
    await again.stop()
  })

  it("refuses settings out of range with the option's name", async () => {
    const data = await tempDir()
    await expect(startRelay({ port: 0, data, allow: ["not an id"] })).rejects.toThrow(/allow: "not an id" is not a community id/)
    await expect(startRelay({ port: 0, data, maxNewPerConnection: -1 })).rejects.toThrow(/maxNewPerConnection/)
    await expect(startRelay({ port: 0, data, forgetAfter: 0 })).rejects.toThrow(/forgetAfter/)
  })
})

describe("which introductions the relay honours", () => {
  it("those by a full member's key, signed within ten minutes of its clock", async () => {
    const alice = await keyOf(1)
    const community = await run(Community.create({ name: "Signed", author: alice }), memory())
    const introduction = await Sync.Introduction.make({ device: alice, community: community.id, time: 1_700_000_000_000 })
    expect(Admission.byMember(introduction, community)).toBe(true)
    expect(Admission.byMember({ ...introduction, key: (await keyOf(5)).id }, community)).toBe(false)
    expect(Admission.isFresh(introduction, introduction.time + Admission.TOLERANCE)).toBe(true)
    expect(Admission.isFresh(introduction, introduction.time - Admission.TOLERANCE)).toBe(true)
    expect(Admission.isFresh(introduction, introduction.time - Admission.TOLERANCE - 1)).toBe(false)
  })
})
