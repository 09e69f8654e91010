/**
 * `affinity sync`: exchange events with the community's relays.
 *
 * @module
 */
import type { Command } from "commander"
import type { Spec } from "../Command.ts"
import { failed, usage } from "../Failure.ts"
import * as News from "../News.ts"
import * as Parse from "../Parse.ts"
import * as RelaySync from "../RelaySync.ts"
import { withCommunity } from "../Session.ts"
import * as Settings from "../Settings.ts"

interface Options {
  readonly relay?: ReadonlyArray<string>
  readonly timeout?: string
}

const collect = (value: string, previous: ReadonlyArray<string> = []): ReadonlyArray<string> => [...previous, value]

/** The `sync` command. */
export const sync: Spec = {
  register: (program, run) => {
    program
      .command("sync")
      .description(
        "Send your events to the community's relays and receive everyone else's, until you hold the same events; every device then computes the same state from them."
      )
      .option("--relay <url>", "sync through this relay instead of the community's (repeatable)", collect)
      .option("--timeout <seconds>", "give up on a relay after this long (default 15)")
      .action((options: Options, command: Command) =>
        run(command, (ctx) =>
          withCommunity(ctx, async (r) => {
            const s = Settings.community(r.settings, r.id)
            const relays = options.relay ? options.relay.map(Parse.relay) : s.relays
            if (relays.length === 0) throw usage("NoRelay", `“${r.name}” has no relay: add one with \`affinity relays --add ws://…\`, or pass --relay`)
            const timeoutMs = Math.round(Parse.number(options.timeout ?? "15", "--timeout", 1, 3600, false) * 1000)
            const before = News.snapshot(r)
            const report = await RelaySync.syncOnce(r, relays, { timeoutMs })
            const news = News.since(r, before)
            const reached = report.relays.filter((x) => x.synced)
            if (reached.length > 0) s.lastSync = ctx.now()
            for (const x of report.relays)
              ctx.say(x.synced ? `Synced “${r.name}” through ${x.url}.` : `Could not sync through ${x.url}: ${x.problem ?? "unknown reason"}.`)
            const sent = report.relays.reduce((a, x) => a + x.sent, 0)
            ctx.say(`Received ${report.received} event${report.received === 1 ? "" : "s"}, sent ${sent}.`)
            if (report.attested) ctx.say("A deadline had passed on your clock but not in community time: your device said so with a time witness.")
            if (report.held > 0)
              ctx.say(`${report.held} event${report.held === 1 ? " claims" : "s claim"} a time ahead of your clock; they count once your clock gets there.`)
            if (news.length > 0) {
              ctx.say("New:")
              for (const item of news) ctx.say(`  ${item.text}`)
            }
            if (reached.length === 0)
              throw failed("Unreachable", `no relay could be reached; your events are kept here and will be sent at the next \`affinity sync\``)
            return {
              community: { id: r.id, name: r.name },
              relays: report.relays.map((x) => ({ url: x.url, synced: x.synced, problem: x.problem, sent: x.sent })),
              received: report.received,
              attested: report.attested,
              held: report.held,
              news: News.toJson(news)
            }
          })
        )
      )
  }
}
