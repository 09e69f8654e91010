/**
 * Bodies of the `core` module's own events: genesis, membership and device keys,
 * equivocation proofs and time attestations. Other implementations decode exactly these.
 *
 * The schemas are [valibot](https://valibot.dev) schemas, so they are also Standard
 * Schemas (`~standard.validate`): objects are strict (a key the schema does not name is
 * refused), byte strings and texts have exact bounds, numbers are safe integers.
 *
 * @module
 */
import * as v from "valibot"
import * as Bytes from "./Bytes.ts"
import { strict } from "./internal/schema.ts"

const bytesOf = (n: number) => v.pipe(v.instance(Uint8Array, "expected a byte string"), v.length(n, `expected ${n} bytes`))
const Key = bytesOf(32)
const Sig = bytesOf(64)
const Name = v.pipe(
  v.string("expected a text"),
  v.minLength(1, "expected at least 1 character"),
  v.maxLength(200, "expected at most 200 characters")
)
const Text = v.pipe(v.string("expected a text"), v.maxLength(4000, "expected at most 4000 characters"))
const between = (minimum: number, maximum: number) =>
  v.pipe(
    v.number("expected an integer"),
    v.safeInteger("expected an integer"),
    v.minValue(minimum, `expected an integer from ${minimum} to ${maximum}`),
    v.maxValue(maximum, `expected an integer from ${minimum} to ${maximum}`)
  )

/** Optional community parameters in a genesis; missing ones take their defaults. */
export const ParamsBody = strict({
  timeWitnesses: v.exactOptional(between(1, 64)),
  primeSize: v.exactOptional(between(1, 64)),
  primeTerm: v.exactOptional(between(24 * 60 * 60 * 1000, 90 * 24 * 60 * 60 * 1000)),
  quorumPercent: v.exactOptional(between(0, 100))
})

/**
 * `core/community.params`: a community decision changes parameters, within the same bounds as
 * at genesis (and `futureTolerance` between a minute and a day); at least one is named.
 */
export const ParamsChange = v.pipe(
  strict({
    timeWitnesses: v.exactOptional(between(1, 64)),
    primeSize: v.exactOptional(between(1, 64)),
    primeTerm: v.exactOptional(between(24 * 60 * 60 * 1000, 90 * 24 * 60 * 60 * 1000)),
    quorumPercent: v.exactOptional(between(0, 100)),
    futureTolerance: v.exactOptional(between(60 * 1000, 24 * 60 * 60 * 1000))
  }),
  v.check((body) => Object.keys(body).length > 0, "name at least one parameter to change")
)
export type ParamsChange = v.InferOutput<typeof ParamsChange>

/** `core/genesis`: the community's name, founders (their first device keys) and parameters. */
export const Genesis = strict({
  name: Name,
  founders: v.pipe(
    v.array(Key, "expected an array of keys"),
    v.minLength(1, "expected at least 1 founder"),
    v.maxLength(1000, "expected at most 1000 founders")
  ),
  params: ParamsBody
})
export type Genesis = v.InferOutput<typeof Genesis>

/** `core/member.apply`: the author's key asks to join; it becomes an applicant identity. */
export const Apply = strict({ note: Text })
export type Apply = v.InferOutput<typeof Apply>

/** `core/member.leave`: the author's identity leaves the community. */
export const Leave = strict({ note: Text })
export type Leave = v.InferOutput<typeof Leave>

/** `core/member.admit`: make an applicant a full member. Needs a community decision. */
export const Admit = strict({ identity: Key })
export type Admit = v.InferOutput<typeof Admit>

/** `core/member.remove`: end an identity's membership. Needs a community decision. */
export const Remove = strict({ identity: Key, reason: v.pipe(Text, v.minLength(1, "expected at least 1 character")) })
export type Remove = v.InferOutput<typeof Remove>

/**
 * `core/device.add`: the author's identity gains a device key. `consent` is the new key's
 * signature over {@link deviceConsentMessage} (community id, author's key), so nobody can
 * claim a key they do not hold. An invalid consent makes the whole event invalid.
 */
export const DeviceAdd = strict({ device: Key, consent: Sig })
export type DeviceAdd = v.InferOutput<typeof DeviceAdd>

/** `core/device.revoke`: one of the identity's device keys stops counting. */
export const DeviceRevoke = strict({ device: Key })
export type DeviceRevoke = v.InferOutput<typeof DeviceRevoke>

/** `core/equivocation`: two signed events by one author with the same sequence number. */
export const Equivocation = strict({
  a: v.instance(Uint8Array, "expected a byte string"),
  b: v.instance(Uint8Array, "expected a byte string")
})
export type Equivocation = v.InferOutput<typeof Equivocation>

/** `core/tick`: no change; the author attests that their clock has reached `time`. */
export const Tick = strict({})
export type Tick = v.InferOutput<typeof Tick>

/** Domain prefix of the device consent signature. */
export const DEVICE_DOMAIN = Bytes.utf8("affinity/device/v1\u0000")

/**
 * The message a new device key signs to consent to being added, in `community`, by the
 * device key `adder` (to the identity `adder` acts for).
 */
export const deviceConsentMessage = (community: Uint8Array, adder: Uint8Array): Uint8Array =>
  Bytes.concat(DEVICE_DOMAIN, community, adder)

/** Decode a body with one of these schemas (excess keys refused); `undefined` when it does not fit. */
export const decodeBody = <T>(schema: v.GenericSchema<unknown, T>, body: unknown): T | undefined => {
  const r = v.safeParse(schema, body, EARLY)
  return r.success ? r.output : undefined
}

const EARLY = { abortEarly: true } as const
