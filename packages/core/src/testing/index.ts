/**
 * `@affinity/core/testing`: shared test suites that adapters run against themselves.
 * It imports `vitest`, so only test code should import it.
 *
 * @module
 */
export { runStorageContract, type StorageContractOptions } from "./StorageContract.ts"
export { runSyncTransportContract, type SyncTransportContractOptions, type SyncTransportPair } from "./SyncContract.ts"
