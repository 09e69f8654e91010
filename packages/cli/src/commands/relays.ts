/**
 * `affinity relays`: the relays the community in use syncs through.
 *
 * @module
 */
import type { Command } from "commander"
import type { Spec } from "../Command.ts"
import * as Parse from "../Parse.ts"
import { withCommunity } from "../Session.ts"
import * as Settings from "../Settings.ts"

interface Options {
  readonly add?: ReadonlyArray<string>
  readonly remove?: ReadonlyArray<string>
}

const collect = (value: string, previous: ReadonlyArray<string> = []): ReadonlyArray<string> => [...previous, value]

/** The `relays` command. */
export const relays: Spec = {
  register: (program, run) => {
    program
      .command("relays")
      .description(
        "List, add or remove the relays this community syncs through: a relay stores and forwards signed events and holds no power, so any relay can replace another."
      )
      .option("--add <url>", "add a relay, ws:// or wss:// (repeatable)", collect)
      .option("--remove <url>", "remove a relay (repeatable)", collect)
      .action((options: Options, command: Command) =>
        run(command, (ctx) =>
          withCommunity(ctx, async (r) => {
            const s = Settings.community(r.settings, r.id)
            const added = (options.add ?? []).map(Parse.relay)
            const removed = new Set(options.remove ?? [])
            s.relays = [...new Set([...s.relays.filter((u) => !removed.has(u)), ...added])]
            if (s.relays.length === 0) ctx.say(`“${r.name}” has no relay: add one with \`affinity relays --add ws://…\`.`)
            else {
              ctx.say(`“${r.name}” syncs through:`)
              for (const u of s.relays) ctx.say(`  ${u}`)
            }
            return { community: { id: r.id, name: r.name }, relays: s.relays }
          })
        )
      )
  }
}
