/**
 * Sync: keeping replicas of communities in step over any transport that carries binary
 * frames. See `docs/protocol.md`, §13 for the protocol.
 *
 * - {@link Hub}: the engine (`makeHub`), one per replica, any number of peers.
 * - {@link Connection}: the transport contract every adapter implements.
 * - {@link Memory}: in-memory connections and a seeded, lossy simulated network.
 * - {@link Message} and {@link Reconcile}: the wire format and range-based set reconciliation.
 * - {@link Limits}: per-peer limits, disconnect reasons, the clock.
 * - {@link Introduction}: a member's signed request that a relay keep a community.
 * - {@link Measure}: measurements for benchmarks.
 *
 * @module
 */
import type * as Transport from "./Connection.ts"

export * as Connection from "./Connection.ts"
export * as Hub from "./Hub.ts"
export * as Introduction from "./Introduction.ts"
export * as Limits from "./Limits.ts"
export * as Measure from "./Measure.ts"
export * as Memory from "./Memory.ts"
export * as Message from "./Message.ts"
export * as Reconcile from "./Reconcile.ts"
export { makeHub, VERSIONS } from "./Hub.ts"
export type { Declined, Hub as SyncHub, HubOptions, Peer, PeerStats } from "./Hub.ts"
export type { Clock, DisconnectReason } from "./Limits.ts"

/** How a connection ended, as seen from one side: {@link Connection.CloseReason}. */
export type CloseReason = Transport.CloseReason
/** A reason to close a connection: {@link Connection.Reason}. */
export type Reason = Transport.Reason
