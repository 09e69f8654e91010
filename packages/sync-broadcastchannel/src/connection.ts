/**
 * The `Connection` contract of `@affinity/core` (`Sync.Connection`) and its endpoint helper,
 * as this package uses them.
 *
 * @module
 */
import { Sync } from "@affinity/core"

export type Reason = Sync.Connection.Reason
export type CloseReason = Sync.Connection.CloseReason
export type Connection = Sync.Connection.Connection
export const makeEndpoint: () => Sync.Connection.Endpoint = Sync.Connection.makeEndpoint
