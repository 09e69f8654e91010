/**
 * Sealing: a secret (a group key, say) sealed to a set of devices, each of which can open it
 * with its own key, and nobody else (`docs/protocol.md`, §5a "Sealing").
 *
 * Every device has a **sealing key**, an X25519 key pair derived from its signing seed, so a
 * keystore holds nothing new. A device publishes the public half bound to its identity
 * (`core/member.apply`, `core/device.add` with the new device's consent, or
 * `core/device.seal` signed by the device itself), and the `core` state lists the current
 * ones (`Membership.sealingKeys`): a revoked device or a member who left is no longer sealed
 * to. The secret half never leaves this module.
 *
 * A sealed secret is one canonical CBOR map: one ephemeral X25519 key for the whole message,
 * then, per recipient, an 8-byte hint and the 32-byte content key wrapped with RFC 9180 HPKE
 * (base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305): 56 bytes per
 * recipient, so 1,000 single-device members fit in 56,133 bytes for a 32-byte secret. The
 * hint is exported from each recipient's HPKE context: a device finds its entry at the cost
 * of one Diffie-Hellman, and nobody else learns from the bytes who the recipients are, only
 * how many.
 *
 * @example
 * ```ts
 * import { Client, Storage } from "@affinity/core"
 *
 * const client = await Client.make({ storage: Storage.layerMemory })
 * const ada = await client.generateKey()
 * const garden = await client.create({ name: "Garden", author: ada })
 * await garden.publishSealingKey(ada)
 * const groupKey = crypto.getRandomValues(new Uint8Array(32))
 * const { sealed, recipients } = await garden.seal([ada.id], groupKey)
 * console.log(recipients.length) // 1
 * const opened = await garden.unseal(ada, sealed)
 * console.log(opened.ok && opened.secret.every((b, i) => b === groupKey[i])) // true
 * await client.close()
 * ```
 *
 * @module
 */
import { chacha20poly1305 } from "@noble/ciphers/chacha.js"
import { expand, extract, hkdf } from "@noble/hashes/hkdf.js"
import { sha256 } from "@noble/hashes/sha2.js"
import { Data, Effect } from "effect"
import * as v from "valibot"
import * as Bytes from "./Bytes.ts"
import * as Cbor from "./Cbor.ts"
import type * as Community from "./Community.ts"
import * as CoreEvents from "./CoreEvents.ts"
import * as Hpke from "./internal/hpke.ts"
import { issueText } from "./internal/issues.ts"
import { slicer } from "./internal/yield.ts"
import type * as Keys from "./Keys.ts"
import * as Membership from "./Membership.ts"

/** The version of the sealed format, the value of `v`. */
export const VERSION = 1

/** What the HPKE `info` of every sealed message starts with: `"affinity/seal/v1"` and a zero byte; the context follows. */
export const DOMAIN: Uint8Array = Bytes.utf8("affinity/seal/v1\u0000")

/** HKDF-SHA256 salt that derives a device's sealing key from its signing seed. */
export const KEY_SALT: Uint8Array = Bytes.utf8("affinity/seal-key/v1")

/** HPKE exporter context of a recipient's hint. */
export const HINT_CONTEXT: Uint8Array = Bytes.utf8("affinity/seal/v1 hint")

/** HKDF-SHA256 salt that derives the content cipher key and its commitment from the content key. */
export const CONTENT_SALT: Uint8Array = Bytes.utf8("affinity/seal/v1 content")

/** Bytes of a recipient's hint. */
export const HINT_LENGTH = 8

/** Bytes of a wrapped content key: 32 bytes of key and a 16-byte Poly1305 tag. */
export const WRAPPED_LENGTH = 48

/** Bytes of a recipient's entry: hint, then wrapped content key. */
export const ENTRY_LENGTH = HINT_LENGTH + WRAPPED_LENGTH

/** Most recipients one sealed message has. */
export const MAX_RECIPIENTS = 16_384

/** Largest secret sealed, in bytes. */
export const MAX_SECRET = 65_536

const KEY_LENGTH = 32
const TAG_LENGTH = 16
const EMPTY = new Uint8Array(0)
const ZERO_NONCE = new Uint8Array(12)
const KEY_LABEL = Bytes.utf8("key")
const COMMIT_LABEL = Bytes.utf8("commit")

/**
 * Why a secret cannot be sealed or opened:
 *
 * - `Malformed`: the sealed bytes are not canonical CBOR of the sealed format.
 * - `UnknownVersion`: they are of another version than {@link VERSION}.
 * - `NotARecipient`: no entry is for this device's key (it was not among the recipients, or
 *   the bytes were changed).
 * - `Tampered`: the entry for this device, the commitment or the ciphertext was changed.
 * - `NoRecipients`: sealing to nobody (no key given, or no current sealing key for any
 *   identity asked for).
 * - `InvalidKey`: a recipient key is not a sealing key (`CoreEvents.isSealingKey`).
 * - `TooLarge`: more than {@link MAX_RECIPIENTS} recipients, or a secret of more than
 *   {@link MAX_SECRET} bytes.
 */
export type Reason = "Malformed" | "UnknownVersion" | "NotARecipient" | "Tampered" | "NoRecipients" | "InvalidKey" | "TooLarge"

/** A secret that cannot be sealed or opened, with the reason and words a person can act on. */
export class SealError extends Data.TaggedError("SealError")<{
  readonly reason: Reason
  readonly message: string
}> {}

/** A result that is never an exception. */
export type Result<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly error: SealError }

const fail = <A>(reason: Reason, message: string): Result<A> => ({ ok: false, error: new SealError({ reason, message }) })
const succeed = <A>(value: A): Result<A> => ({ ok: true, value })

// --- keys -------------------------------------------------------------------------------------

/**
 * A device's sealing key pair: `DeriveKeyPair(ikm)` of RFC 9180 §7.1.3 with
 * `ikm = HKDF-SHA256(IKM = signing seed, salt = KEY_SALT, info = "", L = 32)`. Derived
 * again each time (one fixed-base multiplication), so nothing secret is kept here.
 */
const keyPairOf = (seed: Uint8Array): Hpke.KeyPair => Hpke.deriveKeyPair(hkdf(sha256, seed, KEY_SALT, EMPTY, KEY_LENGTH))

/**
 * The sealing key (X25519 public key, 32 bytes) of a device: what it publishes, derived
 * from its signing seed. The same device always has the same one.
 */
export const publicKey = (device: Keys.DeviceKey): Uint8Array => keyPairOf(device.secret).publicKey

// --- sealing ----------------------------------------------------------------------------------

/** Options of sealing and opening. */
export interface Options {
  /**
   * Bytes both sides know and the sealed bytes do not carry, bound into every recipient's
   * HPKE `info` (after {@link DOMAIN}): what the secret is for (a channel and an epoch, say).
   * Opening with another context fails. Default: none.
   */
  readonly context?: Uint8Array
}

/** The randomness one sealing uses: 32 bytes for the ephemeral key pair, 32 bytes of content key. */
export interface Randomness {
  /** `ikmE`: the ephemeral key pair is `DeriveKeyPair(ephemeral)`. */
  readonly ephemeral: Uint8Array
  /** The content key, wrapped for every recipient. */
  readonly contentKey: Uint8Array
}

/** The content cipher key and the commitment to the content key. */
const contentOf = (contentKey: Uint8Array): { readonly key: Uint8Array; readonly commitment: Uint8Array } => {
  const prk = extract(sha256, contentKey, CONTENT_SALT)
  return { key: expand(sha256, prk, KEY_LABEL, KEY_LENGTH), commitment: expand(sha256, prk, COMMIT_LABEL, KEY_LENGTH) }
}

const infoOf = (options: Options | undefined): Uint8Array => Bytes.concat(DOMAIN, options?.context ?? EMPTY)

/** A sealing under way: its inputs checked, one entry made per recipient, then the bytes. */
interface Sealing {
  readonly keys: ReadonlyArray<Uint8Array>
  /** The entry (hint, then wrapped content key) of the `n`th key. */
  readonly entry: (n: number) => Uint8Array
  /** The sealed bytes, from every entry. */
  readonly finish: (entries: Array<Uint8Array>) => Uint8Array
}

/** Check the inputs of a sealing and prepare what every recipient's entry shares. */
const prepare = (
  recipients: ReadonlyArray<Uint8Array>,
  secret: Uint8Array,
  randomness: Randomness,
  options: Options | undefined
): Result<Sealing> => {
  if (randomness.ephemeral.length !== KEY_LENGTH || randomness.contentKey.length !== KEY_LENGTH)
    return fail("Malformed", "the randomness of a sealing is 32 bytes of ephemeral key material and a 32-byte content key")
  if (!(secret instanceof Uint8Array)) return fail("Malformed", "the secret must be a byte string")
  if (secret.length > MAX_SECRET) return fail("TooLarge", `a sealed secret is at most ${MAX_SECRET} bytes, not ${secret.length}`)
  const unique = new Map<string, Uint8Array>()
  for (const key of recipients) {
    if (!CoreEvents.isSealingKey(key))
      return fail("InvalidKey", "a recipient key is not a sealing key (an X25519 public key of 32 bytes, canonical, not of small order)")
    unique.set(Bytes.toHex(key), key)
  }
  if (unique.size === 0) return fail("NoRecipients", "there is nobody to seal to: give at least one sealing key")
  if (unique.size > MAX_RECIPIENTS) return fail("TooLarge", `one sealed secret has at most ${MAX_RECIPIENTS} recipients, not ${unique.size}`)
  const keys = [...unique.values()]
  const contentKey = randomness.contentKey.slice()
  const ephemeral = Hpke.deriveKeyPair(randomness.ephemeral)
  const schedule = Hpke.scheduleContext(infoOf(options))
  const content = contentOf(contentKey)
  return succeed({
    keys,
    entry: (n) => {
      const context = Hpke.keySchedule(Hpke.encap(ephemeral, keys[n]!).sharedSecret, schedule)
      return Bytes.concat(context.export(HINT_CONTEXT, HINT_LENGTH), context.seal(content.commitment, contentKey))
    },
    finish: (entries) => {
      entries.sort(Bytes.compare)
      const ciphertext = chacha20poly1305(content.key, ZERO_NONCE, content.commitment).encrypt(secret)
      contentKey.fill(0)
      ephemeral.secretKey.fill(0)
      return Cbor.encode({ v: VERSION, e: ephemeral.publicKey, k: content.commitment, r: Bytes.concat(...entries), c: ciphertext })
    }
  })
}

/**
 * Seal `secret` to `recipients` (sealing keys, 32 bytes each) with the randomness given:
 * the same inputs give the same bytes. Use {@link seal}, which draws fresh randomness;
 * this is for conformance vectors and tests. A key given twice gets one entry. Never throws.
 */
export const sealWith = (
  recipients: ReadonlyArray<Uint8Array>,
  secret: Uint8Array,
  randomness: Randomness,
  options?: Options
): Result<Uint8Array> => {
  const prepared = prepare(recipients, secret, randomness, options)
  if (!prepared.ok) return prepared
  const sealing = prepared.value
  return succeed(sealing.finish(sealing.keys.map((_, n) => sealing.entry(n))))
}

/**
 * Milliseconds of sealing between two turns of the event loop: an X25519 agreement costs
 * about 2 ms in pure JavaScript, so a thousand recipients would otherwise hold a page for
 * seconds.
 */
const SLICE_MS = 8

/**
 * Seal `secret` to `recipients` (sealing keys, 32 bytes each), with fresh randomness from
 * the platform's secure random source. Fails with {@link SealError} (`NoRecipients`,
 * `InvalidKey`, `TooLarge`). Each recipient costs one X25519 agreement (about 2 ms with
 * noble); the work gives the event loop a turn every few recipients.
 */
export const seal = (recipients: ReadonlyArray<Uint8Array>, secret: Uint8Array, options?: Options): Effect.Effect<Uint8Array, SealError> =>
  Effect.gen(function* () {
    const random = globalThis.crypto.getRandomValues(new Uint8Array(2 * KEY_LENGTH))
    const prepared = prepare(recipients, secret, { ephemeral: random.subarray(0, KEY_LENGTH), contentKey: random.subarray(KEY_LENGTH) }, options)
    random.fill(0)
    if (!prepared.ok) return yield* prepared.error
    const sealing = prepared.value
    const entries: Array<Uint8Array> = []
    const slices = slicer(SLICE_MS)
    for (let n = 0; n < sealing.keys.length; n++) {
      yield* slices.check
      entries.push(sealing.entry(n))
    }
    return sealing.finish(entries)
  })

// --- reading and opening ------------------------------------------------------------------------

/** The parts of a sealed secret, read and checked for shape; nothing opened. */
export interface Parts {
  /** `enc`: the ephemeral X25519 public key shared by every recipient. */
  readonly ephemeral: Uint8Array
  /** The commitment to the content key. */
  readonly commitment: Uint8Array
  /** The recipients' entries (hint, then wrapped content key), in ascending byte order. */
  readonly entries: ReadonlyArray<Uint8Array>
  /** The secret, encrypted under the content key (with its 16-byte tag). */
  readonly ciphertext: Uint8Array
}

const bytesOf = (what: string, min: number, max: number) =>
  v.pipe(
    v.instance(Uint8Array, `${what} must be a byte string`),
    v.minLength(min, min === max ? `${what} must be ${min} bytes` : `${what} must be at least ${min} bytes`),
    v.maxLength(max, min === max ? `${what} must be ${min} bytes` : `${what} must be at most ${max} bytes`)
  )

const Wire = v.strictObject(
  {
    v: v.literal(VERSION, `the version must be ${VERSION}`),
    e: v.pipe(
      bytesOf("the ephemeral key", KEY_LENGTH, KEY_LENGTH),
      v.check((key: Uint8Array<ArrayBuffer>) => CoreEvents.isSealingKey(key), "the ephemeral key is not an X25519 public key")
    ),
    k: bytesOf("the commitment", KEY_LENGTH, KEY_LENGTH),
    r: v.pipe(
      bytesOf("the entries", ENTRY_LENGTH, ENTRY_LENGTH * MAX_RECIPIENTS),
      v.check((r: Uint8Array<ArrayBuffer>) => r.length % ENTRY_LENGTH === 0, `the entries must be a whole number of ${ENTRY_LENGTH}-byte entries`)
    ),
    c: bytesOf("the ciphertext", TAG_LENGTH, MAX_SECRET + TAG_LENGTH)
  },
  (issue) => (issue.expected === "never" ? "a sealed secret has no such key" : "a sealed secret is a map of v, e, k, r and c")
)

const isMap = (value: Cbor.Value): value is { readonly [key: string]: Cbor.Value } =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)

/**
 * Read sealed bytes: canonical CBOR (`docs/protocol.md` §1) of the map `{ v, e, k, r, c }`
 * with every size in bounds and the entries in strictly ascending order. Never throws.
 */
export const read = (sealed: Uint8Array): Result<Parts> => {
  if (!(sealed instanceof Uint8Array)) return fail("Malformed", "sealed bytes must be a byte string")
  const decoded = Cbor.decode(sealed)
  if (!decoded.ok) return fail("Malformed", `the sealed bytes are damaged (${decoded.issue.message})`)
  const value = decoded.value
  if (!isMap(value)) return fail("Malformed", "the sealed bytes are not a sealed secret (a map of v, e, k, r and c)")
  const version = value["v"]
  if (typeof version === "number" && version !== VERSION)
    return fail("UnknownVersion", `the secret was sealed in format version ${version}; this program reads version ${VERSION}`)
  const wire = v.safeParse(Wire, value, { abortEarly: true })
  if (!wire.success) return fail("Malformed", `the sealed bytes are not a sealed secret (${issueText(wire.issues)})`)
  const { e, k, r, c } = wire.output
  const entries: Array<Uint8Array> = []
  for (let at = 0; at < r.length; at += ENTRY_LENGTH) {
    const entry = r.subarray(at, at + ENTRY_LENGTH)
    const previous = entries[entries.length - 1]
    if (previous !== undefined && Bytes.compare(previous, entry) >= 0)
      return fail("Malformed", "the entries of a sealed secret must be in strictly ascending byte order")
    entries.push(entry)
  }
  return succeed({ ephemeral: e, commitment: k, entries, ciphertext: c })
}

/** Open sealed bytes with a sealing key pair. Never throws. */
const openWith = (sealed: Uint8Array, pair: Hpke.KeyPair, options: Options | undefined): Result<Uint8Array> => {
  const parts = read(sealed)
  if (!parts.ok) return parts
  const { ephemeral, commitment, entries, ciphertext } = parts.value
  let context: Hpke.Context
  try {
    context = Hpke.setupReceiver(ephemeral, pair, infoOf(options))
  } catch {
    return fail("Malformed", "the ephemeral key of the sealed secret is not usable")
  }
  const hint = context.export(HINT_CONTEXT, HINT_LENGTH)
  let found = false
  for (const entry of entries) {
    if (!Bytes.equals(entry.subarray(0, HINT_LENGTH), hint)) continue
    found = true
    try {
      // Every entry is its recipient's first message (sequence number 0).
      const contentKey = context.at(0).open(commitment, entry.subarray(HINT_LENGTH))
      const content = contentOf(contentKey)
      contentKey.fill(0)
      if (!Bytes.equals(content.commitment, commitment)) continue
      return succeed(chacha20poly1305(content.key, ZERO_NONCE, commitment).decrypt(ciphertext))
    } catch {
      // Not this entry, or changed: try the next one with the same hint.
    }
  }
  return found
    ? fail("Tampered", "the sealed secret was changed after it was sealed: this device's entry or the ciphertext does not authenticate")
    : fail(
        "NotARecipient",
        "this device is not among the recipients (it had published no sealing key, or another one, when the secret was sealed, or the context differs); ask a member to seal it again"
      )
}

/**
 * Open sealed bytes with a device's sealing key, derived from its signing seed: the secret,
 * or a {@link SealError} (`Malformed`, `UnknownVersion`, `NotARecipient`, `Tampered`).
 * Untrusted bytes never make it throw.
 */
export const open = (sealed: Uint8Array, device: Keys.DeviceKey, options?: Options): Effect.Effect<Uint8Array, SealError> =>
  Effect.suspend(() => {
    const r = unseal(sealed, device, options)
    return r.ok ? Effect.succeed(r.value) : Effect.fail(r.error)
  })

/**
 * {@link open} as a plain function: the secret, or why it cannot be opened. Never throws.
 */
export const unseal = (sealed: Uint8Array, device: Keys.DeviceKey, options?: Options): Result<Uint8Array> => {
  const pair = keyPairOf(device.secret)
  try {
    return openWith(sealed, pair, options)
  } finally {
    pair.secretKey.fill(0)
  }
}

/** Size in bytes of a sealed secret of `secretLength` bytes to `recipients` distinct keys. */
export const sizeOf = (recipients: number, secretLength: number): number => {
  const head = (n: number): number => (n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x100000000 ? 5 : 9)
  const field = (n: number): number => 2 + head(n) + n
  return 1 + 2 + 1 + field(KEY_LENGTH) + field(KEY_LENGTH) + field(recipients * ENTRY_LENGTH) + field(secretLength + TAG_LENGTH)
}

// --- in a community ---------------------------------------------------------------------------

/** A device sealed to: its identity, its device key (hex) and its sealing key. */
export interface Recipient {
  readonly identity: string
  readonly device: string
  readonly key: Uint8Array
}

/** A secret sealed in a community: the bytes, who can open them, and who could not be sealed to. */
export interface Sealed {
  /** The sealed secret (see {@link read}). */
  readonly sealed: Uint8Array
  /** Every device sealed to, by identity then device. */
  readonly recipients: ReadonlyArray<Recipient>
  /**
   * Identities asked for that have no current sealing key (unknown, left, or none of their
   * current devices published one): they cannot open it.
   */
  readonly missing: ReadonlyArray<string>
}

/**
 * The sealing keys of `identities` in the `core` state: every current device's of each,
 * and the identities that have none. Each identity is listed once, in the order given.
 */
export const recipientsIn = (
  core: Membership.State,
  identities: ReadonlyArray<string>
): { readonly recipients: ReadonlyArray<Recipient>; readonly missing: ReadonlyArray<string> } => {
  const recipients: Array<Recipient> = []
  const missing: Array<string> = []
  for (const identity of new Set(identities)) {
    const keys = Membership.sealingKeys(core, identity)
    if (keys.length === 0) missing.push(identity)
    for (const { device, key } of keys) recipients.push({ identity, device, key: Bytes.fromHex(key)! })
  }
  return { recipients, missing }
}

/** The context of a secret sealed in a community: its id, then the caller's context. */
const inCommunity = (community: Community.Community, options: Options | undefined): Options => ({
  context: Bytes.concat(community.replica.log.community, options?.context ?? EMPTY)
})

/**
 * Seal `secret` to every current device of `identities` in `community`, bound to the
 * community (its id comes first in the context, then `options.context`): it opens only
 * through {@link openIn} on the same community. Fails `NoRecipients` when none of them has
 * a current sealing key.
 */
export const sealIn = (
  community: Community.Community,
  identities: ReadonlyArray<string>,
  secret: Uint8Array,
  options?: Options
): Effect.Effect<Sealed, SealError> =>
  Effect.suspend(() => {
    const { recipients, missing } = recipientsIn(community.replica.core, identities)
    if (recipients.length === 0)
      return Effect.fail(
        new SealError({
          reason: "NoRecipients",
          message: "none of these identities has a device with a published sealing key; each device publishes one with core/device.seal"
        })
      )
    return Effect.map(
      seal(
        recipients.map((r) => r.key),
        secret,
        inCommunity(community, options)
      ),
      (sealed): Sealed => ({ sealed, recipients, missing })
    )
  })

/** Open a secret sealed in `community` ({@link sealIn}) with a device's sealing key. */
export const openIn = (
  community: Community.Community,
  device: Keys.DeviceKey,
  sealed: Uint8Array,
  options?: Options
): Effect.Effect<Uint8Array, SealError> => open(sealed, device, inCommunity(community, options))
