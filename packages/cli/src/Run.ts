/**
 * `run(argv, io)`: the CLI as a function, for the `affinity` command and for tests. It
 * never exits the process; it resolves to the exit code.
 *
 * @module
 */
import { CommanderError } from "commander"
import { OK, USAGE } from "./Failure.ts"
import type { Io } from "./Io.ts"
import * as Program from "./Program.ts"

/**
 * Run the CLI on `argv` (the arguments after the program's name, e.g.
 * `["stance", "2", "agree"]`); resolves to the exit code: 0 done, 1 refused or failed, 2
 * bad input. For example, `await run(["--dir", dir, "--json", "proposals"], io)` resolves
 * to 0 after `io.stdout` received the proposals as JSON.
 */
export const run = async (argv: ReadonlyArray<string>, io: Io): Promise<number> => {
  const outcome = { code: OK }
  const program = Program.make(io, outcome)
  try {
    await program.parseAsync([...argv], { from: "user" })
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? OK : USAGE
    throw e
  }
  return outcome.code
}
