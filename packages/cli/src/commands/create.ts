/**
 * `affinity create <name>`: found a community.
 *
 * @module
 */
import { Bytes, type Module, Names as CoreNames } from "@affinity/core"
import * as Governance from "@affinity/governance"
import type { Command } from "commander"
import type { Spec } from "../Command.ts"
import * as Describe from "../Describe.ts"
import { usage } from "../Failure.ts"
import * as Hints from "../Hints.ts"
import * as Names from "../Names.ts"
import * as Parse from "../Parse.ts"
import { room, withSession } from "../Session.ts"
import * as Settings from "../Settings.ts"

interface Options {
  readonly as?: string
  readonly founder?: ReadonlyArray<string>
  readonly relay?: ReadonlyArray<string>
  readonly quorum?: string
  readonly witnesses?: string
  readonly seats?: string
  readonly termDays?: string
}

const collect = (value: string, previous: ReadonlyArray<string> = []): ReadonlyArray<string> => [...previous, value]

/** The `create` command. */
export const create: Spec = {
  register: (program, run) => {
    program
      .command("create")
      .argument("<name>", "the community's name")
      .description(
        "Found a community on this computer: founders are ordinary full members, so nobody owns it and nobody can act alone."
      )
      .option("--as <your name>", "the name you go by, published to the members (`affinity profile` changes it)")
      .option("--founder <key>", "another founder's device key, from their `affinity whoami` (repeatable)", collect)
      .option("--relay <url>", "a relay members sync through, ws:// or wss:// (repeatable)", collect)
      .option("--quorum <percent>", "share of members who must take a stance for a consensus (default 50)")
      .option("--witnesses <n>", "members whose clocks move community time, at least 2 once there are three members (default 2)")
      .option("--seats <n>", "seats of each prime group, drawn by lot each term (default 3)")
      .option("--term-days <days>", "length of a term of the prime groups, in days (default 14)")
      .action((name: string, options: Options, command: Command) =>
        run(command, async (ctx) => {
          const title = Parse.text(name, "the community's name", 1, 200)
          const relays = (options.relay ?? []).map(Parse.relay)
          const me = options.as === undefined ? undefined : Names.checkName(options.as)
          const params: { -readonly [K in keyof Module.Params]?: Module.Params[K] } = {}
          if (options.quorum !== undefined) params.quorumPercent = Parse.number(options.quorum, "--quorum", 0, 100)
          if (options.witnesses !== undefined) params.timeWitnesses = Parse.number(options.witnesses, "--witnesses", 1, 64)
          if (options.seats !== undefined) params.primeSize = Parse.number(options.seats, "--seats", 1, 64)
          if (options.termDays !== undefined) params.primeTerm = Parse.number(options.termDays, "--term-days", 1, 90) * Governance.DAY
          const founders = (options.founder ?? []).map((f) => {
            const key = Bytes.fromHex(f.trim().toLowerCase())
            if (key === undefined || key.length !== 32)
              throw usage("BadKey", `“${f}” is not a device key; ask the founder for the key \`affinity whoami\` shows them (64 hex digits)`)
            return key
          })
          return withSession(ctx, { key: "create" }, async (session) => {
            const key = session.key!
            const others = founders.filter((f) => !Bytes.equals(f, key.publicKey))
            const handle = await session.client.create({ name: title, author: key, founders: others, params })
            const settings = Settings.community(session.settings, handle.id)
            settings.relays = [...new Set(relays)]
            session.settings.current = handle.id
            const r = room(session, handle)
            if (me !== undefined) await r.append({ module: "core", type: "member.profile", body: {} }, "Your name", { payload: CoreNames.encodeProfile({ name: me }) })
            const say = ctx.say
            say(`Created “${r.name}”. It is now the community your commands act on.`)
            say(
              others.length === 0
                ? `You (${r.nameOf(key.id)}) are its first member. Nobody owns it: from now on, members decide together.`
                : `You (${r.nameOf(key.id)}) and ${Names.list(others.map((f) => r.nameOf(Bytes.toHex(f))))} are its founders, ordinary full members: nobody owns it.`
            )
            Hints.next(say, [
              ...(relays.length === 0 ? [["affinity relays --add ws://…", "name a relay, so members can sync with each other"] as const] : []),
              ["affinity invite", "make an invitation code to send to someone"]
            ])
            return {
              community: { id: r.id, name: r.name },
              you: Describe.memberJson(r, key.id),
              founders: r.core().community.founders.map((f) => Describe.memberJson(r, f)),
              relays: settings.relays,
              params: { ...r.core().community.params }
            }
          })
        })
      )
  }
}
