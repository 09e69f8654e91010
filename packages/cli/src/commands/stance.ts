/**
 * `affinity stance <proposal> <stance> [reason]`: say where you stand on a proposal.
 *
 * @module
 */
import * as Governance from "@affinity/governance"
import type { Command } from "commander"
import type { Spec } from "../Command.ts"
import * as Describe from "../Describe.ts"
import { failed, usage } from "../Failure.ts"
import * as Lookup from "../Lookup.ts"
import * as Parse from "../Parse.ts"
import { isFull, withCommunity } from "../Session.ts"

/** What a stance means for this proposal, in a sentence. */
const meaning = (kind: Governance.StanceKind, process: Governance.Process): string => {
  if (process === "poll") return "A poll decides nothing: your stance is recorded with the others."
  switch (kind) {
    case "agree":
      return "Your agreement counts toward the decision."
    case "abstain":
      return "Standing aside, you let it pass without you; you still count toward the quorum."
    case "object":
      return process === "consent"
        ? "An objection stops a proposal decided by consent; your reason tells the others what would change your mind."
        : "Your objection and its reason are recorded; in a consensus only a block stops the decision."
    case "block":
      return "While your block stands, it cannot pass; your reason tells the others what would change your mind."
  }
}

/** The `stance` command. */
export const stance: Spec = {
  register: (program, run) => {
    program
      .command("stance")
      .argument("<proposal>", "the proposal's number, title or part of it")
      .argument("<stance>", "agree, stand-aside, object or block")
      .argument("[reason]", "why; needed to object or block, and kept in the record")
      .description(
        "Say where you stand on an open proposal, with your reason: agree; stand aside (let it pass without you); object (disagree, recorded); block (stop it, with a reason). You can change it until the deadline."
      )
      .action((which: string, kindText: string, reason: string | undefined, _options: object, command: Command) =>
        run(command, (ctx) =>
          withCommunity(ctx, async (r) => {
            const me = r.requireFull()
            const kind = Parse.stance(kindText)
            const p = Lookup.proposal(r.gov(), which)
            const n = Lookup.numberOf(r.gov(), p.id)
            if (p.status !== "open") throw failed("AlreadyClosed", `proposal ${n} (“${p.title}”) has ended (${p.status}); \`affinity show ${n}\` prints how`)
            if (r.communityTime() >= p.deadline)
              throw failed("DeadlinePassed", `the deadline of proposal ${n} (“${p.title}”) has passed, so stances are over; anyone can close it: \`affinity close ${n}\``)
            const gov = r.gov()
            if (p.scope._tag === "Group") {
              const group = Governance.Records.group(gov, p.scope.group)
              if (!group?.members.includes(me))
                throw failed("NotInGroup", `only the members of working group “${group?.name ?? "unknown"}” decide proposal ${n}`)
            }
            if (p.scope._tag === "Prime") {
              const params = r.core().community.params
              const term = Governance.termAt(gov, params, r.communityTime())
              if (!Governance.Records.seats(gov, term, p.scope.module, (id) => isFull(r.core(), id)).includes(me))
                throw failed("NotSeated", `only the members seated in the ${p.scope.module} prime group this term decide proposal ${n}`)
            }
            const why = reason === undefined ? undefined : Parse.text(reason, "the reason", 0, 4000)
            if ((kind === "object" || kind === "block") && (why === undefined || why.trim() === ""))
              throw usage("ReasonNeeded", `to ${kind}, give your reason, so the others know what would change your mind: affinity stance ${n} ${kind} "…"`)
            await r.append(Governance.stance(p.id, kind, why), "Your stance")
            const you = kind === "abstain" ? "You stand aside on" : kind === "agree" ? "You agree with" : kind === "object" ? "You object to" : "You block"
            ctx.say(`${you} proposal ${n}, “${p.title}”.${why ? ` Your reason: “${why}”` : ""}`)
            ctx.say(meaning(kind, p.process))
            ctx.say(`You can change your stance until ${r.when(p.deadline)}. Share it: affinity sync`)
            return Describe.proposalJson(r, Governance.Records.proposal(r.gov(), p.id)!)
          })
        )
      )
  }
}
