/**
 * `@affinity/core`: signed, hash-linked community logs, the deterministic fold that turns
 * them into state, and the services (crypto, storage) every module runs on.
 *
 * @module
 */
export * as Aead from "./Aead.ts"
export * as Body from "./Body.ts"
export * as Bytes from "./Bytes.ts"
export * as Cbor from "./Cbor.ts"
export * as Client from "./Client.ts"
export * as Community from "./Community.ts"
export * as CoreEvents from "./CoreEvents.ts"
export * as Crypto from "./Crypto.ts"
export * as Event from "./Event.ts"
export * as EventBodies from "./EventBodies.ts"
export * as Hash from "./Hash.ts"
export * as Invitation from "./Invitation.ts"
export * as Keys from "./Keys.ts"
export * as Log from "./Log.ts"
export * as Membership from "./Membership.ts"
export * as Module from "./Module.ts"
export * as Names from "./Names.ts"
export * as Query from "./Query.ts"
export * as Replica from "./Replica.ts"
export * as Seal from "./Seal.ts"
export * as Signature from "./Signature.ts"
export * as Standing from "./Standing.ts"
export * as Storage from "./Storage.ts"
export * as Sync from "./sync/index.ts"
export * as SyncRound from "./SyncRound.ts"
export type { DeviceKey } from "./Keys.ts"
