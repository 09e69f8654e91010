/**
 * Everything of the expression module in one namespace: its state, drafts and module.
 *
 * @module
 */
export * from "./Build.ts"
export { module } from "./module.ts"
export { standing } from "./Machine.ts"
export * from "./State.ts"
