/**
 * `affinity name <member> [name]`: give a member a name on this device. It comes before the
 * name they published themselves, on this device only.
 *
 * @module
 */
import type { Command } from "commander"
import type { Spec } from "../Command.ts"
import * as Describe from "../Describe.ts"
import { usage } from "../Failure.ts"
import * as Names from "../Names.ts"
import { withCommunity } from "../Session.ts"

interface Options {
  readonly forget?: boolean
}

/** The `name` command. */
export const name: Spec = {
  register: (program, run) => {
    program
      .command("name")
      .argument("<member>", "the member: their name, their label (e.g. lusab-babad), or `me`")
      .argument("[name]", "the name to show for them")
      .description(
        "Give a member a name on this device, shown instead of the name they published: your own address book; nobody else sees it."
      )
      .option("--forget", "forget the name, and show the name they published (or their label) again")
      .action((who: string, given: string | undefined, options: Options, command: Command) =>
        run(command, (ctx) =>
          withCommunity(ctx, async (r) => {
            const id = r.find(who, Object.keys(r.core().identities), "member or applicant")
            const published = r.names().profileOf(id)?.name
            if (options.forget) {
              delete r.settings.names[id]
              ctx.say(
                published === undefined
                  ? `${Names.label(id)} has no name on this device any more.`
                  : `${Names.label(id)} has no name on this device any more: they show as “${published}”, the name they published.`
              )
            } else {
              if (given === undefined) throw usage("Missing", "give the name to show, or --forget")
              const checked = Names.checkName(given)
              const clash = Object.entries(r.settings.names).find(([other, n]) => other !== id && n.toLowerCase() === checked.toLowerCase())
              if (clash) throw usage("NameTaken", `you already call ${Names.label(clash[0])} “${clash[1]}”; choose another name`)
              r.settings.names[id] = checked
              ctx.say(
                `${Names.label(id)} is “${checked}” on this device${published !== undefined && published !== checked ? `; they call themselves “${published}”` : ""}.`
              )
            }
            return Describe.memberJson(r, id)
          })
        )
      )
  }
}
