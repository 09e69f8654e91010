/**
 * Imported first by `main.ts`, before the SDK: turns stack traces off while the app's modules
 * load, and keeps the limit to restore once they have.
 *
 * At load, `effect` probes how the engine writes stack traces: it makes an `Error` and reads
 * its `stack`. The first stack a page formats makes V8 parse the whole script again for its
 * source positions, which on a phone-class CPU is a main-thread task of a few hundred
 * milliseconds before anything is shown. With `Error.stackTraceLimit` at 0, `effect` skips
 * the probe and takes its portable path, which behaves the same.
 *
 * @module
 */

/** `Error.stackTraceLimit` as the page had it. */
export const stackTraceLimit: number = Error.stackTraceLimit
Error.stackTraceLimit = 0
