/**
 * `affinity status`: what needs you in the community in use.
 *
 * @module
 */
import * as Governance from "@affinity/governance"
import type { Command } from "commander"
import type { Spec } from "../Command.ts"
import * as CommunityTime from "../CommunityTime.ts"
import * as Dates from "../Dates.ts"
import * as Describe from "../Describe.ts"
import * as Lookup from "../Lookup.ts"
import * as News from "../News.ts"
import { fullMembers, withCommunity } from "../Session.ts"
import * as Settings from "../Settings.ts"

/** The `status` command. */
export const status: Spec = {
  register: (program, run) => {
    program
      .command("status")
      .description("Show what needs you: proposals waiting for your stance, proposals ready to close, people asking to join, and when you last synced.")
      .action((_options: object, command: Command) =>
        run(command, (ctx) =>
          withCommunity(ctx, async (r) => {
            const core = r.core()
            const gov = r.gov()
            const me = r.me()
            const standing = me === undefined ? "none" : (core.identities[me]?.status ?? "none")
            const full = fullMembers(core)
            const applicants = Object.entries(core.identities).filter(([, i]) => i.status === "applicant").map(([id]) => id)
            const ct = r.communityTime()
            const s = Settings.community(r.settings, r.id)
            ctx.say(
              `“${r.name}”: ${full.length} full member${full.length === 1 ? "" : "s"}${applicants.length > 0 ? `, ${applicants.length} asking to join` : ""}.`
            )
            ctx.say(
              standing === "full"
                ? `You are ${r.nameOf(me!)}, a full member.`
                : standing === "applicant"
                  ? "You asked to join; the members have not decided yet. `affinity sync` brings their decision."
                  : "You are not a member here."
            )
            ctx.say(`Community time: ${r.date(ct)}; it ${CommunityTime.whoMovesTime(core)}.`)
            const waiting = standing === "full" ? News.waitingFor(r, me!).filter((p) => p.deadline > ctx.now()) : []
            const ready = Governance.Records.open(gov).filter((p) => p.deadline <= ct)
            const due = Governance.Records.open(gov).filter((p) => p.deadline > ct && p.deadline <= ctx.now())
            if (waiting.length > 0) {
              ctx.say("Waiting for your stance:")
              for (const p of waiting) ctx.say(`  ${Describe.proposalLine(r, p)}`)
            }
            if (ready.length > 0) {
              ctx.say("Ready to close (anyone may):")
              for (const p of ready) ctx.say(`  ${Describe.proposalLine(r, p)} — affinity close ${Lookup.numberOf(gov, p.id)}`)
            }
            if (due.length > 0) {
              ctx.say("Past their deadline on your clock but not yet in community time (`affinity sync` or `affinity close` adds your clock's witness):")
              for (const p of due) ctx.say(`  ${Lookup.numberOf(gov, p.id)}. ${p.title}`)
            }
            if (applicants.length > 0 && standing === "full")
              ctx.say(`Asking to join: ${applicants.map(r.nameOf).join(", ")} — \`affinity members\` shows their notes.`)
            if (waiting.length + ready.length + due.length === 0 && standing === "full") ctx.say("Nothing waits for you.")
            ctx.say(s.lastSync === null ? "Never synced: affinity sync" : `Last synced ${Dates.relative(s.lastSync, ctx.now())}.`)
            return {
              community: { id: r.id, name: r.name },
              you: me === undefined ? null : { ...Describe.memberJson(r, me), status: standing },
              fullMembers: full.length,
              applicants: applicants.map((id) => Describe.memberJson(r, id)),
              communityTime: Dates.iso(ct),
              clock: Dates.iso(ctx.now()),
              witnessesNeeded: CommunityTime.witnessesNeeded(core),
              waitingForYou: waiting.map((p) => p.id),
              readyToClose: ready.map((p) => p.id),
              pastDeadlineOnYourClock: due.map((p) => p.id),
              lastSync: s.lastSync === null ? null : Dates.iso(s.lastSync),
              events: r.handle.export().length,
              stateHash: r.handle.stateHash()
            }
          })
        )
      )
  }
}
