/**
 * Entry point of `pnpm bench`; see `bench.ts`.
 *
 * @module
 */
import { main } from "./bench.ts"

await main(process.argv.slice(2))
