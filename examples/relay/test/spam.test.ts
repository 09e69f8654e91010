import { afterAll, describe, expect, it } from "vitest"
import { Bytes, Community, Crypto, Event, Keys } from "@affinity/core"
import * as Administration from "@affinity/administration"
import * as Governance from "@affinity/governance"
import { connect } from "@affinity/sync-websocket"
import { Effect, Layer } from "effect"
import { startDemoRelay, Sync } from "../src/index.ts"
import { crypto, keyOf, memory, removeTemporaries, run, until } from "./support/members.ts"

afterAll(removeTemporaries)

const modules = [Governance.module, Administration.module]
const HOUR = 60 * 60 * 1000

describe("a relay and the community's membership rules", () => {
  it("neither stores nor forwards a thousand applications the rules refuse; an invited applicant gets through", async () => {
    const relay = await startDemoRelay()
    const [alice, bob, carol, guest] = await Promise.all([keyOf(1), keyOf(2), keyOf(3), keyOf(4)])
    const start = Date.now() - 6 * HOUR
    const la = memory()
    const community = await run(Community.create({ name: "Invitations only", author: alice, founders: [bob.publicKey, carol.publicKey], time: start, modules }), la)
    // The founders decide (with claimed times in the past, so no clock holds them) that applications need an invitation.
    const append = (k: Keys.DeviceKey, d: { readonly module: string; readonly type: string; readonly body: Parameters<typeof community.append>[3] }, time: number) =>
      run(community.append(k, d.module, d.type, d.body, { time }), la)
    const open = await append(alice, Governance.propose({ title: "Invitations only", deadline: start + 2 * HOUR, action: Administration.setRules({ application: "invitation" }) }), start + 1000)
    for (const [i, k] of [alice, bob, carol].entries()) await append(k, Governance.stance(open.key, "agree"), start + 2000 + i)
    await append(alice, { module: "core", type: "tick", body: {} }, start + 2 * HOUR + 1000)
    await append(bob, { module: "core", type: "tick", body: {} }, start + 2 * HOUR + 1000)
    const closed = await append(alice, Governance.close(open.key), start + 2 * HOUR + 2000)
    expect(closed.outcome).toMatchObject({ _tag: "Applied", actions: [{ _tag: "Applied", type: "rules.set" }] })
    await append(bob, Administration.invite(guest.id), start + 2 * HOUR + 3000)

    const aliceHub = Sync.makeHub()
    aliceHub.add(community)
    aliceHub.connect(await connect(relay.url))
    const held = () => relay.relay.hub.community(community.id)
    await until(() => held()?.replica.log.size === community.replica.log.size, "the relay has the community")

    // A thousand applications from fresh keys, handed to the relay's community as its sync hands
    // every event a peer sends (Community.receive).
    const spam: Array<Uint8Array> = []
    const parents = community.replica.log.heads().map((k) => Bytes.fromHex(k)!)
    for (let n = 0; n < 1000; n++) {
      const secret = new Uint8Array(32)
      new DataView(secret.buffer).setUint32(0, n + 1)
      const key = await Effect.runPromise(Effect.provide(Keys.fromSecret(secret), Layer.succeed(Crypto.Crypto, crypto)))
      const event = await Effect.runPromise(
        Event.sign(crypto, key.secret, { community: community.replica.log.community, author: key.publicKey, seq: 1, prev: null, parents, time: start + 3 * HOUR, module: "core", type: "member.apply", body: { note: `spam ${n}` } })
      )
      spam.push(event.bytes)
    }
    const verdicts = await run(held()!.receive(spam), memory())
    expect(verdicts.every((v) => v._tag === "Invalid" && v.reason._tag === "ApplicationRefused")).toBe(true)

    // The invited guest's application is taken.
    const guestEvent = await Effect.runPromise(
      Event.sign(crypto, guest.secret, { community: community.replica.log.community, author: guest.publicKey, seq: 1, prev: null, parents: community.replica.log.heads().map((k) => Bytes.fromHex(k)!), time: start + 3 * HOUR, module: "core", type: "member.apply", body: { note: "invited by Bob" } })
    )
    const [taken] = await run(held()!.receive([guestEvent.bytes]), memory())
    expect(taken!._tag).toBe("Valid")
    await until(() => community.replica.log.size === held()!.replica.log.size, "the guest's application reaches Alice")
    // Nothing of the spam was stored or forwarded: the relay's log and Alice's hold the same events, one application among them.
    expect(held()!.replica.log.size).toBe(community.replica.log.size)
    const applications = held()!.export().filter((b) => {
      const d = Event.decode(b)
      return d.ok && d.event.header.type === "member.apply"
    })
    expect(applications).toHaveLength(1)
    await aliceHub.close()
    await relay.stop()
  })
})
