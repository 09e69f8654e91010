/**
 * `affinity show <proposal>`: a proposal in full.
 *
 * @module
 */
import type { Command } from "commander"
import type { Spec } from "../Command.ts"
import * as Describe from "../Describe.ts"
import * as Lookup from "../Lookup.ts"
import { withCommunity } from "../Session.ts"

/** The `show` command. */
export const show: Spec = {
  register: (program, run) => {
    program
      .command("show")
      .argument("<proposal>", "the proposal's number, title or part of it")
      .description("Print a proposal in full: its text, who decides and how, every stance with its reason, and how it ended.")
      .action((which: string, _options: object, command: Command) =>
        run(command, (ctx) =>
          withCommunity(ctx, async (r) => {
            const p = Lookup.proposal(r.gov(), which)
            Describe.printProposal(r, p)
            return Describe.proposalJson(r, p)
          })
        )
      )
  }
}
