/**
 * `affinity groups`: working groups, and the seats of the prime groups this term.
 *
 * @module
 */
import * as Governance from "@affinity/governance"
import type { Command } from "commander"
import type { Spec } from "../Command.ts"
import type { Json } from "../Context.ts"
import * as Dates from "../Dates.ts"
import * as Describe from "../Describe.ts"
import * as Names from "../Names.ts"
import { isFull, withCommunity } from "../Session.ts"

/** The `groups` command. */
export const groups: Spec = {
  register: (program, run) => {
    program
      .command("groups")
      .description(
        "List the working groups, which decide within a mandate the community gave them, and this term's prime group seats, drawn by lot so power rotates."
      )
      .action((_options: object, command: Command) =>
        run(command, (ctx) =>
          withCommunity(ctx, async (r) => {
            const gov = r.gov()
            const core = r.core()
            const params = core.community.params
            const ct = r.communityTime()
            const active = Governance.Records.groups(gov).filter((g) => g.disbanded === null && (g.expiry === null || g.expiry > ct))
            if (active.length === 0) ctx.say("No working group. A proposal can create one: affinity propose … --create-group <name> --purpose …")
            else {
              ctx.say("Working groups:")
              for (const g of active) {
                ctx.say(`  ${g.name}: ${g.purpose}`)
                ctx.say(`    members: ${Names.list(g.members.map(r.nameOf))}; may decide on its own: ${g.mandate.length === 0 ? "nothing" : g.mandate.join(", ")}`)
                ctx.say(`    created on ${r.date(g.created)}${g.expiry === null ? "" : `; ends ${r.when(g.expiry)}`}`)
              }
            }
            const term = Governance.termAt(gov, params, ct)
            const start = Governance.termStart(gov, params, term)
            const end = Governance.termStart(gov, params, term + 1)
            const drawn = gov.terms[String(term)]
            const seats: Record<string, Json> = {}
            ctx.say("")
            ctx.say(`Prime groups, term ${term} (${r.date(start)} to ${r.date(end)}):`)
            if (term === 0) ctx.say("  Term 0 is the founding term: nobody is seated, and the community decides everything.")
            else if (!drawn) ctx.say("  This term has not been drawn yet: until it is, nobody is seated and the community decides. `affinity lot` draws it.")
            else {
              for (const g of Governance.Records.primeGroups(gov, term)) {
                const held = Governance.Records.seats(gov, term, g, (id) => isFull(core, id))
                seats[g] = held.map((m) => Describe.memberJson(r, m))
                ctx.say(`  ${g.padEnd(15)} ${Names.list(held.map(r.nameOf), "no seat filled")}`)
              }
              ctx.say(`  Drawn by lot on ${r.date(drawn.at)}: ${drawn.size} seats each; nobody serves the same group two terms in a row,`)
              ctx.say("  and a prime group decides only when every seat agrees.")
            }
            ctx.say(`Next term starts ${r.when(end)}.`)
            return {
              groups: active.map((g) => ({
                id: g.id,
                name: g.name,
                purpose: g.purpose,
                members: g.members.map((m) => Describe.memberJson(r, m)),
                mandate: [...g.mandate],
                created: Dates.iso(g.created),
                expiry: g.expiry === null ? null : Dates.iso(g.expiry)
              })),
              term: { number: term, start: Dates.iso(start), end: Dates.iso(end), drawn: drawn !== undefined, seats }
            }
          })
        )
      )
  }
}
