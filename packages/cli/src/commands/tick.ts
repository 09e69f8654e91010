/**
 * `affinity tick`: write a time witness.
 *
 * @module
 */
import type { Command } from "commander"
import type { Spec } from "../Command.ts"
import * as CommunityTime from "../CommunityTime.ts"
import * as Dates from "../Dates.ts"
import { withCommunity } from "../Session.ts"

/** The `tick` command. */
export const tick: Spec = {
  register: (program, run) => {
    program
      .command("tick")
      .description(
        "Say what time your clock shows: deadlines pass by community time, which moves only with full members' clocks, and from three members on never with one alone."
      )
      .action((_options: object, command: Command) =>
        run(command, (ctx) =>
          withCommunity(ctx, async (r) => {
            r.requireFull()
            const before = r.communityTime()
            const { key } = await r.append({ module: "core", type: "tick", body: {} }, "Your time witness")
            const after = r.communityTime()
            ctx.say(`Your clock, ${r.date(ctx.now())}, is recorded as a time witness.`)
            ctx.say(`Community time ${after > before ? "moved to" : "is"} ${r.date(after)}; it ${CommunityTime.whoMovesTime(r.core())}.`)
            ctx.say("Share it: affinity sync")
            return { event: key, clock: Dates.iso(ctx.now()), communityTime: Dates.iso(after), witnessesNeeded: CommunityTime.witnessesNeeded(r.core()) }
          })
        )
      )
  }
}
