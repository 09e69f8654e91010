/**
 * How a command plugs into the program. Each command is a file under `commands/` that
 * exports a {@link Spec}: it adds itself to commander's program and hands its work to the
 * {@link Runner}, which builds the run's {@link Context}, prints the result (text, or JSON
 * with `--json`) and turns failures into a sentence and an exit code.
 *
 * @module
 */
import type { Command } from "commander"
import type { Context, Json } from "./Context.ts"

/** Runs a command's work: `command` is commander's, for the global options. */
export type Runner = (command: Command, work: (ctx: Context) => Promise<Json>) => Promise<void>

/** A command: adds itself to the program. */
export interface Spec {
  readonly register: (program: Command, run: Runner) => void
}

/** A group of commands shown together in the help, under a heading. */
export interface Group {
  readonly heading: string
  readonly commands: ReadonlyArray<Spec>
}
