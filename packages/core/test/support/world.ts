import { Effect, Layer } from "effect"
import { Community, Crypto, Keys, Storage } from "@affinity/core"
import { publicKeyOf } from "@affinity/core/testing"

/** The fastest provider with the protocol's verification rule (all providers agree; see crypto.test.ts). */
export const testCrypto: Crypto.CryptoShape = Crypto.makeNode() ?? Crypto.makeNoble()

export const cryptoLayer = Layer.succeed(Crypto.Crypto, testCrypto)
export const memoryLayer = () => Layer.mergeAll(cryptoLayer, Layer.effect(Storage.Storage, Effect.sync(() => Storage.makeMemory())))

/** A deterministic device key from a small number. */
export const key = (n: number): Keys.DeviceKey => {
  const secret = new Uint8Array(32)
  secret[0] = n & 255
  secret[1] = (n >> 8) & 255
  secret[31] = 7
  const publicKey = publicKeyOf(secret)
  return { secret, publicKey, id: Buffer.from(publicKey).toString("hex") }
}

export const run = <A, E>(effect: Effect.Effect<A, E, Crypto.Crypto | Storage.Storage>, layer = memoryLayer()) =>
  Effect.runPromise(Effect.provide(effect, layer))

export type { Community }
