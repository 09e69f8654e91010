/**
 * `@affinity/core/testing`: shared test suites that adapters and modules run against
 * themselves (the storage and sync contracts, the module laws), the synchronous test signer
 * and a builder of signed test histories. It imports `vitest` and `fast-check`, so only test
 * code (and benchmarks and vector generators) should import it. The `Storage` cases themselves
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
export {
  type AddOptions,
  type EventDraft,
  T0,
  TestCommunity
} from "./TestCommunity.ts"
export {
  checkLaw,
  checkModuleLaws,
  coreScenario,
  type Law,
  type LawName,
  type LawResult,
  LAWS,
  type LawScenario,
  type LawSetup,
  lawSetup,
  type ModuleLawsOptions
} from "./ModuleLaws.ts"
export { moduleLaws } from "./ModuleLawsSuite.ts"
export { publicKeyOf, signDraft, signSync, type TestKey, testKey } from "./Signer.ts"
