/**
 * The `affinity` program: global options, the commands in their help groups, and the text
 * that teaches the method.
 *
 * @module
 */
import { Command } from "commander"
import type { Runner } from "./Command.ts"
import { groups } from "./commands/index.ts"
import type { Context } from "./Context.ts"
import * as Home from "./Home.ts"
import type { Io } from "./Io.ts"
import { OK } from "./Failure.ts"
import { toFailure } from "./Report.ts"

/** The program's description: the method in a few sentences. */
export const ABOUT = [
  "A member's tool for a community that governs itself, kept on this computer.",
  "A community has no admin and no owner. Anyone proposes; members take a stance with their reasons (agree, stand aside, object, block); once the deadline has passed in community time, anyone closes the proposal and the outcome follows from the stances, the same on every device. Every act is an event signed with this device's key; relays carry events between members and hold no power."
].join("\n\n")

const AFTER = `
Start:  affinity create "Tool Library" --as Ada   or   affinity join <code> --as Bo
Then:   affinity status, and \`affinity help <command>\` for what a command takes.

The data directory (--dir, else $AFFINITY_HOME, else ~/.affinity) holds this
device's key (device.key, readable by you alone: back it up, never send it), the
communities and your settings. Exit codes: 0 done, 1 refused or failed, 2 bad
input. With --json, commands print JSON for scripts (ids in hex, dates in ISO
8601), and errors as {"error": {"tag", "message"}} on standard error.`

/** Build the program for one run; `outcome.code` receives the exit code of the command that ran. */
export const make = (io: Io, outcome: { code: number }): Command => {
  const program = new Command("affinity")
  program
    .description(ABOUT)
    .option("-d, --dir <path>", "data directory (default: $AFFINITY_HOME or ~/.affinity)")
    .option("-c, --community <community>", "the community to act on, by name or number (default: the one in use)")
    .option("--json", "print JSON for scripts instead of text")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showSuggestionAfterError()
    .configureHelp({ subcommandTerm: (command) => command.name() })
    .addHelpText("after", AFTER)
    .helpCommand("help [command]", "Show the help of a command.")

  const runner: Runner = async (command, work) => {
    const globals = command.optsWithGlobals<{ readonly dir?: string; readonly community?: string; readonly json?: boolean }>()
    const json = globals.json === true
    const ctx: Context = {
      io,
      json,
      home: Home.locate(globals.dir, io),
      community: globals.community,
      now: io.now ?? Date.now,
      timeZone: io.timeZone,
      say: json ? () => {} : (line = "") => io.stdout(`${line}\n`)
    }
    try {
      const result = await work(ctx)
      if (json) io.stdout(`${JSON.stringify(result, null, 2)}\n`)
      outcome.code = OK
    } catch (e) {
      const failure = toFailure(e, ctx)
      outcome.code = failure.code
      if (json) io.stderr(`${JSON.stringify({ error: { tag: failure.tag, message: failure.message } }, null, 2)}\n`)
      else io.stderr(`affinity: ${failure.message}\n`)
    }
  }

  for (const group of groups) {
    program.commandsGroup(group.heading)
    for (const spec of group.commands) spec.register(program, runner)
  }
  program.commandsGroup("Help:").helpCommand(true)
  return program
}
