/**
 * `affinity whoami`: this device's key and what it is in the community in use.
 *
 * @module
 */
import type { Command } from "commander"
import type { Spec } from "../Command.ts"
import { failed } from "../Failure.ts"
import * as Names from "../Names.ts"
import { openRoom, withSession } from "../Session.ts"

/** The `whoami` command. */
export const whoami: Spec = {
  register: (program, run) => {
    program
      .command("whoami")
      .description(
        "Show the device key that speaks for you: its label, where it is kept, and your standing in the community in use."
      )
      .action((_options: object, command: Command) =>
        run(command, (ctx) =>
          withSession(ctx, { key: "load" }, async (session) => {
            const key = session.key
            if (key === undefined) throw failed("NoKey", "this data directory has no device key yet: create a community (`affinity create`) or join one (`affinity join`)")
            const given = session.settings.names[key.id]
            let standing: { community: string; name: string; status: string; published: string | null } | null = null
            let said: string | undefined
            const current = session.settings.current
            if (current !== null && (await session.client.communities()).includes(current)) {
              const r = await openRoom(session, current)
              const me = r.me()
              const status = me === undefined ? "none" : (r.core().identities[me]?.status ?? "none")
              const published = me === undefined ? undefined : r.names().profileOf(me)?.name
              standing = { community: r.id, name: r.name, status, published: published ?? null }
              said =
                (status === "full"
                  ? `In “${r.name}” you are a full member`
                  : status === "applicant"
                    ? `In “${r.name}” you asked to join; the members have not decided yet`
                    : status === "left"
                      ? `In “${r.name}” you are no longer a member`
                      : `In “${r.name}” you are not a member`) +
                (status === "full" || status === "applicant"
                  ? published === undefined
                    ? "; you published no name there (`affinity profile --name …` says who you are)."
                    : `, and go by “${published}”.`
                  : ".")
            }
            const shown = given ?? standing?.published ?? undefined
            ctx.say(`You are ${shown === undefined ? Names.label(key.id) : `${shown} (${Names.label(key.id)})`} on this device.`)
            ctx.say(`Your device key, to give people who name you a founder: ${key.id}`)
            ctx.say(`Its secret is in ${ctx.home.keyFile}: back it up, never send it.`)
            if (said !== undefined) ctx.say(said)
            return { key: key.id, label: Names.label(key.id), name: shown ?? null, keyFile: ctx.home.keyFile, dataDirectory: ctx.home.dir, standing }
          })
        )
      )
  }
}
