/**
 * Bodies of the `core` module's own events: genesis, membership and device keys,
 * equivocation proofs and time attestations. Other implementations decode exactly these.
 *
 * @module
 */
import { Result, Schema } from "effect"
import * as Bytes from "./Bytes.ts"

const Key = Schema.Uint8Array.check(Schema.makeFilter((u: Uint8Array) => u.length === 32 || "expected 32 bytes"))
const Sig = Schema.Uint8Array.check(Schema.makeFilter((u: Uint8Array) => u.length === 64 || "expected 64 bytes"))
const Name = Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(200))
const Text = Schema.String.check(Schema.isMaxLength(4000))
const Nat = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

/** Optional community parameters in a genesis; missing ones take their defaults. */
export const ParamsBody = Schema.Struct({
  timeWitnesses: Schema.optionalKey(Nat.check(Schema.isBetween({ minimum: 1, maximum: 64 }))),
  primeSize: Schema.optionalKey(Nat.check(Schema.isBetween({ minimum: 1, maximum: 64 }))),
  primeTerm: Schema.optionalKey(
    Nat.check(Schema.isBetween({ minimum: 24 * 60 * 60 * 1000, maximum: 90 * 24 * 60 * 60 * 1000 }))
  ),
  quorumPercent: Schema.optionalKey(Nat.check(Schema.isBetween({ minimum: 0, maximum: 100 })))
})

/** `core/genesis`: the community's name, founders (their first device keys) and parameters. */
export const Genesis = Schema.Struct({
  name: Name,
  founders: Schema.Array(Key).check(Schema.isMinLength(1), Schema.isMaxLength(1000)),
  params: ParamsBody
})
export type Genesis = typeof Genesis.Type

/** `core/member.apply`: the author's key asks to join; it becomes an applicant identity. */
export const Apply = Schema.Struct({ note: Text })

/** `core/member.leave`: the author's identity leaves the community. */
export const Leave = Schema.Struct({ note: Text })

/** `core/member.admit`: make an applicant a full member. Needs a community decision. */
export const Admit = Schema.Struct({ identity: Key })

/** `core/member.remove`: end an identity's membership. Needs a community decision. */
export const Remove = Schema.Struct({ identity: Key, reason: Text.check(Schema.isMinLength(1)) })

/**
 * `core/device.add`: the author's identity gains a device key. `consent` is the new key's
 * signature over {@link deviceConsentMessage} (community id, author's key), so nobody can
 * claim a key they do not hold. An invalid consent makes the whole event invalid.
 */
export const DeviceAdd = Schema.Struct({ device: Key, consent: Sig })

/** `core/device.revoke`: one of the identity's device keys stops counting. */
export const DeviceRevoke = Schema.Struct({ device: Key })

/** `core/equivocation`: two signed events by one author with the same sequence number. */
export const Equivocation = Schema.Struct({ a: Schema.Uint8Array, b: Schema.Uint8Array })

/** `core/tick`: no change; the author attests that their clock has reached `time`. */
export const Tick = Schema.Struct({}).check(Schema.isMaxProperties(0))

/** Domain prefix of the device consent signature. */
export const DEVICE_DOMAIN = Bytes.utf8("affinity/device/v1\u0000")

/**
 * The message a new device key signs to consent to being added, in `community`, by the
 * device key `adder` (to the identity `adder` acts for).
 */
export const deviceConsentMessage = (community: Uint8Array, adder: Uint8Array): Uint8Array =>
  Bytes.concat(DEVICE_DOMAIN, community, adder)

const decoders = new WeakMap<object, (u: unknown) => Result.Result<unknown, unknown>>()

/** Decode a body with a schema (excess keys refused); `undefined` when it does not fit. */
export const decodeBody = <T>(schema: Schema.Decoder<T>, body: unknown): T | undefined => {
  let decode = decoders.get(schema)
  if (!decode) {
    const d = Schema.decodeUnknownResult(schema)
    decode = (u: unknown) => d(u, { onExcessProperty: "error" })
    decoders.set(schema, decode)
  }
  const r = decode(body)
  return Result.isSuccess(r) ? (r.success as T) : undefined
}
