/**
 * `@affinity/cli`: the `affinity` command, a member's day-to-day tool for a community
 * stored on disk, and {@link run}, the same as a function for tests and scripts.
 *
 * @module
 */
export { run } from "./Run.ts"
export type { Io } from "./Io.ts"
export { FAILED, OK, USAGE } from "./Failure.ts"
