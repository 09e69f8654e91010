/**
 * `affinity proposals`: the proposals, numbered.
 *
 * @module
 */
import * as Governance from "@affinity/governance"
import type { Command } from "commander"
import type { Spec } from "../Command.ts"
import * as Describe from "../Describe.ts"
import * as Lookup from "../Lookup.ts"
import { withCommunity } from "../Session.ts"

interface Options {
  readonly open?: boolean
}

/** The `proposals` command. */
export const proposals: Spec = {
  register: (program, run) => {
    program
      .command("proposals")
      .description("List the proposals, numbered the same on every device: open ones with their deadlines, then those that ended.")
      .option("--open", "only the open ones")
      .action((options: Options, command: Command) =>
        run(command, (ctx) =>
          withCommunity(ctx, async (r) => {
            const all = Lookup.numbered(r.gov())
            const open = all.filter((p) => p.status === "open")
            const ended = options.open ? [] : all.filter((p) => p.status !== "open")
            const me = r.me()
            if (all.length === 0) ctx.say(`No proposal in “${r.name}” yet. Start one: affinity propose "…"`)
            if (open.length > 0) {
              ctx.say("Open:")
              for (const p of open) {
                const mine = me === undefined ? undefined : Governance.Records.stances(r.gov(), p.id).find((s) => s.member === me)
                const yours = mine ? `you ${Describe.stanceVerb(mine.stance)}` : "no stance from you yet"
                ctx.say(`  ${Describe.proposalLine(r, p)}; ${yours}`)
              }
            } else if (all.length > 0) ctx.say("No open proposal.")
            if (ended.length > 0) {
              ctx.say("Ended:")
              for (const p of ended) ctx.say(`  ${Describe.proposalLine(r, p)}`)
            }
            return [...open, ...ended].map((p) => Describe.proposalJson(r, p))
          })
        )
      )
  }
}
