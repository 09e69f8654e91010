/**
 * `affinity close <proposal>`: end a proposal whose deadline has passed; the outcome
 * follows from the stances.
 *
 * @module
 */
import * as Governance from "@affinity/governance"
import type { Command } from "commander"
import type { Spec } from "../Command.ts"
import * as CommunityTime from "../CommunityTime.ts"
import * as Describe from "../Describe.ts"
import { failed } from "../Failure.ts"
import * as Lookup from "../Lookup.ts"
import { withCommunity } from "../Session.ts"

/** The `close` command. */
export const close: Spec = {
  register: (program, run) => {
    program
      .command("close")
      .argument("<proposal>", "the proposal's number, title or part of it")
      .description(
        "Close a proposal once its deadline has passed in community time: anyone may, and the outcome follows from the stances alone, the same on every device."
      )
      .action((which: string, _options: object, command: Command) =>
        run(command, (ctx) =>
          withCommunity(ctx, async (r) => {
            r.requireFull()
            const p = Lookup.proposal(r.gov(), which)
            const n = Lookup.numberOf(r.gov(), p.id)
            if (p.status !== "open") throw failed("AlreadyClosed", `proposal ${n} (“${p.title}”) has already ended (${p.status}); \`affinity show ${n}\` prints how`)
            let attested = false
            if (r.communityTime() < p.deadline && ctx.now() >= p.deadline) attested = await CommunityTime.attestIfDue(r)
            const ct = r.communityTime()
            if (ct < p.deadline) {
              if (ctx.now() < p.deadline)
                throw failed("DeadlineNotReached", `proposal ${n} (“${p.title}”) is open until ${r.when(p.deadline)}; it can be closed once that deadline has passed`)
              throw failed(
                "DeadlineNotReached",
                [
                  `the deadline of proposal ${n} (“${p.title}”), ${r.date(p.deadline)}, has passed on your clock but not yet in community time (${r.date(ct)}):`,
                  `community time ${CommunityTime.whoMovesTime(r.core())}.`,
                  attested ? "Your device has now said so with a time witness." : "Your device has said so already.",
                  "Once the others have synced (their `affinity sync` says so for them), run `affinity sync` and close again."
                ].join(" ")
              )
            }
            await r.append(Governance.close(p.id), "Closing the proposal")
            const done = Governance.Records.proposal(r.gov(), p.id)!
            const d = done.decision!
            ctx.say(
              `Proposal ${n}, “${done.title}”, ${d.outcome === "passed" ? "passed" : d.outcome === "recorded" ? "is recorded" : "did not pass"}: ${Describe.sentence(Describe.outcomeText(r, done, d))}`
            )
            if (d.outcome === "passed") for (const line of Describe.resultLines(r, d)) ctx.say(line)
            ctx.say("Share it: affinity sync")
            return Describe.proposalJson(r, done)
          })
        )
      )
  }
}
