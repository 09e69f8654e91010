/**
 * `@affinity/defense`: the defense module: responding to threats from outside. A community
 * restricts outsiders (keys, other communities, relays) by decision, with a reason, evidence
 * and an expiry; follows allied communities' restriction lists, applying an entry on its own
 * only when enough of them agree; grants a defensive working group an emergency mandate that
 * expires, is renewed at most once and is reviewed; lets any two members freeze admissions,
 * payments or a channel for 72 hours; and helps members confirm each other's keys with a
 * safety number. The rules are in `docs/protocol.md`, the defense section.
 *
 * Register {@link module} beside governance (`Client.make({ modules: [Governance.module, Defense.module], … })`);
 * build drafts with {@link restrict}, {@link freeze}, {@link grantMandate} …; read the state
 * with {@link Records} and print it with {@link Binder}.
 *
 * ```ts
 * import * as Defense from "@affinity/defense"
 *
 * const draft = Defense.restrict({ relay: "wss://spam.example" }, { scope: ["sync"], reason: "floods members with spam" })
 * console.log(draft.module === "defense" && draft.type === "restrict") // true
 * ```
 *
 * @module
 */
export * as Binder from "./Binder.ts"
export * from "./module.ts"
