/**
 * `affinity members`: who is in the community, who asks to join, who left.
 *
 * @module
 */
import type { Cbor } from "@affinity/core"
import type { Command } from "commander"
import type { Spec } from "../Command.ts"
import type { Json } from "../Context.ts"
import * as Dates from "../Dates.ts"
import * as Describe from "../Describe.ts"
import * as Names from "../Names.ts"
import * as Reads from "../Reads.ts"
import { type Room, withCommunity } from "../Session.ts"

interface Options {
  readonly all?: boolean
}

const noteOf = (r: Room, key: string): string | null => {
  const body: Cbor.Value | undefined = Reads.bodyOf(r.handle, key)
  const isMap = (v: Cbor.Value | undefined): v is { readonly [key: string]: Cbor.Value } =>
    typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)
  const note = isMap(body) ? body["note"] : undefined
  return typeof note === "string" && note.trim() !== "" ? note : null
}

/** The `members` command. */
export const members: Spec = {
  register: (program, run) => {
    program
      .command("members")
      .description(
        "List the full members, who decide together, and the people asking to join, whom the members admit by a proposal."
      )
      .option("--all", "also those who left or were removed")
      .action((options: Options, command: Command) =>
        run(command, (ctx) =>
          withCommunity(ctx, async (r) => {
            const core = r.core()
            const me = r.me()
            const founders = new Set(core.community.founders)
            const rows = Object.entries(core.identities)
              .map(([id, identity]) => {
                const last = identity.history[identity.history.length - 1]
                const since = last === undefined ? core.community.created : (Reads.timeOf(r.handle, last.at) ?? core.community.created)
                const first = identity.history[0]
                return { id, identity, since, note: identity.status === "applicant" && first ? noteOf(r, first.at) : null }
              })
              .sort((a, b) => a.since - b.since || (a.id < b.id ? -1 : 1))
            const show = (id: string) => {
              const pronouns = r.names().profileOf(id)?.pronouns
              return `${Names.withLabel(r.people(), id)}${pronouns === undefined ? "" : `, ${pronouns}`}${id === me ? ", you" : ""}`
            }
            const full = rows.filter((x) => x.identity.status === "full")
            const applicants = rows.filter((x) => x.identity.status === "applicant")
            const left = rows.filter((x) => x.identity.status === "left")
            ctx.say(
              `“${r.name}”: ${full.length} full member${full.length === 1 ? "" : "s"}${applicants.length > 0 ? `, ${applicants.length} asking to join` : ""}`
            )
            ctx.say("Full members:")
            for (const x of full)
              ctx.say(`  ${show(x.id)} — ${founders.has(x.id) ? `founder, since ${r.date(core.community.created)}` : `admitted on ${r.date(x.since)}`}`)
            if (applicants.length > 0) {
              ctx.say("Asking to join:")
              for (const x of applicants) {
                ctx.say(`  ${show(x.id)} — asked on ${r.date(x.since)}${x.note ? `: “${x.note}”` : ""}`)
                if (me !== x.id) {
                  // Quoted as a shell word: a name may hold spaces; a label never does.
                  const name = r.nameOf(x.id)
                  const arg = name.includes(Names.label(x.id)) ? Names.label(x.id) : /^[\p{L}\p{N}._-]+$/u.test(name) ? name : `"${name.replaceAll('"', "")}"`
                  ctx.say(`    to admit: affinity propose "Admit ${name.replaceAll('"', "")}" --admit ${arg}`)
                }
              }
            }
            if (options.all && left.length > 0) {
              ctx.say("Left:")
              for (const x of left)
                ctx.say(`  ${show(x.id)} — ${x.identity.reason === null ? "left" : `removed by decision (“${x.identity.reason}”)`} on ${r.date(x.since)}`)
            }
            const shown = options.all ? rows : rows.filter((x) => x.identity.status !== "left")
            return shown.map(
              (x): Json => ({
                ...Describe.memberJson(r, x.id),
                status: x.identity.status,
                founder: founders.has(x.id),
                you: x.id === me,
                since: Dates.iso(x.since),
                note: x.note,
                reason: x.identity.reason,
                devices: [...x.identity.devices]
              })
            )
          })
        )
      )
  }
}
