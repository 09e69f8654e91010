/**
 * `affinity invite`: make an invitation code for the community in use.
 *
 * @module
 */
import { Invitation } from "@affinity/core"
import type { Command } from "commander"
import type { Spec } from "../Command.ts"
import { usage } from "../Failure.ts"
import * as Parse from "../Parse.ts"
import { withCommunity } from "../Session.ts"
import * as Settings from "../Settings.ts"

interface Options {
  readonly relay?: ReadonlyArray<string>
}

const collect = (value: string, previous: ReadonlyArray<string> = []): ReadonlyArray<string> => [...previous, value]

/** The `invite` command. */
export const invite: Spec = {
  register: (program, run) => {
    program
      .command("invite")
      .description(
        "Make an invitation code to send to someone: it holds no secret, and joining with it only asks the members to admit them."
      )
      .option("--relay <url>", "a relay to name in the invitation instead of the community's (repeatable, at most 4)", collect)
      .action((options: Options, command: Command) =>
        run(command, (ctx) =>
          withCommunity(ctx, async (r) => {
            r.requireFull()
            const relays = options.relay ? options.relay.map(Parse.relay) : Settings.community(r.settings, r.id).relays
            if (relays.length > Invitation.MAX_RELAYS)
              throw usage("TooManyRelays", `an invitation names at most ${Invitation.MAX_RELAYS} relays; choose some with --relay`)
            const code = await Invitation.make({ genesis: r.handle.export()[0]!, relays, inviter: r.device() })
            ctx.say(`An invitation to “${r.name}”. Send this code to the person you invite; they run \`affinity join <code>\` (or open it in the web app):`)
            ctx.say("")
            ctx.say(code)
            ctx.say("")
            if (relays.length === 0)
              ctx.say("It names no relay, so they will need to be told one: add it with `affinity relays --add ws://…` and invite again.")
            else ctx.say(`They will sync through ${relays.join(", ")}.`)
            return { community: { id: r.id, name: r.name }, code, relays }
          })
        )
      )
  }
}
