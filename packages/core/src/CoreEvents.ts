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

/** p = 2^255 − 19, the field prime of Curve25519. */
const P25519 = 2n ** 255n - 19n

/**
 * u coordinates (below p) of the X25519 points of small order, on the curve and on its
 * twist: 0, 1, p − 1 and the two of order 8 (the list libsodium refuses).
 */
const SMALL_ORDER_U: ReadonlySet<bigint> = new Set([
  0n,
  1n,
  P25519 - 1n,
  325606250916557431795983626356110631294008115727848805560023387167927233504n,
  39382357235489614581723060781553021112529911719440698176882885853963445705823n
])

/**
 * Whether `key` is a sealing key a device may publish (`docs/protocol.md`, "Sealing"): an
 * X25519 public key of 32 bytes, canonical (its last byte's top bit clear, and the
 * little-endian number below p = 2^255 − 19) and not of small order. Never throws.
 */
export const isSealingKey = (key: unknown): boolean => {
  if (!(key instanceof Uint8Array) || key.length !== 32 || (key[31]! & 0x80) !== 0) return false
  let u = 0n
  for (let i = 31; i >= 0; i--) u = (u << 8n) | BigInt(key[i]!)
  return u < P25519 && !SMALL_ORDER_U.has(u)
}

/** A device's sealing key: an X25519 public key that {@link isSealingKey} accepts. */
const SealingKey = v.pipe(
  Key,
  v.check((key: Uint8Array<ArrayBuffer>) => isSealingKey(key), "expected an X25519 public key in canonical form that is not of small order")
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

/**
 * `core/member.apply`: the author's key asks to join; it becomes an applicant identity.
 * `seal`, when present, is the author device's sealing key (see {@link DeviceSeal}).
 */
export const Apply = strict({ note: Text, seal: v.exactOptional(SealingKey) })
export type Apply = v.InferOutput<typeof Apply>

/**
 * `core/member.profile`: the author says who they are: their display name, pronouns and note
 * travel in the event's payload (see `Names.encodeProfile`), which the fold never sees and
 * the author may erase; the body is empty.
 */
export const Profile = strict({})
export type Profile = v.InferOutput<typeof Profile>

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
 * signature over {@link deviceConsentMessage} (community id, author's key, and `seal` when
 * present), so nobody can claim a key they do not hold, nor give it a sealing key it did not
 * choose. An invalid consent makes the whole event invalid. `seal`, when present, is the new
 * device's sealing key (see {@link DeviceSeal}).
 */
export const DeviceAdd = strict({ device: Key, consent: Sig, seal: v.exactOptional(SealingKey) })
export type DeviceAdd = v.InferOutput<typeof DeviceAdd>

/**
 * `core/device.seal`: the author device publishes its sealing key, the X25519 public key
 * secrets are sealed to for it (`docs/protocol.md`, "Sealing"); it replaces the one it
 * published before. Signed by the device itself, so the key is its own choice.
 */
export const DeviceSeal = strict({ key: SealingKey })
export type DeviceSeal = v.InferOutput<typeof DeviceSeal>

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

/**
 * `core/payload.erase`: erase the payload of an earlier event (`docs/protocol.md` §3a).
 * `header` is that event's header bytes: the event's id is their SHA-256, and they name its
 * author, so the fold can judge who may erase it without reading the log. Signed directly by
 * a device of the identity that wrote the event, or carried by a community decision.
 */
export const PayloadErase = strict({
  header: v.pipe(v.instance(Uint8Array, "expected a byte string"), v.minLength(1, "expected a header"), v.maxLength(4096, "expected at most 4096 bytes"))
})
export type PayloadErase = v.InferOutput<typeof PayloadErase>

/** Domain prefix of the device consent signature. */
export const DEVICE_DOMAIN = Bytes.utf8("affinity/device/v1\u0000")

/**
 * The message a new device key signs to consent to being added, in `community`, by the
 * device key `adder` (to the identity `adder` acts for), with the sealing key `seal` when
 * the `core/device.add` carries one: `"affinity/device/v1" ‖ 0x00 ‖ community ‖ adder`,
 * followed by `seal` (32 bytes) when there is one.
 */
export const deviceConsentMessage = (community: Uint8Array, adder: Uint8Array, seal?: Uint8Array): Uint8Array =>
  seal === undefined ? Bytes.concat(DEVICE_DOMAIN, community, adder) : Bytes.concat(DEVICE_DOMAIN, community, adder, seal)

/** Decode a body with one of these schemas (excess keys refused); `undefined` when it does not fit. */
export const decodeBody = <T>(schema: v.GenericSchema<unknown, T>, body: unknown): T | undefined => {
  const r = v.safeParse(schema, body, EARLY)
  return r.success ? r.output : undefined
}

const EARLY = { abortEarly: true } as const
