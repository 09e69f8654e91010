/**
 * Every command, in the groups the help shows them in. Module commands (administration,
 * justice, …) come with their modules: a group of their own here, and the module in
 * `Modules.ts`.
 *
 * @module
 */
import type { Group } from "../Command.ts"
import { amend } from "./amend.ts"
import { binder } from "./binder.ts"
import { close } from "./close.ts"
import { communities } from "./communities.ts"
import { create } from "./create.ts"
import { groups as groupsCommand } from "./groups.ts"
import { invite } from "./invite.ts"
import { join } from "./join.ts"
import { lot } from "./lot.ts"
import { members } from "./members.ts"
import { name } from "./name.ts"
import { paper } from "./paper.ts"
import { profile } from "./profile.ts"
import { propose } from "./propose.ts"
import { proposals } from "./proposals.ts"
import { record } from "./record.ts"
import { relays } from "./relays.ts"
import { show } from "./show.ts"
import { stance } from "./stance.ts"
import { status } from "./status.ts"
import { sync } from "./sync.ts"
import { tick } from "./tick.ts"
import { use } from "./use.ts"
import { whoami } from "./whoami.ts"
import { withdraw } from "./withdraw.ts"

/** The commands, grouped as the help lists them. */
export const groups: ReadonlyArray<Group> = [
  { heading: "Communities and people:", commands: [create, invite, join, members, profile, name, whoami, communities, use, status] },
  { heading: "Decisions (governance):", commands: [propose, proposals, show, stance, amend, withdraw, close, paper, record, binder] },
  { heading: "Groups and the lot (governance):", commands: [groupsCommand, lot] },
  { heading: "Time and sync:", commands: [tick, sync, relays] }
]
