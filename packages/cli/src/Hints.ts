/**
 * The "Next:" block commands end with: the commands a person is likely to run next, each
 * with what it does.
 *
 * @module
 */

/** Print `Next:` and each step as an aligned `command   why` line. */
export const next = (say: (line?: string) => void, steps: ReadonlyArray<readonly [command: string, why: string]>): void => {
  if (steps.length === 0) return
  const width = Math.max(...steps.map(([c]) => c.length)) + 3
  say("")
  say("Next:")
  for (const [command, why] of steps) say(`  ${command.padEnd(width)}${why}`)
}
