/**
 * Device keys: the ed25519 key pairs members sign with. A member's identity holds one or
 * more of them; the secret half never leaves the device. Each device also has a sealing key
 * (X25519) derived from the same secret seed, for secrets sealed to it (see `Seal`).
 *
 * @module
 */
import { Effect } from "effect"
import * as Bytes from "./Bytes.ts"
import { Crypto } from "./Crypto.ts"
import * as CoreEvents from "./CoreEvents.ts"
import * as Seal from "./Seal.ts"

/** A device key pair. */
export interface DeviceKey {
  /** 32-byte secret seed. Keep it on the device. */
  readonly secret: Uint8Array
  /** 32-byte ed25519 public key. */
  readonly publicKey: Uint8Array
  /** Hex of the public key: how the community names this device (and, for a first device, the identity). */
  readonly id: string
}

/** The key pair of a 32-byte secret seed. */
export const fromSecret = (secret: Uint8Array): Effect.Effect<DeviceKey, never, Crypto> =>
  Effect.gen(function* () {
    const crypto = yield* Crypto
    const publicKey = yield* crypto.publicKey(secret)
    return { secret, publicKey, id: Bytes.toHex(publicKey) }
  })

/** A new device key from the platform's secure random source. */
export const generate = (): Effect.Effect<DeviceKey, never, Crypto> =>
  Effect.suspend(() => fromSecret(globalThis.crypto.getRandomValues(new Uint8Array(32))))

/**
 * The consent a new device gives to being added in `community` by the device key `adder`:
 * its signature over the device-consent message. Goes into the body of `core/device.add`.
 */
export const consent = (
  device: DeviceKey,
  community: Uint8Array,
  adder: Uint8Array
): Effect.Effect<Uint8Array, never, Crypto> =>
  Effect.gen(function* () {
    const crypto = yield* Crypto
    return yield* crypto.sign(device.secret, CoreEvents.deviceConsentMessage(community, adder))
  })

/** The body of a `core/device.add` that adds a device with its sealing key, signed by the new device. */
export interface DeviceAddition {
  /** The new device's public key. */
  readonly device: Uint8Array
  /** The new device's sealing key (`Seal.publicKey`). */
  readonly seal: Uint8Array
  /** The new device's signature over the consent message, which covers `seal`. */
  readonly consent: Uint8Array
}

/**
 * What a new device gives the device key `adder` that adds it in `community`: the whole
 * body of the `core/device.add`, with the new device's sealing key and its consent to
 * both (so the adder can change neither). The new device is sealed to from that event on.
 */
export const addition = (
  device: DeviceKey,
  community: Uint8Array,
  adder: Uint8Array
): Effect.Effect<DeviceAddition, never, Crypto> =>
  Effect.gen(function* () {
    const crypto = yield* Crypto
    const seal = Seal.publicKey(device)
    const consent = yield* crypto.sign(device.secret, CoreEvents.deviceConsentMessage(community, adder, seal))
    return { device: device.publicKey, seal, consent }
  })
