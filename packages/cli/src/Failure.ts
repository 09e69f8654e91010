/**
 * Failures a person can act on: what went wrong, in a sentence, and an exit code.
 *
 * @module
 */

/** Exit code of a run that did what was asked. */
export const OK = 0
/** Exit code of a run whose act was refused or failed (the community said no, a relay was unreachable, …). */
export const FAILED = 1
/** Exit code of a run given bad input (an unknown command, a missing argument, a proposal that does not exist, …). */
export const USAGE = 2

/**
 * A failure to report to the person: `message` says what is wrong and what to do, `tag`
 * names it for scripts (`--json`), `code` is the exit code.
 */
export class Failure extends Error {
  override readonly name = "Failure"
  /** A stable name for scripts, e.g. `"NotAFullMember"` or `"UnknownProposal"`. */
  readonly tag: string
  /** The exit code: {@link FAILED} or {@link USAGE}. */
  readonly code: number
  constructor(tag: string, message: string, code: number = FAILED) {
    super(message)
    this.tag = tag
    this.code = code
  }
}

/** A failure caused by bad input: exit code {@link USAGE}. */
export const usage = (tag: string, message: string): Failure => new Failure(tag, message, USAGE)

/** A refused or failed act: exit code {@link FAILED}. */
export const failed = (tag: string, message: string): Failure => new Failure(tag, message, FAILED)
