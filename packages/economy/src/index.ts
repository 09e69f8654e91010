/**
 * `@affinity/economy`: the economy module — managing resources: resources under stewardship,
 * currency issuance, funding working groups, transaction records.
 *
 * Everything is in {@link module}'s file: the state machine, its event builders, its queries,
 * its records and the printable statement. The rules are written down in `docs/protocol.md`,
 * the economy section.
 *
 * ```ts
 * import * as Economy from "@affinity/economy"
 *
 * const draft = Economy.request("cd".repeat(32), 1200, "three hours of carpentry")
 * console.log(draft.module === "economy" && draft.type === "request") // true
 * ```
 *
 * @module
 */
export * from "./module.ts"
