import type { Sync as S } from "@affinity/core"
export { Sync } from "@affinity/core"
export type Limits = S.Limits.Limits
export type SyncHub = S.SyncHub
