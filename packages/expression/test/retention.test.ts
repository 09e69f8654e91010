import { describe, expect, it } from "vitest"
import { Client, Event, type Keys, Storage } from "@affinity/core"
import { Expression, Retention, type State } from "@affinity/expression"
import { Chat } from "@affinity/expression/client"
import { council, decide } from "./support/council.ts"

// A channel's retention (protocol §17 X4) names the words past it as due for erasure
// (`Module.erasures`, §3a): once community time passes, every replica that folds expression
// drops them from memory and storage and never sends them again.

const DAY = 86_400_000
const modules = [Expression.module, council]
/** Events dated a day ahead of this machine's clock are taken at once, not held. */
const futureTolerance = 3 * DAY

const texts = (reads: ReadonlyArray<Chat.Read>) => reads.map((r) => r.text ?? `(${r.missing})`)

/** Whether the wire form a replica sends of an event carries its payload. */
const sends = (handle: Client.CommunityHandle, key: string): boolean => {
  const bytes = handle.export().find((b) => {
    const d = Event.decode(b)
    return d.ok && d.event.key === key
  })!
  const d = Event.decode(bytes)
  if (!d.ok) throw new Error(d.error.message)
  return d.event.payload !== null
}

describe("retention: words past it are dropped by every replica", () => {
  it("a channel with retention 1 day: once community time passes, the words are gone on every replica folding expression, relays included", async () => {
    const home = await Client.make({ storage: Storage.layerMemory, modules, futureTolerance })
    const phone = await Client.make({ storage: Storage.layerMemory, modules, futureTolerance })
    const relayHost = await Client.make({ storage: Storage.layerMemory, modules, futureTolerance })
    const coreOnlyHost = await Client.make({ storage: Storage.layerMemory, modules: [council], futureTolerance })
    try {
      const [ada, bo, cy] = [await home.generateKey(), await home.generateKey(), await home.generateKey()]
      const community = await home.create({ name: "Riverside", author: ada, founders: [bo.publicKey, cy.publicKey], params: { timeWitnesses: 1 } })
      const garden = (await community.append(ada, Expression.openChannel({ name: "garden", title: "Garden", kind: "community" }))).key
      const t0 = community.communityTime()
      const old = await Chat.send(community, ada, garden, "The shed key is under the blue pot", { time: t0 + 1000 })
      const edit = await community.append(ada, Expression.edit(old.key), { payload: new TextEncoder().encode("The shed key is with Bo"), time: t0 + 2000 })
      expect(edit.outcome._tag).toBe("Applied")
      const decided = await community.append(ada, decide("community", Expression.retention(garden, 1)), { time: t0 + 3000 })
      expect(decided.outcome).toMatchObject({ _tag: "Applied", actions: [{ _tag: "Applied" }] })

      // Bo's phone, a relay that folds expression and holds no key, and one that folds only the decider.
      const phoneSide = await phone.join(community.export()[0]!)
      const relay = await relayHost.join(community.export()[0]!)
      const coreOnly = await coreOnlyHost.join(community.export()[0]!)
      const others = [phoneSide, relay, coreOnly]
      const spread = async () => {
        for (const o of others) await o.receive(community.export().slice(1))
      }
      await spread()
      for (const r of [community, ...others]) {
        expect(r.payload(old.key)).toBeDefined()
        expect(r.payload(edit.key)).toBeDefined()
        expect(sends(r, old.key)).toBe(true)
      }

      // A day of community time passes: two members' clocks (w = 2 of three founders) go past it.
      const past = t0 + DAY + 5000
      for (const k of [ada, bo] as ReadonlyArray<Keys.DeviceKey>) await community.append(k, { module: "core", type: "tick", body: {} }, { time: past })
      const fresh = await Chat.send(community, bo, garden, "Seed swap on Sunday", { time: past + 1000 })
      await spread()

      const due = Retention.due(community.state<State>("expression"), community.communityTime())
      expect(due).toEqual([old.key, edit.key].sort())
      for (const r of [community, phoneSide, relay]) {
        expect(r.communityTime()).toBe(community.communityTime())
        expect(r.payload(old.key)).toBeUndefined()
        expect(r.payload(edit.key)).toBeUndefined()
        expect(sends(r, old.key)).toBe(false)
        expect(sends(r, edit.key)).toBe(false)
        // Later words are held; the events stay, with their ids.
        expect(r.payload(fresh.key)).toBeDefined()
        expect(r.event(old.key)?.hasPayload).toBe(false)
        expect(r.stateHash()).toBe(community.stateHash())
      }
      expect(texts(await Chat.read(community, ada, garden))).toEqual(["(expired)", "Seed swap on Sunday"])
      // A replica that does not fold expression cannot know the retention: it still holds them.
      expect(coreOnly.payload(old.key)).toBeDefined()

      // Reopened from storage: the words are not there.
      for (const [client, r] of [[phone, phoneSide], [relayHost, relay]] as const) {
        r.close()
        const reopened = await client.open(r.id)
        expect(reopened.payload(old.key)).toBeUndefined()
        expect(reopened.payload(edit.key)).toBeUndefined()
        expect(reopened.payload(fresh.key)).toBeDefined()
        expect(reopened.stateHash()).toBe(community.stateHash())
      }

      // A newcomer handed everything, the old words included, keeps none of them.
      const late = await Client.make({ storage: Storage.layerMemory, modules, futureTolerance })
      try {
        const joined = await late.join(community.export()[0]!)
        await joined.receive(coreOnly.export().slice(1))
        expect(joined.payload(old.key)).toBeUndefined()
        expect(joined.payload(fresh.key)).toBeDefined()
        expect(joined.stateHash()).toBe(community.stateHash())
      } finally {
        await late.close()
      }
    } finally {
      for (const c of [home, phone, relayHost, coreOnlyHost]) await c.close()
    }
  })

  it("without retention, or before it passes, the words are held", async () => {
    const home = await Client.make({ storage: Storage.layerMemory, modules, futureTolerance })
    try {
      const [ada, bo, cy] = [await home.generateKey(), await home.generateKey(), await home.generateKey()]
      const community = await home.create({ name: "Riverside", author: ada, founders: [bo.publicKey, cy.publicKey], params: { timeWitnesses: 1 } })
      const kept = (await community.append(ada, Expression.openChannel({ name: "kept", title: "Kept", kind: "community" }))).key
      const weekly = (await community.append(ada, Expression.openChannel({ name: "weekly", title: "Weekly", kind: "community" }))).key
      await community.append(ada, decide("community", Expression.retention(weekly, 7)))
      const t0 = community.communityTime()
      const a = await Chat.send(community, ada, kept, "Minutes of the March meeting", { time: t0 + 1000 })
      const b = await Chat.send(community, ada, weekly, "Bins go out on Thursday", { time: t0 + 1000 })
      for (const k of [ada, bo] as ReadonlyArray<Keys.DeviceKey>) await community.append(k, { module: "core", type: "tick", body: {} }, { time: t0 + 2 * DAY })
      expect(community.payload(a.key)).toBeDefined()
      expect(community.payload(b.key)).toBeDefined()
      for (const k of [ada, bo] as ReadonlyArray<Keys.DeviceKey>) await community.append(k, { module: "core", type: "tick", body: {} }, { time: t0 + 8 * DAY })
      expect(community.payload(a.key)).toBeDefined()
      expect(community.payload(b.key)).toBeUndefined()
    } finally {
      await home.close()
    }
  })
})
