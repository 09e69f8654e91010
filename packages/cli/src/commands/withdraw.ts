/**
 * `affinity withdraw <proposal>`: take back one's own open proposal.
 *
 * @module
 */
import * as Governance from "@affinity/governance"
import type { Command } from "commander"
import type { Spec } from "../Command.ts"
import * as Describe from "../Describe.ts"
import { failed } from "../Failure.ts"
import * as Lookup from "../Lookup.ts"
import * as Parse from "../Parse.ts"
import { withCommunity } from "../Session.ts"

interface Options {
  readonly reason?: string
}

/** The `withdraw` command. */
export const withdraw: Spec = {
  register: (program, run) => {
    program
      .command("withdraw")
      .argument("<proposal>", "the proposal's number, title or part of it")
      .description("Withdraw your own open proposal before its deadline; it ends without a decision, and your reason is kept in the record.")
      .option("--reason <text>", "why you withdraw it")
      .action((which: string, options: Options, command: Command) =>
        run(command, (ctx) =>
          withCommunity(ctx, async (r) => {
            const me = r.requireFull()
            const p = Lookup.proposal(r.gov(), which)
            const n = Lookup.numberOf(r.gov(), p.id)
            if (p.proposer !== me) throw failed("NotProposer", `only ${r.nameOf(p.proposer)}, who proposed it, can withdraw proposal ${n}`)
            if (p.status !== "open") throw failed("AlreadyClosed", `proposal ${n} has ended (${p.status})`)
            if (r.communityTime() >= p.deadline) throw failed("DeadlinePassed", `the deadline of proposal ${n} has passed; it can no longer be withdrawn, only closed`)
            const reason = options.reason === undefined ? undefined : Parse.text(options.reason, "--reason", 0, 4000)
            await r.append(Governance.withdraw(p.id, reason), "Withdrawing the proposal")
            ctx.say(`Proposal ${n}, “${p.title}”, is withdrawn. Share it: affinity sync`)
            return Describe.proposalJson(r, Governance.Records.proposal(r.gov(), p.id)!)
          })
        )
      )
  }
}
