/**
 * `affinity use <community>`: choose the community commands act on.
 *
 * @module
 */
import type { Command } from "commander"
import type { Spec } from "../Command.ts"
import { findCommunity, withSession } from "../Session.ts"

/** The `use` command. */
export const use: Spec = {
  register: (program, run) => {
    program
      .command("use")
      .argument("<community>", "its name, or its number in `affinity communities`")
      .description("Choose the community your commands act on from now on.")
      .action((which: string, _options: object, command: Command) =>
        run(command, (ctx) =>
          withSession(ctx, { key: "load" }, async (session) => {
            const id = await findCommunity(session, which)
            session.settings.current = id
            const name = session.settings.communities[id]?.name ?? ""
            ctx.say(`Commands now act on “${name}”.`)
            return { community: { id, name } }
          })
        )
      )
  }
}
