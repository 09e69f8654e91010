/**
 * `affinity join <code>`: start a community's replica from an invitation and ask to join.
 *
 * @module
 */
import { Invitation, Names as CoreNames } from "@affinity/core"
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
  readonly note?: string
}

/** The `join` command. */
export const join: Spec = {
  register: (program, run) => {
    program
      .command("join")
      .argument("<code>", "the invitation code (or a web app link with #join=…)")
      .description(
        "Ask to join a community with an invitation: you become an applicant, and the members decide by a proposal whether to admit you."
      )
      .option("--as <your name>", "the name you go by, published to the members with your request (`affinity profile` changes it)")
      .option("--note <text>", "a few words for the members who decide (default: that you would like to join, with your name)")
      .action((code: string, options: Options, command: Command) =>
        run(command, async (ctx) => {
          const opened = await Invitation.decode(code)
          if (!opened.ok) throw usage(opened.error.reason, `this invitation cannot be used: ${opened.error.message}`)
          const invitation = opened.invitation
          const me = options.as === undefined ? undefined : Names.checkName(options.as)
          const note = Parse.text(options.note ?? (me === undefined ? "" : `${me} would like to join.`), "the note", 0, 4000)
          return withSession(ctx, { key: "create" }, async (session) => {
            const key = session.key!
            const known = (await session.client.communities()).includes(invitation.community)
            const handle = known ? await session.client.open(invitation.community) : await session.client.join(invitation.genesis)
            const settings = Settings.community(session.settings, handle.id)
            settings.relays = [...new Set([...settings.relays, ...invitation.relays])]
            session.settings.current = handle.id
            const r = room(session, handle)
            const say = ctx.say
            const inviter = r.nameOf(invitation.inviter)
            say(`You opened the invitation to “${r.name}” from ${inviter}${invitation.inviterIsFounder ? ", one of its founders" : ""}.`)
            let applied = false
            const status = r.me() === undefined ? undefined : r.core().identities[r.me()!]?.status
            if (status === undefined) {
              await r.append({ module: "core", type: "member.apply", body: { note } }, "Your request to join")
              applied = true
              say(
                me === undefined
                  ? `You asked to join. The members decide whether to admit you, by a proposal; your label is ${Names.label(key.id)}: tell them it is you (or say who you are with \`affinity profile --name …\`).`
                  : `You asked to join. The members decide whether to admit you, by a proposal; your label is ${Names.label(key.id)}.`
              )
            } else if (status === "full") say("You are already a full member of it.")
            else if (status === "applicant") say("You asked to join it before; the members have not decided yet.")
            else say("You were a member of it and left; nothing was sent.")
            const identity = r.me()
            const current = identity === undefined ? undefined : r.names().profileOf(identity)?.name
            const standing = identity === undefined ? undefined : r.core().identities[identity]?.status
            if (me !== undefined && current !== me && (standing === "applicant" || standing === "full")) {
              await r.append({ module: "core", type: "member.profile", body: {} }, "Your name", { payload: CoreNames.encodeProfile({ name: me }) })
              say(`You go by “${me}”: the members see your name once you sync.`)
            }
            Hints.next(say, [
              ...(settings.relays.length === 0
                ? [["affinity relays --add ws://…", "the invitation names no relay: add the one your community uses"] as const]
                : []),
              ["affinity sync", "send your request and receive the community's events"]
            ])
            return {
              community: { id: r.id, name: r.name },
              you: Describe.memberJson(r, key.id),
              inviter: invitation.inviter,
              inviterIsFounder: invitation.inviterIsFounder,
              applied,
              note: applied ? note : null,
              relays: settings.relays
            }
          })
        })
      )
  }
}
