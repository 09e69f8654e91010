/**
 * The Affinity demo: a community is born, lives and survives a restart.
 *
 * Several members create a community stored in a folder, write events, close it, reopen
 * it from disk and compare state hashes. Everything goes through the public API.
 *
 * @module
 */
import { Client, type Keys, Membership } from "@affinity/core"
import * as Administration from "@affinity/administration"
import * as Defense from "@affinity/defense"
import * as Economy from "@affinity/economy"
import * as Expression from "@affinity/expression"
import * as Governance from "@affinity/governance"
import * as Justice from "@affinity/justice"
import * as StorageFs from "@affinity/storage-fs"

/** What the demo found, for tests. */
export interface DemoResult {
  readonly community: string
  readonly hashBefore: string
  readonly hashAfter: string
  readonly events: number
  readonly members: ReadonlyArray<string>
}

const modules = [Governance.module, Administration.module, Economy.module, Expression.module, Justice.module, Defense.module]

/** Run the demo in `directory`, printing what happens through `say`. */
export const run = async (directory: string, say: (line: string) => void = console.log): Promise<DemoResult> => {
  const short = (hex: string) => hex.slice(0, 8)
  say(`Affinity demo — storing in ${directory}\n`)

  const client = await Client.make({ storage: StorageFs.layer({ directory }), modules })
  const [ada, bo, cy, dee] = await Promise.all([client.generateKey(), client.generateKey(), client.generateKey(), client.generateKey()])
  const names = new Map<string, string>([
    [ada!.id, "Ada"],
    [bo!.id, "Bo"],
    [cy!.id, "Cy"],
    [dee!.id, "Dee"]
  ])
  const who = (id: string) => names.get(id) ?? short(id)

  const community = await client.create({
    name: "Riverside Tool Library",
    author: ada!,
    founders: [bo!.publicKey, cy!.publicKey]
  })
  say(`1. Ada, Bo and Cy found "Riverside Tool Library" (community ${short(community.id)}).`)
  say(`   Founders are ordinary full members: no admin, no owner.\n`)

  const act = async (device: Keys.DeviceKey, module: string, type: string, body: Parameters<typeof community.append>[3], what: string) => {
    const { outcome } = await community.append(device, module, type, body)
    say(`   ${what.padEnd(52)} ${outcome._tag === "Applied" ? "applied" : `rejected: ${outcome.reason._tag} — ${outcome.reason.message}`}`)
  }

  say("2. Members write signed events:")
  await act(ada!, "core", "tick", {}, "Ada attests her clock")
  await act(bo!, "core", "tick", {}, "Bo attests his clock")
  await act(dee!, "core", "member.apply", { note: "I fix bikes and would like to join." }, "Dee applies to join")
  await act(dee!, "core", "tick", {}, "Dee tries to act as a member")
  await act(bo!, "core", "member.admit", { identity: dee!.publicKey }, "Bo tries to admit Dee on his own")
  say("")

  say("3. Ada adds her phone as a second device, then revokes it:")
  const phone = await client.generateKey()
  names.set(phone.id, "Ada's phone")
  // The phone signs its consent to being added by Ada's key; nobody can claim a key they do not hold.
  const signature = await client.deviceConsent(phone, community.id, ada!.publicKey)
  await act(ada!, "core", "device.add", { device: phone.publicKey, consent: signature }, "Ada adds her phone")
  await act(phone, "core", "tick", {}, "the phone signs for Ada")
  await act(ada!, "core", "device.revoke", { device: phone.publicKey }, "Ada revokes the phone")
  await act(phone, "core", "tick", {}, "the revoked phone tries again")
  say("")

  const core = community.state<Membership.State>("core")
  say("4. Members now:")
  for (const [id, identity] of Object.entries(core.identities).sort()) {
    say(`   ${who(id).padEnd(6)} ${identity.status.padEnd(9)} devices: ${identity.devices.map(who).join(", ")}`)
  }
  const hashBefore = community.stateHash()
  const events = community.export().length
  say(`\n5. ${events} events; state hash ${hashBefore}`)
  community.close()
  await client.close()
  say("   Closed. Reopening from disk…")

  const again = await Client.make({ storage: StorageFs.layer({ directory }), modules })
  const reopened = await again.open(community.id)
  const hashAfter = reopened.stateHash()
  say(`   Reopened ${reopened.export().length} events; state hash ${hashAfter}`)
  say(hashAfter === hashBefore ? "   Same state after the restart." : "   STATE DIFFERS AFTER RESTART")
  const members = reopened.members()
  await again.close()
  return { community: community.id, hashBefore, hashAfter, events, members }
}

