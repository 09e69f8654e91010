/**
 * `@affinity/governance`: the governance module — making decisions: proposals and async
 * consensus, decisions that carry actions, working groups, prime working groups drawn by lot,
 * decision records.
 *
 * Register {@link module} with a client (`Client.make({ modules: [Governance.module], … })`);
 * build event bodies with the helpers ({@link propose}, {@link stance}, {@link close} …),
 * typed by {@link Events}; read decisions and what became of their actions with
 * {@link decision}, and the state with {@link Records}. The rules are written down in
 * `docs/protocol.md`, §12.
 *
 * ```ts
 * import * as Governance from "@affinity/governance"
 *
 * const draft = Governance.propose({ title: "Weekly meeting on Thursdays", deadline: 1_700_000_000_000 + 3 * Governance.DAY })
 * console.log(draft.module === "governance" && draft.type === "proposal.open") // true
 * ```
 *
 * @module
 */
export * as Binder from "./Binder.ts"
export * from "./module.ts"
