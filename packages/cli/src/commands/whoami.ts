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
            const name = session.settings.names[key.id]
            ctx.say(`You are ${name === undefined ? Names.label(key.id) : `${name} (${Names.label(key.id)})`} on this device.`)
            ctx.say(`Your device key, to give people who name you a founder: ${key.id}`)
            ctx.say(`Its secret is in ${ctx.home.keyFile}: back it up, never send it.`)
            let standing: { community: string; name: string; status: string } | null = null
            const current = session.settings.current
            if (current !== null && (await session.client.communities()).includes(current)) {
              const r = await openRoom(session, current)
              const me = r.me()
              const status = me === undefined ? "none" : (r.core().identities[me]?.status ?? "none")
              standing = { community: r.id, name: r.name, status }
              ctx.say(
                status === "full"
                  ? `In “${r.name}” you are a full member.`
                  : status === "applicant"
                    ? `In “${r.name}” you asked to join; the members have not decided yet.`
                    : status === "left"
                      ? `In “${r.name}” you are no longer a member.`
                      : `In “${r.name}” you are not a member.`
              )
            }
            return { key: key.id, label: Names.label(key.id), name: name ?? null, keyFile: ctx.home.keyFile, dataDirectory: ctx.home.dir, standing }
          })
        )
      )
  }
}
