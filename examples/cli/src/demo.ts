/**
 * The Affinity demo: a community is born, lives and survives a restart.
 *
 * Several members create a community stored in a folder, say who they are (each publishes a
 * profile with their name), write events, close it, reopen it from disk and compare state
 * hashes. People are shown by the names they published (`community.names()`), refusals are
 * told with those names (`explain`), and the state hash as words to compare by eye; no hex is
 * printed. Everything goes through the public API.
 *
 * @module
 */
import { Client, type Keys, Membership, Names } from "@affinity/core"
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
  say(`Affinity demo — storing in ${directory}\n`)

  const client = await Client.make({ storage: StorageFs.layer({ directory }), modules })
  const [ada, bo, cy, dee] = await Promise.all([client.generateKey(), client.generateKey(), client.generateKey(), client.generateKey()])

  const community = await client.create({
    name: "Riverside Tool Library",
    author: ada!,
    founders: [bo!.publicKey, cy!.publicKey]
  })
  const who = (id: string) => community.names().nameOf(id)
  say(`1. Ada, Bo and Cy found "${community.state<Membership.State>("core").community.name}".`)
  say(`   Founders are ordinary full members: no admin, no owner.\n`)

  const act = async (key: Keys.DeviceKey, module: string, type: string, body: Parameters<typeof community.append>[3], what: string) => {
    const { outcome } = await community.append(key, module, type, body)
    // Reasons name people by their keys; `explain` puts their names in.
    const reason = outcome._tag === "Applied" ? "applied" : `rejected: ${outcome.reason._tag} — ${community.names().explain(outcome.reason.message)}`
    say(`   ${what.padEnd(52)} ${reason}`)
  }

  say("2. Each says who they are: a name (and pronouns, if they like) in a profile of their own.")
  say(`   Until then a member shows as their label, two words made from their key: Ada is ${Names.label(ada!.id)}.`)
  for (const [key, name, pronouns] of [
    [ada!, "Ada", "she/her"],
    [bo!, "Bo", "he/him"],
    [cy!, "Cy", undefined]
  ] as const) {
    const { outcome } = await community.setProfile(key, { name, ...(pronouns === undefined ? {} : { pronouns }) })
    say(`   ${Names.label(key.id)} publishes the name ${name}${pronouns === undefined ? "" : ` (${pronouns})`}: ${outcome._tag === "Applied" ? "applied" : "rejected"}`)
  }
  say("   A name is not an identity: changing or erasing it changes nothing else.\n")

  say("3. Members write signed events:")
  await act(ada!, "core", "tick", {}, "Ada attests her clock")
  await act(bo!, "core", "tick", {}, "Bo attests his clock")
  await act(dee!, "core", "member.apply", { note: "I fix bikes and would like to join." }, `${who(dee!.id)} applies to join`)
  await community.setProfile(dee!, { name: "Dee" })
  say(`   ${Names.label(dee!.id)} says she is Dee; an applicant may say who she is.`)
  await act(dee!, "core", "tick", {}, "Dee tries to act as a member")
  await act(bo!, "core", "member.admit", { identity: dee!.publicKey }, "Bo tries to admit Dee on his own")
  say("")

  say("4. Ada adds her phone as a second device, then revokes it:")
  const phone = await client.generateKey()
  // The phone signs its consent to being added by Ada's key; nobody can claim a key they do not hold.
  const signature = await client.deviceConsent(phone, community.id, ada!.publicKey)
  await act(ada!, "core", "device.add", { device: phone.publicKey, consent: signature }, "Ada adds her phone")
  await act(phone, "core", "tick", {}, "the phone signs for Ada")
  await act(ada!, "core", "device.revoke", { device: phone.publicKey }, "Ada revokes the phone")
  await act(phone, "core", "tick", {}, "the revoked phone tries again")
  say("")

  const core = community.state<Membership.State>("core")
  const names = community.names()
  say("5. Members now:")
  const rows = Object.entries(core.identities).sort(([a], [b]) => names.nameOf(a).localeCompare(names.nameOf(b)))
  for (const [id, identity] of rows) {
    const pronouns = names.profileOf(id)?.pronouns
    const shown = `${names.nameOf(id)}${pronouns === undefined ? "" : ` (${pronouns})`}`
    // Device keys have labels too, made the same way.
    const devices = identity.devices.map(Names.label)
    say(`   ${shown.padEnd(14)} ${identity.status.padEnd(9)} ${devices.length === 1 ? "device" : "devices"}: ${devices.join(", ")}`)
  }
  const hashBefore = community.stateHash()
  const events = community.export().length
  say(`\n6. ${events} events; the state reads ${Names.longLabel(hashBefore)}`)
  say("   (the first bytes of its hash as words: two copies that read the same hold the same state)")
  community.close()
  await client.close()
  say("   Closed. Reopening from disk…")

  const again = await Client.make({ storage: StorageFs.layer({ directory }), modules })
  const reopened = await again.open(community.id)
  const hashAfter = reopened.stateHash()
  say(`   Reopened ${reopened.export().length} events; the state reads ${Names.longLabel(hashAfter)}`)
  say(hashAfter === hashBefore ? "   Same state after the restart." : "   STATE DIFFERS AFTER RESTART")
  say(`   The names came back from disk too: ${reopened.members().map((id) => reopened.names().nameOf(id)).sort().join(", ")}.`)
  const members = reopened.members()
  await again.close()
  return { community: community.id, hashBefore, hashAfter, events, members }
}
