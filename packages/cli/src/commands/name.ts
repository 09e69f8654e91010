/**
 * `affinity name <member> [name]`: give a member a name on this device.
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
      .argument("<member>", "the member: their label (e.g. lusab-babad), a name you gave them, or `me`")
      .argument("[name]", "the name to show for them")
      .description(
        "Give a member a name on this device: people are known by their keys, and names are your own address book; nobody else sees them."
      )
      .option("--forget", "forget the name, and show their label again")
      .action((who: string, given: string | undefined, options: Options, command: Command) =>
        run(command, (ctx) =>
          withCommunity(ctx, async (r) => {
            const id = Names.find(who, Object.keys(r.core().identities), r.settings.names, r.me(), "member or applicant")
            if (options.forget) {
              delete r.settings.names[id]
              ctx.say(`${Names.label(id)} has no name on this device any more.`)
            } else {
              if (given === undefined) throw usage("Missing", "give the name to show, or --forget")
              const checked = Names.checkName(given)
              const clash = Object.entries(r.settings.names).find(([other, n]) => other !== id && n.toLowerCase() === checked.toLowerCase())
              if (clash) throw usage("NameTaken", `you already call ${Names.label(clash[0])} “${clash[1]}”; choose another name`)
              r.settings.names[id] = checked
              ctx.say(`${Names.label(id)} is “${checked}” on this device.`)
            }
            return Describe.memberJson(r, id)
          })
        )
      )
  }
}
