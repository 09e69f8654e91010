/**
 * `@affinity/expression/client`: what a member's device does beside the fold: the cryptography
 * of private channels ({@link Private}), chat through a community handle ({@link Chat}) and the
 * public page's verification against a community's log ({@link Site}). It imports
 * `@affinity/core` (sealing, encryption, the replica); the module itself does not.
 *
 * @module
 */
export * as Chat from "./Chat.ts"
export * as Private from "./Private.ts"
export * as Site from "./Site.ts"
