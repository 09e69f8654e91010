/**
 * Shapes of the conformance vector files and of the answers an implementation gives.
 * Every byte string in a vector file is lower-case hex.
 *
 * @module
 */
import type { Json } from "./json.ts"

/** What every vector carries: a unique name and a sentence saying what it checks. */
export interface VectorBase {
  readonly name: string
  readonly checks: string
}

// --- cbor.json ------------------------------------------------------------------------------

/** A value in the canonical model: `encodeCbor(value)` must give `hex`, and `decodeCbor(hex)` must give `value`. */
export interface CborCanonical extends VectorBase {
  readonly expectation: "canonical"
  /** JSON view of the value (byte strings as `{ "$bytes": hex }`). */
  readonly value: Json
  readonly hex: string
}

/** Bytes a strict decoder must refuse. */
export interface CborReject extends VectorBase {
  readonly expectation: "reject"
  readonly hex: string
}

/** A JSON value outside the model (a fraction, an integer beyond ±(2^53 − 1)): `encodeCbor` must refuse it. */
export interface CborUnencodable extends VectorBase {
  readonly expectation: "unencodable"
  readonly value: Json
}

/** One vector of `cbor.json`. */
export type CborVector = CborCanonical | CborReject | CborUnencodable

/** `cbor.json`. */
export interface CborFile {
  readonly description: string
  readonly rules: string
  readonly vectors: ReadonlyArray<CborVector>
}

// --- events.json ----------------------------------------------------------------------------

/** JSON view of an event header: byte fields as hex strings (`null` where the protocol allows it). */
export interface HeaderJson {
  readonly version: number
  readonly community: string | null
  readonly author: string
  readonly seq: number
  readonly prev: string | null
  readonly parents: ReadonlyArray<string>
  readonly time: number
  readonly module: string
  readonly type: string
  readonly bodyHash: string
  readonly bodySize: number
  /** SHA-256 of the payload the header commits to: a version 2 header only. */
  readonly payloadHash?: string
  /** The payload's length: a version 2 header only. */
  readonly payloadSize?: number
}

/** Wire bytes that are a well-formed event with a valid signature. */
export interface EventValid extends VectorBase {
  readonly expectation: "valid"
  readonly hex: string
  /** Hex of SHA-256 of the header bytes. */
  readonly id: string
  readonly header: HeaderJson
  /** JSON view of the decoded body. */
  readonly body: Json
}

/** Wire bytes that are not a valid event, with the reason tag the first broken rule gives. */
export interface EventInvalid extends VectorBase {
  readonly expectation: "invalid"
  readonly hex: string
  readonly reason: string
}

/** One vector of `events.json`. */
export type EventVector = EventValid | EventInvalid

/** `events.json`. */
export interface EventsFile {
  readonly description: string
  readonly rules: string
  readonly vectors: ReadonlyArray<EventVector>
}

// --- signatures.json ------------------------------------------------------------------------

/** One signature to judge under the protocol's verification rule. */
export interface SignatureVector extends VectorBase {
  readonly publicKey: string
  readonly message: string
  readonly signature: string
  readonly valid: boolean
}

/** `signatures.json`. */
export interface SignaturesFile {
  readonly description: string
  readonly rule: string
  readonly vectors: ReadonlyArray<SignatureVector>
}

// --- scenarios.json -------------------------------------------------------------------------

/** A verdict as JSON: its tag, and the reason tag when `Invalid`. */
export interface VerdictJson {
  readonly tag: "Valid" | "Duplicate" | "Pending" | "Invalid"
  readonly reason?: string
}

/** An outcome as JSON: `Applied`, or `Rejected` with the reason tag. */
export interface OutcomeJson {
  readonly tag: "Applied" | "Rejected"
  readonly reason?: string
}

/** What running a scenario gives; the same shape is expected from every implementation. */
export interface ScenarioResult {
  /** One verdict per input, in input order. */
  readonly verdicts: ReadonlyArray<VerdictJson>
  /** The outcome of every delivered event (the genesis included), by event id (hex). */
  readonly outcomes: { readonly [id: string]: OutcomeJson }
  /** Hex of the replica's state hash after the last input. */
  readonly stateHash: string
}

/** One input of a scenario: wire bytes, with a label for people reading the file. */
export interface ScenarioInput {
  readonly label: string
  readonly hex: string
  /** Event id of the input, when it decodes (informative). */
  readonly id?: string
}

/** A community opened from `genesis`, then fed `inputs` one at a time, in order. */
export interface ScenarioVector extends VectorBase {
  /** Wire bytes of the community's genesis. */
  readonly genesis: string
  readonly inputs: ReadonlyArray<ScenarioInput>
  readonly expected: ScenarioResult
}

/** `scenarios.json`. */
export interface ScenariosFile {
  readonly description: string
  readonly procedure: string
  readonly vectors: ReadonlyArray<ScenarioVector>
}

/** What an implementation is given to run: the genesis and the inputs' wire bytes, nothing expected. */
export interface ScenarioRequest {
  readonly genesis: string
  readonly inputs: ReadonlyArray<string>
}

// --- implementations and reports ------------------------------------------------------------

/** A value or a promise of it. */
export type Awaitable<A> = A | Promise<A>

/** Answer to `decodeCbor`. */
export type DecodeCborResult = { readonly ok: true; readonly value: Json } | { readonly ok: false }

/** Answer to `encodeCbor`. */
export type EncodeCborResult = { readonly ok: true; readonly hex: string } | { readonly ok: false }

/** Answer to `decodeEvent`: the event's id and views, or the reason tag it is refused with. */
export type DecodeEventResult =
  | { readonly ok: true; readonly id: string; readonly header: HeaderJson; readonly body: Json }
  | { readonly ok: false; readonly reason: string }

/** One signature to verify (hex). */
export interface SignatureRequest {
  readonly publicKey: string
  readonly message: string
  readonly signature: string
}

/**
 * What an implementation of the protocol offers the conformance runner. Any implementation
 * can satisfy it, in-process or (through the JSON-lines protocol) in another language.
 */
export interface Implementation {
  /** A name for reports. */
  readonly name: string
  /** Strictly decode canonical CBOR; `ok: false` for any bytes outside the canonical model. */
  readonly decodeCbor: (hex: string) => Awaitable<DecodeCborResult>
  /** Canonical encoding of a JSON view; `ok: false` for values outside the model. */
  readonly encodeCbor: (value: Json) => Awaitable<EncodeCborResult>
  /** Decode wire bytes as an event and verify the author's signature on it. */
  readonly decodeEvent: (hex: string) => Awaitable<DecodeEventResult>
  /** Verify one ed25519 signature under the protocol's rule. */
  readonly verifySignature: (request: SignatureRequest) => Awaitable<boolean>
  /** Open a community from the genesis, feed it the inputs one at a time, report what happened. */
  readonly runScenario: (scenario: ScenarioRequest) => Awaitable<ScenarioResult>
}

/** The vector files, as loaded; a missing file is absent and named in `missing`. */
export interface Vectors {
  readonly cbor?: CborFile
  readonly events?: EventsFile
  readonly signatures?: SignaturesFile
  readonly scenarios?: ScenariosFile
  /** File names that were not found. */
  readonly missing: ReadonlyArray<string>
}

/** One vector an implementation got wrong. */
export interface Failure {
  /** Vector file name, e.g. `"events.json"`. */
  readonly file: string
  /** The vector's name. */
  readonly name: string
  readonly expected: unknown
  readonly actual: unknown
}

/** What a conformance run found. */
export interface Report {
  readonly passed: number
  readonly failed: number
  readonly failures: ReadonlyArray<Failure>
}
