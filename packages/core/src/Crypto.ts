/**
 * The `Crypto` service: ed25519 signing and verification under one verification rule,
 * whichever implementation runs underneath.
 *
 * The rule (see `docs/protocol.md`, "Signatures") is strict RFC 8032 verification with
 * the cofactorless equation, plus the checks libsodium makes: signature 64 bytes, key 32
 * bytes, `S < L`, `A` and `R` canonically encoded (`y < p`) and not of small order. The
 * checks run in {@link precheck} before any provider sees the signature, so every provider
 * returns the same verdict for every input.
 *
 * @module
 */
import { Context, Effect, Layer } from "effect"

/** One signature to verify. */
export interface VerifyItem {
  readonly publicKey: Uint8Array
  readonly message: Uint8Array
  readonly signature: Uint8Array
}

/** What every ed25519 provider offers. Verification never throws: bad input is `false`. */
export interface CryptoShape {
  /** Provider name shown in benchmarks: `"node"`, `"webcrypto"`, `"noble"`. */
  readonly name: string
  /** Public key (32 bytes) of a 32-byte secret seed. */
  readonly publicKey: (secret: Uint8Array) => Effect.Effect<Uint8Array>
  /** Signature (64 bytes) of `message` by the 32-byte secret seed. */
  readonly sign: (secret: Uint8Array, message: Uint8Array) => Effect.Effect<Uint8Array>
  /** Verdict for one signature under the protocol's rule. */
  readonly verify: (item: VerifyItem) => Effect.Effect<boolean>
  /** Verdicts for many signatures, in order; providers may run them in parallel. */
  readonly verifyBatch: (items: ReadonlyArray<VerifyItem>) => Effect.Effect<ReadonlyArray<boolean>>
}

/** The Crypto service key. */
export class Crypto extends Context.Service<Crypto, CryptoShape>()("@affinity/core/Crypto") {}
