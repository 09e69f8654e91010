/**
 * `@affinity/core/conformance`: language-neutral conformance vectors and the runner that
 * checks an implementation of the Affinity protocol against them.
 *
 * The vectors live as JSON files (`cbor.json`, `events.json`, `signatures.json`,
 * `scenarios.json`; see `conformance/README.md` in the repository). An implementation is
 * anything that satisfies {@link Implementation}: this SDK ({@link ourImplementation}), or a
 * process in any language spoken to in JSON lines ({@link spawnImplementation}).
 *
 * ```ts
 * import { loadVectors, ourImplementation, runConformance } from "@affinity/core/conformance"
 *
 * const report = await runConformance(ourImplementation, await loadVectors("conformance/vectors"))
 * console.log(`${report.passed} passed, ${report.failed} failed`)
 * ```
 *
 * @module
 */
export { equal, fromCbor, type Json, toCbor } from "./json.ts"
export { headerJson, makeOurImplementation, ourImplementation, outcomeJson, verdictJson } from "./ours.ts"
export {
  handleRequest,
  ProtocolError,
  type RemoteImplementation,
  type Request,
  serveLines,
  type SpawnOptions,
  spawnImplementation
} from "./protocol.ts"
export {
  FILES,
  type FileName,
  loadVectors,
  parseVectors,
  runConformance,
  type RunOptions,
  VectorFileError
} from "./runner.ts"
export type {
  Awaitable,
  CborCanonical,
  CborFile,
  CborReject,
  CborUnencodable,
  CborVector,
  DecodeCborResult,
  DecodeEventResult,
  EncodeCborResult,
  EventInvalid,
  EventsFile,
  EventValid,
  EventVector,
  Failure,
  HeaderJson,
  Implementation,
  OutcomeJson,
  Report,
  ScenarioInput,
  ScenarioRequest,
  ScenarioResult,
  ScenariosFile,
  ScenarioVector,
  SignatureRequest,
  SignaturesFile,
  SignatureVector,
  VectorBase,
  Vectors,
  VerdictJson
} from "./types.ts"
