/**
 * `affinity propose <title>`: open a proposal.
 *
 * @module
 */
import * as Governance from "@affinity/governance"
import type { Command } from "commander"
import * as Actions from "../Actions.ts"
import type { Spec } from "../Command.ts"
import * as Describe from "../Describe.ts"
import { usage } from "../Failure.ts"
import * as Hints from "../Hints.ts"
import * as Lookup from "../Lookup.ts"
import * as Parse from "../Parse.ts"
import { withCommunity } from "../Session.ts"

interface Options extends Actions.ActionOptions {
  readonly text?: string
  readonly process?: string
  readonly days?: string
  readonly hours?: string
  readonly by?: string
  readonly replaces?: string
}

/** Default time members have to take a stance, in days. */
export const DEFAULT_DAYS = 7

/** The `propose` command. */
export const propose: Spec = {
  register: (program, run) => {
    const command = program
      .command("propose")
      .argument("<title>", "what you propose, in a few words")
      .description(
        "Propose something to decide together: members take their stances until the deadline, then anyone closes it; if it passes, what it carries is done by every device."
      )
      .option("--text <text>", "the proposal in full: what, why, how")
      .option("--process <process>", "consensus (default), consent, or poll", "consensus")
      .option("--days <n>", `days members have to take a stance (default ${DEFAULT_DAYS}; 1 hour to 90 days)`)
      .option("--hours <n>", "hours members have to take a stance, instead of --days")
      .option("--by <deciders>", "who decides: community (default), prime:<module>, or a working group's name")
      .option("--replaces <proposal>", "an open proposal this one replaces if it passes")
    Actions.addOptions(command).action((title: string, options: Options, cmd: Command) =>
      run(cmd, (ctx) =>
        withCommunity(ctx, async (r) => {
          r.requireFull()
          const checkedTitle = Parse.text(title, "the title", 1, 200)
          const text = Parse.text(options.text ?? "", "--text", 0, 10000)
          const process = Parse.decisionProcess(options.process ?? "consensus")
          const ct = r.communityTime()
          const deadline = Math.max(ctx.now(), ct) + Parse.window(options, DEFAULT_DAYS)
          if (deadline < ct + Governance.MIN_WINDOW)
            throw usage("DeadlineTooSoon", `the deadline would be less than an hour after community time (${r.date(ct)}); give more time`)
          if (deadline > ct + Governance.MAX_WINDOW)
            throw usage("DeadlineTooLate", `the deadline would be more than 90 days after community time (${r.date(ct)}); give less time`)
          const actions = Actions.fromOptions(r, options)
          if (actions.length > 0 && process === "poll")
            throw usage("PollCarriesNoAction", "a poll decides nothing, so it cannot carry an action; use --process consensus or consent")
          const body = Actions.decidersFromOption(r, options.by)
          if (body !== "community" && process !== "consensus")
            throw usage("ProcessNotAllowed", "working groups and prime groups decide by consensus of all their members; use --process consensus")
          for (const action of actions) {
            if (typeof body === "object" && "group" in body) {
              const group = Governance.Records.group(r.gov(), typeof body.group === "string" ? body.group : "")
              if (group && !group.mandate.includes(`${action.module}/${action.type}`))
                throw usage("OutsideMandate", `working group “${group.name}” may not decide ${action.module}/${action.type}; propose it to the community`)
            }
            if (typeof body === "object" && "prime" in body && action.module !== body.prime)
              throw usage("OutsideMandate", `the ${body.prime} prime group decides only ${body.prime} matters; propose it to the community`)
          }
          const replaces = options.replaces === undefined ? undefined : Lookup.proposal(r.gov(), options.replaces)
          if (replaces && replaces.status !== "open") throw usage("AlreadyClosed", `proposal ${Lookup.numberOf(r.gov(), replaces.id)} has ended; only an open one can be replaced`)
          const draft = Governance.propose({
            title: checkedTitle,
            text,
            process,
            deadline,
            body,
            ...Actions.carrying(actions),
            ...(replaces ? { supersedes: replaces.id } : {})
          })
          const { key } = await r.append(draft, "Your proposal")
          const p = Governance.Records.proposal(r.gov(), key)!
          const n = Lookup.numberOf(r.gov(), key)
          ctx.say(`Proposal ${n} is open: “${p.title}”. Members take their stances until ${r.when(p.deadline)}.`)
          ctx.say(`${Describe.capitalized(Describe.decidedBy(r, p.scope))} decides by ${Describe.processText(process, r.core().community.params.quorumPercent)}.`)
          for (const line of Describe.plannedLines(r, actions)) ctx.say(line)
          Hints.next(ctx.say, [
            [`affinity stance ${n} agree`, "your own stance counts too"],
            ["affinity sync", "share it with the others"]
          ])
          return Describe.proposalJson(r, p)
        })
      )
    )
  }
}
