/**
 * `affinity binder`: the community's binder, one HTML file to open in a browser and print
 * (or save as PDF): members, decisions with every stance and reason, working groups, the
 * prime groups' seats, and the ids for checking it in an appendix.
 *
 * @module
 */
import { stat, writeFile } from "node:fs/promises"
import { join, resolve } from "node:path"
import * as Governance from "@affinity/governance"
import type { Command } from "commander"
import type { Spec } from "../Command.ts"
import { failed } from "../Failure.ts"
import * as Modules from "../Modules.ts"
import * as Reads from "../Reads.ts"
import { withCommunity } from "../Session.ts"

interface Options {
  readonly out?: string
}

/** The file name the binder of a community gets when none is given: `riverside-tool-library-binder.html`. */
const fileName = (community: string): string => {
  const slug = community
    .normalize("NFKD")
    .replaceAll(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replaceAll(/[^a-z0-9]+/g, "-")
    .replaceAll(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "")
  return `${slug === "" ? "community" : slug}-binder.html`
}

const isDirectory = async (path: string): Promise<boolean> => (await stat(path).catch(() => undefined))?.isDirectory() === true

/** The `binder` command. */
export const binder: Spec = {
  register: (program, run) => {
    program
      .command("binder")
      .description(
        "Write the community's binder, to print and keep on paper: members, every decision with each stance and its reason, working groups and the prime groups' seats, as one page to open in a browser and print or save as PDF."
      )
      .option("-o, --out <file>", "where to write it (a file, or a directory for the default name); default: <community>-binder.html here")
      .action((options: Options, command: Command) =>
        run(command, (ctx) =>
          withCommunity(ctx, async (r) => {
            const gov = r.gov()
            const core = r.core()
            const chosen = options.out === undefined ? fileName(r.name) : resolve(options.out)
            const file = resolve((await isDirectory(chosen)) ? join(chosen, fileName(r.name)) : chosen)
            const html = Governance.Binder.html(gov, core, {
              nameOf: (id) => r.nameOf(id),
              timeOf: (key) => Reads.timeOf(r.handle, key),
              outcomeOf: (key) => Reads.outcome(r.handle, key),
              printed: ctx.now(),
              sections: Modules.binderSections((module) => r.handle.state(module)),
              ...(ctx.timeZone === undefined ? {} : { timeZone: ctx.timeZone })
            })
            await writeFile(file, html).catch((e: unknown) => {
              throw failed("CannotWrite", `the binder could not be written to ${file} (${e instanceof Error ? e.message : String(e)}); choose another place with --out`)
            })
            const members = Object.values(core.identities).filter((i) => i.status === "full").length
            const decisions = Governance.Records.decisions(gov).length
            const groups = Governance.Records.groups(gov).length
            const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`
            ctx.say(
              `Wrote the binder of “${r.name}” to ${file}: ${count(members, "full member")}, ${count(decisions, "decision")}, ${count(groups, "working group")}.`
            )
            ctx.say("Open it in a web browser and print it (Ctrl+P, or Cmd+P on a Mac), on A4 or Letter; to keep a PDF, choose “Save as PDF” as the printer.")
            ctx.say("Each section starts a page; ids appear only in the appendix at the end, for checking the binder against the community's log.")
            return { file, bytes: Buffer.byteLength(html), community: r.name, members, decisions, groups }
          })
        )
      )
  }
}
