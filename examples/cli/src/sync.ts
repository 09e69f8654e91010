/**
 * The sync part of the demo: three members, each with a replica of their own, meet only
 * through a relay on loopback that stores and forwards signed events and holds no power.
 * Each connection introduces the community, signed by the member, so the relay keeps it.
 * They write concurrently and converge to the same state; each says who they are on their own
 * device, and every replica shows everyone by the name they published.
 *
 * @module
 */
import { Client, Names, Storage, Sync } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { startDemoRelay } from "@affinity/example-relay"
import { connect } from "@affinity/sync-websocket"

/** What the sync demo found, for tests. */
export interface SyncResult {
  readonly hashes: ReadonlyArray<string>
  readonly events: ReadonlyArray<number>
  /** How the relay holds the community at the end (`"introduced"`: kept across restarts). */
  readonly standing: string | undefined
}

/** Run the sync demo, printing through `say`. */
export const runSync = async (say: (line: string) => void = console.log): Promise<SyncResult> => {
  say("Affinity sync demo — three devices and a relay on this machine\n")
  const relay = await startDemoRelay()
  const names = ["Ada", "Bo", "Cy"] as const
  const members = await Promise.all(
    names.map(async (name) => {
      const client = await Client.make({ storage: Storage.layerMemory })
      return { name, client, key: await client.generateKey(), hub: Sync.makeHub({ resyncInterval: 500 }) }
    })
  )
  try {
    const [ada, bo, cy] = members as unknown as [(typeof members)[0], (typeof members)[0], (typeof members)[0]]
    const founded = await ada.client.create({
      name: "Neighbourhood Pantry",
      author: ada.key,
      founders: [bo.key.publicKey, cy.key.publicKey]
    })
    // The invitation is the genesis: Bo and Cy start their replicas from it.
    const invitation = founded.export()[0]!
    const handles = [founded, await bo.client.join(invitation), await cy.client.join(invitation)]
    say(`1. A relay listens on ${relay.url}; it validates and stores events but signs nothing.`)
    say(`   Ada founds "Neighbourhood Pantry" with Bo and Cy and sends them the invitation.`)
    for (const [n, m] of members.entries()) {
      m.hub.add(handles[n]!.community)
      m.hub.connect(await connect(relay.url, { introduce: { device: m.key, communities: [founded.id] } }))
    }
    say("2. Each connects to the relay, asking it to keep the community (a signed introduction),")
    say("   publishes their name and writes on their own device at the same time:")
    await Promise.all(
      members.map(async (m, n) => {
        await handles[n]!.setProfile(m.key, { name: m.name })
        for (let k = 0; k < 5; k++) await handles[n]!.append(m.key, "core", "tick", {})
        say(`   ${m.name} (${Names.label(m.key.id)}) wrote 6 events`)
      })
    )
    const deadline = Date.now() + 30_000
    const converged = () => new Set(handles.map((h) => h.stateHash())).size === 1 && handles.every((h) => h.export().length === 19)
    while (!converged() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
    say("3. After sync, each replica names everyone by the name they published:")
    for (const [n, m] of members.entries()) {
      const names = handles[n]!.names()
      const everyone = Governance.Explain.list(handles[n]!.members().map((id) => names.nameOf(id)).sort())
      say(`   ${m.name.padEnd(4)} ${handles[n]!.export().length} events, state ${Names.longLabel(handles[n]!.stateHash())}; members: ${everyone}`)
    }
    say(converged() ? "   All three replicas hold the same events and the same state." : "   THE REPLICAS DID NOT CONVERGE")
    const standing = relay.relay.standing(founded.id)
    say(
      standing === "introduced"
        ? `4. The relay keeps the community (${relay.relay.counts().get(founded.id)} events): a restart would reopen it.`
        : `4. The relay serves the community from memory only (${standing ?? "not carried"}).`
    )
    return { hashes: handles.map((h) => h.stateHash()), events: handles.map((h) => h.export().length), standing }
  } finally {
    for (const m of members) await m.hub.close()
    for (const m of members) await m.client.close()
    await relay.stop()
  }
}
