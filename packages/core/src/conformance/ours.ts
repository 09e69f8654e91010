/**
 * This SDK's implementation of the protocol, wrapped for the conformance runner.
 *
 * @module
 */
import { Effect, Layer } from "effect"
import * as Bytes from "../Bytes.ts"
import * as Cbor from "../Cbor.ts"
import * as Community from "../Community.ts"
import * as Crypto from "../Crypto.ts"
import * as Event from "../Event.ts"
import type { Verdict } from "../Log.ts"
import type { Outcome } from "../Replica.ts"
import * as Storage from "../Storage.ts"
import { fromCbor, type Json, sortedObject, toCbor } from "./json.ts"
import type {
  DecodeCborResult,
  DecodeEventResult,
  EncodeCborResult,
  HeaderJson,
  Implementation,
  OutcomeJson,
  ScenarioRequest,
  ScenarioResult,
  SignatureRequest,
  VerdictJson
} from "./types.ts"

const hexBytes = (hex: string): Uint8Array => {
  const bytes = Bytes.fromHex(hex)
  if (bytes === undefined) throw new TypeError(`not hex: ${hex.slice(0, 40)}`)
  return bytes
}

const optHex = (bytes: Uint8Array | null): string | null => (bytes === null ? null : Bytes.toHex(bytes))

/** JSON view of a decoded header. */
export const headerJson = (h: Event.Header): HeaderJson => ({
  version: h.version,
  community: optHex(h.community),
  author: Bytes.toHex(h.author),
  seq: h.seq,
  prev: optHex(h.prev),
  parents: h.parents.map(Bytes.toHex),
  time: h.time,
  module: h.module,
  type: h.type,
  bodyHash: Bytes.toHex(h.bodyHash),
  bodySize: h.bodySize,
  // Only a version 2 header commits to a payload.
  ...(h.payloadHash === null ? {} : { payloadHash: Bytes.toHex(h.payloadHash), payloadSize: h.payloadSize })
})

/** JSON view of a log verdict. */
export const verdictJson = (v: Verdict): VerdictJson =>
  v._tag === "Invalid" ? { tag: "Invalid", reason: v.reason._tag } : { tag: v._tag }

/** JSON view of a fold outcome. */
export const outcomeJson = (o: Outcome): OutcomeJson =>
  o._tag === "Rejected" ? { tag: "Rejected", reason: o.reason._tag } : { tag: "Applied" }

/**
 * The implementation of `@affinity/core` over a given Crypto provider. Scenarios run
 * through `Community.join` and `Community.receive` on in-memory storage, exactly as an
 * application receives events from peers.
 */
export const makeOurImplementation = (crypto: () => Promise<Crypto.CryptoShape>): Implementation => {
  const decodeCbor = (hex: string): DecodeCborResult => {
    const bytes = Bytes.fromHex(hex)
    if (bytes === undefined) return { ok: false }
    const r = Cbor.decode(bytes)
    return r.ok ? { ok: true, value: fromCbor(r.value) } : { ok: false }
  }

  const encodeCbor = (value: Json): EncodeCborResult => {
    try {
      return { ok: true, hex: Bytes.toHex(Cbor.encode(toCbor(value))) }
    } catch {
      return { ok: false }
    }
  }

  const decodeEvent = async (hex: string): Promise<DecodeEventResult> => {
    const d = Event.decode(hexBytes(hex))
    if (!d.ok) return { ok: false, reason: d.error.reason }
    const valid = await Effect.runPromise(Event.verify(await crypto(), d.event))
    if (!valid) return { ok: false, reason: "BadSignature" }
    return { ok: true, id: d.event.key, header: headerJson(d.event.header), body: fromCbor(d.event.body) }
  }

  const verifySignature = async (request: SignatureRequest): Promise<boolean> => {
    const publicKey = hexBytes(request.publicKey)
    const message = hexBytes(request.message)
    const signature = hexBytes(request.signature)
    return Effect.runPromise((await crypto()).verify({ publicKey, message, signature }))
  }

  const runScenario = async (scenario: ScenarioRequest): Promise<ScenarioResult> => {
    const shape = await crypto()
    const layer = Layer.mergeAll(
      Layer.succeed(Crypto.Crypto, shape),
      Layer.succeed(Storage.Storage, Storage.makeMemory())
    )
    const program = Effect.gen(function* () {
      // Holding events ahead of the clock is local policy, not a validity rule: the vectors
      // judge every event whatever the clock says.
      const community = yield* Community.join(hexBytes(scenario.genesis), { futureTolerance: Number.POSITIVE_INFINITY })
      const verdicts: Array<VerdictJson> = []
      for (const input of scenario.inputs) {
        const [verdict] = yield* community.receive([hexBytes(input)])
        if (verdict === undefined || verdict._tag === "Held") return yield* Effect.die(new Error(`receive gave ${verdict === undefined ? "no verdict" : "a held verdict"}`))
        verdicts.push(verdictJson(verdict))
      }
      const replica = community.replica
      const outcomes: Array<readonly [string, OutcomeJson]> = []
      for (const key of replica.log.keys) {
        const outcome = replica.outcome(key)
        if (outcome !== undefined) outcomes.push([key, outcomeJson(outcome)])
      }
      return { verdicts, outcomes: sortedObject(outcomes), stateHash: replica.stateHashHex() }
    })
    return Effect.runPromise(Effect.provide(program, layer))
  }

  return { name: "@affinity/core", decodeCbor, encodeCbor, decodeEvent, verifySignature, runScenario }
}

let best: Promise<Crypto.CryptoShape> | undefined

/** This SDK's implementation, on the fastest Crypto provider that passes its self-test here. */
export const ourImplementation: Implementation = makeOurImplementation(() => (best ??= Crypto.makeBest()))
