/**
 * The context of one run: where it writes, which data directory and community it works on,
 * whether it prints for people or for scripts (`--json`), and this device's clock.
 *
 * @module
 */
import type { Home } from "./Home.ts"
import type { Io } from "./Io.ts"

/** A JSON value, as commands return it for `--json`. */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

/** The context of one run. */
export interface Context {
  readonly io: Io
  /** Whether output is JSON for scripts (`--json`) rather than text for people. */
  readonly json: boolean
  readonly home: Home
  /** The community named by `--community`, if any. */
  readonly community: string | undefined
  /** This device's clock (ms). */
  readonly now: () => number
  /** Time zone of printed dates (`undefined`: the system's). */
  readonly timeZone: string | undefined
  /** Print a line for people; nothing in `--json` mode. */
  readonly say: (line?: string) => void
}
