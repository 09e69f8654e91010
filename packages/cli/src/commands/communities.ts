/**
 * `affinity communities`: the communities in this data directory.
 *
 * @module
 */
import type { Command } from "commander"
import type { Spec } from "../Command.ts"
import * as Dates from "../Dates.ts"
import { ordered, withSession } from "../Session.ts"

/** The `communities` command. */
export const communities: Spec = {
  register: (program, run) => {
    program
      .command("communities")
      .description("List the communities kept in this data directory, numbered; commands act on the one in use (`affinity use`, or --community).")
      .action((_options: object, command: Command) =>
        run(command, (ctx) =>
          withSession(ctx, { key: "load" }, async (session) => {
            const ids = ordered(session, await session.client.communities())
            if (ids.length === 0) ctx.say("No community here yet: create one (`affinity create <name>`) or join one (`affinity join <code>`).")
            return ids.map((id, i) => {
              const s = session.settings.communities[id]
              const current = id === session.settings.current
              const synced = s?.lastSync == null ? "never synced" : `last synced ${Dates.relative(s.lastSync, ctx.now())}`
              ctx.say(`${current ? "*" : " "} ${i + 1}. ${s?.name || "(unnamed)"} — ${s?.relays.length ?? 0} relay${s?.relays.length === 1 ? "" : "s"}, ${synced}${current ? " (in use)" : ""}`)
              return { number: i + 1, id, name: s?.name ?? "", current, relays: [...(s?.relays ?? [])], lastSync: s?.lastSync == null ? null : Dates.iso(s.lastSync) }
            })
          })
        )
      )
  }
}
