/**
 * What a run of the CLI talks to: its output streams, its environment and its clock. The
 * command `affinity` passes the process's; tests pass their own.
 *
 * @module
 */

/** Where a run writes, what it reads from its environment, and this device's clock. */
export interface Io {
  /** Writes text to standard output (text is passed as is, newlines included). */
  readonly stdout: (text: string) => void
  /** Writes text to standard error. */
  readonly stderr: (text: string) => void
  /** Environment variables: `AFFINITY_HOME` names the data directory. Default: none. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** The user's home directory, under which the default data directory lives. Default: `os.homedir()`. */
  readonly home?: string
  /**
   * This device's clock, in milliseconds since the epoch (default `Date.now`). Every event
   * the run writes claims this time, and events received are held while they claim a time
   * more than five minutes past it.
   */
  readonly now?: () => number
  /** The IANA time zone dates are printed in (default: the system's). */
  readonly timeZone?: string
}
