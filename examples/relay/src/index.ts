/**
 * `@affinity/example-relay`: a relay that stores and forwards events for any number of
 * communities, with no power in any of them. Start it with `pnpm --filter
 * @affinity/example-relay start -- --port 8787 --data ./relay-data`, or from code with
 * {@link startRelay}; {@link startDemoRelay} runs one on loopback in a temporary folder.
 *
 * @module
 */
export { startRelay, type Relay, type RelayOptions } from "./relay.ts"
export { startDemoRelay, type DemoRelay } from "./demo.ts"
export { Sync } from "./sync.ts"
