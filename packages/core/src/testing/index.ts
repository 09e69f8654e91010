/**
 * `@affinity/core/testing`: shared test suites that adapters run against themselves.
 * It imports `vitest`, so only test code should import it. The `Storage` cases themselves
 * (`storageContractCases`) need no test framework and no Node module; code that runs them
 * elsewhere, such as a browser page, imports them from `@affinity/core/testing/cases`.
 *
 * @module
 */
export {
  REOPENING_GROUP,
  storageContractCases,
  type StorageContractCase,
  type StorageContractOptions
} from "./StorageCases.ts"
export { runStorageContract } from "./StorageContract.ts"
export { runStorageCrashTest, type StorageCrashOptions, type StorageOpener } from "./StorageCrash.ts"
export { runSyncTransportContract, type SyncTransportContractOptions, type SyncTransportPair } from "./SyncContract.ts"
