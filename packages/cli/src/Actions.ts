/**
 * What a proposal carries out when it passes, from the options of `propose` and `amend`:
 * admit applicants, remove members, create a working group, or several of these at once
 * (applied together or not at all). And who decides it.
 *
 * @module
 */
import * as Governance from "@affinity/governance"
import type { Command } from "commander"
import { usage } from "./Failure.ts"
import * as Lookup from "./Lookup.ts"
import * as Parse from "./Parse.ts"
import type { Room } from "./Session.ts"

/** The action options of `propose` and `amend`. */
export interface ActionOptions {
  readonly admit?: ReadonlyArray<string>
  readonly remove?: ReadonlyArray<string>
  readonly reason?: string
  readonly createGroup?: string
  readonly purpose?: string
  readonly member?: ReadonlyArray<string>
  readonly mandate?: ReadonlyArray<string>
  readonly groupDays?: string
}

/** Whether the options name an action. */
export const named = (o: ActionOptions): boolean => (o.admit?.length ?? 0) > 0 || (o.remove?.length ?? 0) > 0 || o.createGroup !== undefined

/**
 * The actions the options describe, in the order a passed decision applies them (admissions,
 * removals, then the new working group); empty for none. A decision's actions take effect
 * together or not at all.
 */
export const fromOptions = (room: Room, o: ActionOptions): ReadonlyArray<Governance.Draft> => {
  const identities = Object.keys(room.core().identities)
  const statusOf = (id: string) => room.core().identities[id]?.status
  const actions: Array<Governance.Draft> = []
  const admitted = new Set<string>()
  for (const who of o.admit ?? []) {
    const id = room.find(who, identities, "person")
    if (statusOf(id) !== "applicant")
      throw usage(
        "NotAnApplicant",
        statusOf(id) === "full" ? `${room.nameOf(id)} is a full member already` : `${room.nameOf(id)} has not asked to join, so there is nobody to admit`
      )
    if (admitted.has(id)) throw usage("SameAction", `${room.nameOf(id)} is named twice with --admit`)
    admitted.add(id)
    actions.push(Governance.admit(id))
  }
  const removed = new Set<string>()
  for (const who of o.remove ?? []) {
    const id = room.find(who, identities, "member")
    if (statusOf(id) === "left") throw usage("MemberLeft", `${room.nameOf(id)} has already left`)
    if (removed.has(id) || admitted.has(id)) throw usage("SameAction", `${room.nameOf(id)} is named twice (--admit, --remove)`)
    removed.add(id)
    const reason = Parse.text(o.reason ?? "", "--reason (why they should be removed; it is kept in the record)", 1, 4000)
    actions.push(Governance.remove(id, reason))
  }
  if (o.createGroup !== undefined) {
    const name = Parse.text(o.createGroup, "the group's name", 1, 200)
    const purpose = Parse.text(o.purpose ?? "", "--purpose (what the group is for)", 1, 4000)
    const full = identities.filter((id) => statusOf(id) === "full")
    const members = [...new Set((o.member ?? []).map((m) => room.find(m, full, "full member")))]
    const mandate = [...new Set(o.mandate ?? [])]
    for (const m of mandate)
      if (!/^[a-z][a-z0-9-]{0,31}\/[a-z][a-z0-9.-]{0,63}$/.test(m))
        throw usage("BadMandate", `“${m}” is not an act a group can be given; write it as module/type, e.g. core/member.admit`)
    const expiry =
      o.groupDays === undefined ? undefined : room.communityTime() + Math.round(Parse.number(o.groupDays, "--group-days", 1, 3650, false) * Governance.DAY)
    actions.push(Governance.createGroup({ name, purpose, mandate, members, ...(expiry === undefined ? {} : { expiry }) }))
  }
  if (actions.length > Governance.MAX_ACTIONS)
    throw usage("TooManyActions", `a proposal carries at most ${Governance.MAX_ACTIONS} actions; this one names ${actions.length}: split it in two`)
  return actions
}

/** The `action` or `actions` field of a proposal or an amendment carrying `actions` (nothing for none). */
export const carrying = (actions: ReadonlyArray<Governance.Action>): { readonly action?: Governance.Action } | { readonly actions: ReadonlyArray<Governance.Action> } =>
  actions.length === 0 ? {} : actions.length === 1 ? { action: actions[0]! } : { actions }

/** Who decides, from `--by`: `community` (default), `prime:<module>`, or a working group's name. */
export const decidersFromOption = (room: Room, by: string | undefined): Governance.Deciders => {
  if (by === undefined || by.trim().toLowerCase() === "community") return "community"
  const prime = /^prime:([a-z][a-z0-9-]*)$/.exec(by.trim().toLowerCase())
  if (prime) {
    const m = prime[1]!
    const groups = Governance.Records.primeGroups(room.gov())
    if (!groups.includes(m)) throw usage("BadPrime", `there is no ${m} prime group; they are ${groups.join(", ")}`)
    return { prime: m as Governance.PrimeGroup }
  }
  return { group: Lookup.group(room.gov(), by).id }
}

const collect = (value: string, previous: ReadonlyArray<string> = []): ReadonlyArray<string> => [...previous, value]

/** Add the action options to a command. */
export const addOptions = (command: Command): Command =>
  command
    .option("--admit <person>", "if it passes, admit this applicant as a full member (repeatable)", collect)
    .option("--remove <member>", "if it passes, remove this member (give --reason; repeatable)", collect)
    .option("--reason <text>", "why the member should be removed; kept in the record")
    .option("--create-group <name>", "if it passes, create a working group (give --purpose, and --member for each member)")
    .option("--purpose <text>", "what the working group is for")
    .option("--member <member>", "a member of the new working group (repeatable)", collect)
    .option("--mandate <module/type>", "an act the new group may decide on its own, e.g. core/member.admit (repeatable)", collect)
    .option("--group-days <days>", "how many days the new group lasts (default: until disbanded)")
