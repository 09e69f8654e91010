/**
 * `@affinity/core/testing`: shared test suites that adapters run against themselves.
 * It imports `vitest`, so only test code should import it. The `Storage` cases themselves
 * (`storageContractCases`) need no test framework; code that runs them elsewhere, such as
 * a browser page, imports `src/testing/StorageCases.ts` on its own.
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
