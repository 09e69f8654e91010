/**
 * `affinity amend <proposal>`: change the text of one's own open proposal.
 *
 * @module
 */
import * as Governance from "@affinity/governance"
import type { Command } from "commander"
import * as Actions from "../Actions.ts"
import type { Spec } from "../Command.ts"
import * as Describe from "../Describe.ts"
import { failed, usage } from "../Failure.ts"
import * as Lookup from "../Lookup.ts"
import * as Parse from "../Parse.ts"
import { withCommunity } from "../Session.ts"

interface Options extends Actions.ActionOptions {
  readonly text?: string
  readonly days?: string
  readonly hours?: string
  readonly action?: boolean
}

/** The `amend` command. */
export const amend: Spec = {
  register: (program, run) => {
    const command = program
      .command("amend")
      .argument("<proposal>", "the proposal's number, title or part of it")
      .description(
        "Change your own open proposal, e.g. to meet an objection or a block: every stance is cleared, since people agreed to the old text, and members take theirs again."
      )
      .requiredOption("--text <text>", "the new text, in full")
      .option("--days <n>", "a new deadline, this many days from now")
      .option("--hours <n>", "a new deadline, this many hours from now")
      .option("--no-action", "carry no action any more")
    Actions.addOptions(command).action((which: string, options: Options, cmd: Command) =>
      run(cmd, (ctx) =>
        withCommunity(ctx, async (r) => {
          const me = r.requireFull()
          const p = Lookup.proposal(r.gov(), which)
          const n = Lookup.numberOf(r.gov(), p.id)
          if (p.proposer !== me) throw failed("NotProposer", `only ${r.nameOf(p.proposer)}, who proposed it, can amend proposal ${n}; you can object or block with your reason instead`)
          if (p.status !== "open") throw failed("AlreadyClosed", `proposal ${n} has ended (${p.status})`)
          const ct = r.communityTime()
          if (ct >= p.deadline) throw failed("DeadlinePassed", `the deadline of proposal ${n} has passed; it can no longer be amended, only closed`)
          const text = Parse.text(options.text ?? "", "--text", 0, 10000)
          const deadline =
            options.days === undefined && options.hours === undefined ? undefined : Math.max(ctx.now(), ct) + Parse.window(options, 0)
          const effective = deadline ?? p.deadline
          if (effective < ct + Governance.MIN_WINDOW)
            throw usage("DeadlineTooSoon", "an amendment clears every stance, so it must leave members at least an hour: give a new deadline with --hours or --days")
          if (effective > ct + Governance.MAX_WINDOW) throw usage("DeadlineTooLate", "the deadline can be at most 90 days after community time")
          if (options.action === false && Actions.named(options)) throw usage("OneAction", "--no-action and a new action cannot go together")
          const current = Governance.actionsOf(p.versions[p.versions.length - 1]!)
          const named = Actions.fromOptions(r, options)
          // Without new actions, the amendment keeps those the proposal carries.
          const actions = options.action === false ? [] : named.length > 0 ? named : current
          await r.append(
            Governance.amend(p.id, { text, ...Actions.carrying(actions), ...(deadline === undefined ? {} : { deadline }) }),
            "Your amendment"
          )
          const done = Governance.Records.proposal(r.gov(), p.id)!
          ctx.say(`Proposal ${n}, “${done.title}”, is amended. Every stance is cleared: members take theirs again until ${r.when(done.deadline)}.`)
          for (const line of Describe.plannedLines(r, actions)) ctx.say(line)
          ctx.say("Share it: affinity sync")
          return Describe.proposalJson(r, done)
        })
      )
    )
  }
}
