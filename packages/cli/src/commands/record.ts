/**
 * `affinity record`: every decision, in the order it was taken.
 *
 * @module
 */
import * as Governance from "@affinity/governance"
import type { Command } from "commander"
import type { Spec } from "../Command.ts"
import * as Describe from "../Describe.ts"
import { usage } from "../Failure.ts"
import * as Lookup from "../Lookup.ts"
import * as Reads from "../Reads.ts"
import { withCommunity } from "../Session.ts"

interface Options {
  readonly markdown?: boolean
  readonly csv?: boolean
}

/** The `record` command. */
export const record: Spec = {
  register: (program, run) => {
    program
      .command("record")
      .description(
        "Print the decision record: every proposal that ended, in order, with its outcome and why, what it carried out, and each stance with its reason, to keep or print."
      )
      .option("--markdown", "the record as Markdown (the governance module's export, with event ids)")
      .option("--csv", "the record as CSV, one row per decision (the governance module's export)")
      .action((options: Options, command: Command) =>
        run(command, (ctx) =>
          withCommunity(ctx, async (r) => {
            if (options.markdown && options.csv) throw usage("OneFormat", "choose --markdown or --csv, not both")
            const gov = r.gov()
            const decided = Governance.Records.decisions(gov)
            if (options.markdown || options.csv) {
              // Names as people see them here (given, else published, else labels); ids stay, for checking.
              const exportOptions = { outcomeOf: (key: string) => Reads.outcome(r.handle, key), nameOf: (id: string) => r.nameOf(id) }
              const text = options.markdown ? Governance.Records.toMarkdown(gov, exportOptions) : Governance.Records.toCsv(gov, exportOptions)
              if (!ctx.json) ctx.io.stdout(text)
              return { format: options.markdown ? "markdown" : "csv", text }
            }
            ctx.say(`Decision record of “${r.name}”`)
            if (decided.length === 0) ctx.say("No decision yet.")
            for (const p of decided) {
              const d = p.decision!
              ctx.say("")
              ctx.say(`${Lookup.numberOf(gov, p.id)}. ${p.title}`)
              ctx.say(`   ${Describe.outcomeWord(d.outcome)} on ${r.date(d.at)}: ${Describe.sentence(Describe.outcomeText(r, p, d))}`)
              ctx.say(
                `   Proposed by ${r.nameOf(p.proposer)} on ${r.date(p.opened)}, decided by ${Describe.decidedBy(r, p.scope)} by ${p.process}${d.version > 0 ? `; amended ${d.version === 1 ? "once" : `${d.version} times`}` : ""}.`
              )
              const lines =
                d.outcome === "passed"
                  ? Describe.resultLines(r, d, "Carried out")
                  : Describe.plannedLines(r, Governance.actionsOf(d), "It would have carried out")
              for (const line of lines) ctx.say(`   ${line}`)
              if (d.text !== "") for (const line of d.text.split("\n")) ctx.say(`   > ${line}`)
              for (const s of d.stances) ctx.say(`   - ${r.nameOf(s.member)} ${Describe.stancePast(s.stance)}${s.reason ? `: “${s.reason}”` : ""}`)
            }
            return decided.map((p) => Describe.proposalJson(r, p))
          })
        )
      )
  }
}
