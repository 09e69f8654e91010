/**
 * Loads the entry points named on the command line, runs {@link program}, and prints what it
 * found as one line of JSON.
 *
 * @module
 */
import { entries } from "./entries.js"
import { program } from "./program.js"

const loaded: Record<string, number> = {}
for (const specifier of process.argv.slice(2)) {
  const load = entries[specifier]
  if (load === undefined) throw new Error(`${specifier} is not a public entry point`)
  loaded[specifier] = Object.keys(await load()).length
}
console.log(JSON.stringify({ node: process.version, loaded, result: await program() }))
