import { afterAll, describe, expect, it } from "vitest"
import { Event } from "@affinity/core"
import { connect } from "@affinity/sync-websocket"
import { startRelay, Sync } from "../src/index.ts"
import { founding, introducing, removeTemporaries, run, sameLog, tempDir, until } from "./support/members.ts"

afterAll(removeTemporaries)

const note = new TextEncoder().encode("The shed key is under the blue pot.")

describe("the relay and payloads", () => {
  it.each(["sqlite", "fs"] as const)("stores and forwards payloads it does not read, and honours their erasure across restarts (%s store)", async (store) => {
    const data = await tempDir()
    const first = await startRelay({ port: 0, data, store })
    const { alice, bob } = await founding()
    // Served from memory first, then kept once alice introduces it: the payload goes to the store too.
    alice.hub.connect(await connect(first.url))
    const posted = await run(alice.community.append(alice.key, "core", "tick", {}, { payload: note }), alice.layer)
    await until(() => first.counts().get(alice.community.id) === 2, "the relay holds the event")
    expect(first.standing(alice.community.id)).toBe("memory")
    alice.hub.connect(await connect(await introducing(first.url, alice.key, alice.community.id)))
    await until(() => first.standing(alice.community.id) === "introduced", "the relay keeps it")
    const held = first.hub.community(alice.community.id)!
    expect(held.payload(posted.key)).toEqual(note)
    await alice.hub.close()
    await first.stop()

    // Restarted, it serves the payload to a member who was never online with alice.
    const second = await startRelay({ port: 0, data, store })
    expect(second.hub.community(alice.community.id)!.payload(posted.key)).toEqual(note)
    bob.hub.connect(await connect(second.url))
    await until(() => sameLog(alice.community, bob.community), "bob catches up")
    expect(bob.community.payload(posted.key)).toEqual(note)

    // Alice erases it (through the relay): the relay drops it, and never sends it again.
    const withPayload = alice.community.export()[1]!
    const again = Sync.makeHub()
    again.add(alice.community)
    again.connect(await connect(second.url))
    const erased = await run(alice.community.erasePayload(alice.key, posted.key), alice.layer)
    expect(erased.outcome._tag).toBe("Applied")
    await until(() => bob.community.payload(posted.key) === undefined, "the erasure reaches bob")
    expect(second.hub.community(alice.community.id)!.payload(posted.key)).toBeUndefined()
    await again.close()
    await bob.hub.close()
    await second.stop()

    const third = await startRelay({ port: 0, data, store })
    const reopened = third.hub.community(alice.community.id)!
    expect(reopened.payload(posted.key)).toBeUndefined()
    const sent = reopened.export()[reopened.replica.log.index.get(posted.key)!]!
    const kept = Event.decode(sent)
    expect(kept.ok && kept.event.key === posted.key && kept.event.payload === null).toBe(true)
    // Offered the event with its payload again, it keeps it erased.
    const [verdict] = await run(reopened.receive([withPayload]), alice.layer)
    expect(verdict).toMatchObject({ _tag: "Duplicate" })
    expect(reopened.payload(posted.key)).toBeUndefined()
    await third.stop()
  })
})
