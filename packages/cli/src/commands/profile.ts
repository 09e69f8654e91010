/**
 * `affinity profile`: say who you are in the community in use: the name you go by, and if
 * you like your pronouns and a short note. It is published to the members (a
 * `core/member.profile` event whose erasable payload is the profile); they see you by it,
 * unless they gave you a name of their own on their device. `--erase` takes it away again.
 *
 * @module
 */
import { Names as CoreNames } from "@affinity/core"
import type { Command } from "commander"
import type { Spec } from "../Command.ts"
import type { Json } from "../Context.ts"
import * as Describe from "../Describe.ts"
import { failed, usage } from "../Failure.ts"
import * as Hints from "../Hints.ts"
import * as Names from "../Names.ts"
import * as Reads from "../Reads.ts"
import { type Room, withCommunity } from "../Session.ts"

interface Options {
  readonly name?: string
  readonly pronouns?: string
  readonly note?: string
  readonly erase?: boolean
}

/** A profile in words: `Ada (she/her): “compost and bees”`. */
const told = (p: CoreNames.Profile): string => `${p.name}${p.pronouns === undefined ? "" : ` (${p.pronouns})`}${p.note === undefined ? "" : `: “${p.note}”`}`

/** The identity this device acts for, which must be a member or an applicant; fails with a sentence otherwise. */
const speaker = (r: Room): string => {
  const me = r.me()
  const status = me === undefined ? undefined : r.core().identities[me]?.status
  if (me !== undefined && (status === "full" || status === "applicant")) return me
  if (status === "left") throw failed("MemberLeft", `you are no longer a member of ${r.name}, so you cannot publish a profile there`)
  throw failed("NotAMember", `this device does not act for any member of ${r.name}; join it with an invitation (\`affinity join <code>\`)`)
}

/** A field as given: `undefined` keeps the current value, `""` leaves it out. */
const field = (given: string | undefined, current: string | undefined): string | undefined =>
  given === undefined ? current : given.trim() === "" ? undefined : given.trim()

/** The `profile` command. */
export const profile: Spec = {
  register: (program, run) => {
    program
      .command("profile")
      .description(
        "Say who you are here: the name you go by, and if you like your pronouns and a short note, published to the members. A name is not an identity: changing it changes nothing else. Without options, show what you published."
      )
      .option("--name <name>", `the name you go by (1 to ${CoreNames.Limits.name} characters)`)
      .option("--pronouns <pronouns>", `your pronouns, e.g. she/her (at most ${CoreNames.Limits.pronouns} characters; "" leaves them out)`)
      .option("--note <text>", `a few words about you (at most ${CoreNames.Limits.note} characters; "" leaves it out)`)
      .option("--erase", "erase what you published: members see you by your label again")
      .action((options: Options, command: Command) =>
        run(command, (ctx) =>
          withCommunity(ctx, async (r): Promise<Json> => {
            const me = speaker(r)
            const current = r.names().profileOf(me)
            const result = (erased: number): Json => ({ ...Describe.memberJson(r, me), event: r.core().identities[me]?.profile ?? null, erased })
            if (options.erase) {
              if (options.name !== undefined || options.pronouns !== undefined || options.note !== undefined)
                throw usage("OneThing", "--erase takes no other option: erase your profile, or publish a new one")
              // Every profile this member published, on any of their devices, still held here.
              const identity = r.core().identities[me]!
              const published = Reads.profilesBy(r.handle, new Set([...identity.devices, ...identity.revoked, me]))
              for (const p of published) await r.append({ module: "core", type: "payload.erase", body: { header: p.header } }, "Erasing your profile")
              ctx.say(
                published.length === 0
                  ? `You have no profile here to erase; members see you as ${Names.label(me)}.`
                  : `Your profile is erased (${published.length === 1 ? "one profile" : `${published.length} profiles`}): once they sync, members see you as ${Names.label(me)}, unless they gave you a name of their own.`
              )
              if (published.length > 0) Hints.next(ctx.say, [["affinity sync", "share it with the others"]])
              return result(published.length)
            }
            if (options.name === undefined && options.pronouns === undefined && options.note === undefined) {
              ctx.say(
                current === undefined
                  ? `You have published no profile here: members see you as ${Names.label(me)}.`
                  : `You go by ${told(current)}. Members see you as ${Names.withLabel({ given: {}, directory: r.handle.names() }, me)}, unless they gave you a name of their own.`
              )
              if (current === undefined) Hints.next(ctx.say, [['affinity profile --name "…"', "say who you are"]])
              return result(0)
            }
            const name = field(options.name, current?.name)
            if (name === undefined) throw usage("Missing", 'give the name you go by: affinity profile --name "…"')
            const pronouns = field(options.pronouns, current?.pronouns)
            const note = field(options.note, current?.note)
            const next: CoreNames.Profile = { name: Names.checkName(name), ...(pronouns === undefined ? {} : { pronouns }), ...(note === undefined ? {} : { note }) }
            const problem = CoreNames.profileProblem(next)
            if (problem !== undefined) throw usage("BadProfile", problem)
            if (current !== undefined && current.name === next.name && current.pronouns === next.pronouns && current.note === next.note) {
              ctx.say(`You go by ${told(current)} already; nothing changed.`)
              return result(0)
            }
            await r.append({ module: "core", type: "member.profile", body: {} }, "Your profile", { payload: CoreNames.encodeProfile(next) })
            ctx.say(`You go by ${told(next)} in “${r.name}”. Members see it once they sync.`)
            const same = r.names().nameOf(me)
            if (same.includes(Names.label(me)) && same !== Names.label(me))
              ctx.say(`Someone else here goes by that name too, so people see you as ${same}.`)
            Hints.next(ctx.say, [["affinity sync", "share it with the others"]])
            return result(0)
          })
        )
      )
  }
}
