/**
 * Entry point of `pnpm bench`; see `bench.ts`. `pnpm bench scale` runs the rows of a
 * 10,000-member community only (see `scale.ts`).
 *
 * @module
 */
import { main } from "./bench.ts"
import { scaleMain } from "./scale.ts"

const args = process.argv.slice(2)
if (args[0] === "scale") await scaleMain(args.slice(1))
else await main(args)
