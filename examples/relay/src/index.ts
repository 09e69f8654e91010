/**
 * `@affinity/example-relay`: a relay that stores and forwards events for the communities
 * its operator allows or members introduce, with no power in any of them. Start it with
 * `pnpm --filter @affinity/example-relay start -- --port 8787 --data ./relay-data`, or from
 * code with {@link startRelay}; {@link startDemoRelay} runs one on loopback in a temporary
 * folder. Members introduce a community with a signed request (`Sync.Introduction`,
 * from `@affinity/core`).
 *
 * @module
 */
export { startRelay, type Relay, type RelayOptions } from "./relay.ts"
export { startDemoRelay, type DemoRelay } from "./demo.ts"
export * as Admission from "./Admission.ts"
export { Sync } from "./sync.ts"
