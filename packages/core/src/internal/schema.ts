/** Core's valibot helpers: strict objects with plain messages (the same helper modules use, `Body.strict`). */
export { strict } from "../Body.ts"
