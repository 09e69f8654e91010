/**
 * What a proposal carries out when it passes, from the options of `propose` and `amend`:
 * admit an applicant, remove a member, or create a working group. And who decides it.
 *
 * @module
 */
import * as Governance from "@affinity/governance"
import type { Command } from "commander"
import { usage } from "./Failure.ts"
import * as Lookup from "./Lookup.ts"
import * as Names from "./Names.ts"
import * as Parse from "./Parse.ts"
import type { Room } from "./Session.ts"

/** The action options of `propose` and `amend`. */
export interface ActionOptions {
  readonly admit?: string
  readonly remove?: string
  readonly reason?: string
  readonly createGroup?: string
  readonly purpose?: string
  readonly member?: ReadonlyArray<string>
  readonly mandate?: ReadonlyArray<string>
  readonly groupDays?: string
}

/** Whether the options name an action. */
export const named = (o: ActionOptions): boolean => o.admit !== undefined || o.remove !== undefined || o.createGroup !== undefined

/** The action the options describe, or `undefined` for none. */
export const fromOptions = (room: Room, o: ActionOptions): Governance.Draft | undefined => {
  const count = [o.admit, o.remove, o.createGroup].filter((x) => x !== undefined).length
  if (count > 1) throw usage("OneAction", "a proposal carries one action: choose one of --admit, --remove and --create-group")
  const identities = Object.keys(room.core().identities)
  const statusOf = (id: string) => room.core().identities[id]?.status
  if (o.admit !== undefined) {
    const applicants = identities.filter((id) => statusOf(id) === "applicant")
    const id = Names.find(o.admit, identities, room.settings.names, room.me(), "person")
    if (!applicants.includes(id))
      throw usage(
        "NotAnApplicant",
        statusOf(id) === "full" ? `${room.nameOf(id)} is a full member already` : `${room.nameOf(id)} has not asked to join, so there is nobody to admit`
      )
    return Governance.admit(id)
  }
  if (o.remove !== undefined) {
    const id = Names.find(o.remove, identities, room.settings.names, room.me(), "member")
    if (statusOf(id) === "left") throw usage("MemberLeft", `${room.nameOf(id)} has already left`)
    const reason = Parse.text(o.reason ?? "", "--reason (why they should be removed; it is kept in the record)", 1, 4000)
    return Governance.remove(id, reason)
  }
  if (o.createGroup !== undefined) {
    const name = Parse.text(o.createGroup, "the group's name", 1, 200)
    const purpose = Parse.text(o.purpose ?? "", "--purpose (what the group is for)", 1, 4000)
    const full = identities.filter((id) => statusOf(id) === "full")
    const members = [...new Set((o.member ?? []).map((m) => Names.find(m, full, room.settings.names, room.me(), "full member")))]
    const mandate = [...new Set(o.mandate ?? [])]
    for (const m of mandate)
      if (!/^[a-z][a-z0-9-]{0,31}\/[a-z][a-z0-9.-]{0,63}$/.test(m))
        throw usage("BadMandate", `“${m}” is not an act a group can be given; write it as module/type, e.g. core/member.admit`)
    const expiry =
      o.groupDays === undefined ? undefined : room.communityTime() + Math.round(Parse.number(o.groupDays, "--group-days", 1, 3650, false) * Governance.DAY)
    return Governance.createGroup({ name, purpose, mandate, members, ...(expiry === undefined ? {} : { expiry }) })
  }
  return undefined
}

/** Who decides, from `--by`: `community` (default), `prime:<module>`, or a working group's name. */
export const decidersFromOption = (room: Room, by: string | undefined): Governance.Deciders => {
  if (by === undefined || by.trim().toLowerCase() === "community") return "community"
  const prime = /^prime:([a-z]+)$/.exec(by.trim().toLowerCase())
  if (prime) {
    const m = prime[1]!
    if (!(Governance.PRIME_GROUPS as ReadonlyArray<string>).includes(m))
      throw usage("BadPrime", `there is no ${m} prime group; they are ${Governance.PRIME_GROUPS.join(", ")}`)
    return { prime: m as Governance.PrimeGroup }
  }
  return { group: Lookup.group(room.gov(), by).id }
}

const collect = (value: string, previous: ReadonlyArray<string> = []): ReadonlyArray<string> => [...previous, value]

/** Add the action options to a command. */
export const addOptions = (command: Command): Command =>
  command
    .option("--admit <person>", "if it passes, admit this applicant as a full member")
    .option("--remove <member>", "if it passes, remove this member (give --reason)")
    .option("--reason <text>", "why the member should be removed; kept in the record")
    .option("--create-group <name>", "if it passes, create a working group (give --purpose, and --member for each member)")
    .option("--purpose <text>", "what the working group is for")
    .option("--member <member>", "a member of the new working group (repeatable)", collect)
    .option("--mandate <module/type>", "an act the new group may decide on its own, e.g. core/member.admit (repeatable)", collect)
    .option("--group-days <days>", "how many days the new group lasts (default: until disbanded)")
