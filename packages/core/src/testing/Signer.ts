/**
 * The synchronous Ed25519 signer of tests, benchmarks and vector generators: deterministic
 * keys from fixed secrets, and signatures made at once (no `Effect`, no `Promise`), with
 * node:crypto where it has Ed25519 and `@noble/ed25519` elsewhere. Both give the same RFC 8032
 * signatures, byte for byte, as every `Crypto` provider.
 *
 * For tests only: a real device signs through the `Crypto` service and never holds a secret
 * made from a small number.
 *
 * ```ts
 * import { Bytes } from "@affinity/core"
 * import { signDraft, testKey } from "@affinity/core/testing"
 *
 * const ada = testKey(1, "Ada")
 * const genesis = signDraft(ada.secret, {
 *   community: null, author: ada.publicKey, seq: 1, prev: null, parents: [], time: 1_700_000_000_000,
 *   module: "core", type: "genesis", body: { name: "Garden", founders: [ada.publicKey], params: {} }
 * })
 * console.log(Bytes.equals(genesis.header.author, ada.publicKey)) // true
 * ```
 *
 * @module
 */
import * as Bytes from "../Bytes.ts"
import * as Event from "../Event.ts"
import type { DeviceKey } from "../Keys.ts"
import { noblePublicKey, nobleSignature, pkcs8 } from "../internal/ed25519.ts"

/** A deterministic device key for tests, with a name people read in messages. */
export interface TestKey extends DeviceKey {
  readonly name: string
}

type KeyObject = object

interface NodeEd25519 {
  readonly createPrivateKey: (options: { key: Uint8Array; format: "der"; type: "pkcs8" }) => KeyObject
  readonly createPublicKey: (key: KeyObject) => { export(options: { format: "der"; type: "spki" }): Uint8Array }
  readonly sign: (algorithm: null, data: Uint8Array, key: KeyObject) => Uint8Array
}

/** node:crypto when it signs Ed25519 here, reached without an import; `undefined` elsewhere. */
const node: NodeEd25519 | undefined = (() => {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule
  if (typeof getBuiltin !== "function") return undefined
  const crypto = getBuiltin("node:crypto") as Partial<NodeEd25519> | undefined
  if (typeof crypto?.createPrivateKey !== "function" || typeof crypto.sign !== "function" || typeof crypto.createPublicKey !== "function")
    return undefined
  const found = crypto as NodeEd25519
  try {
    const probe = found.createPrivateKey({ key: pkcs8(new Uint8Array(32).fill(1)), format: "der", type: "pkcs8" })
    found.sign(null, new Uint8Array(1), probe)
    return found
  } catch {
    return undefined
  }
})()

/** node:crypto key objects by secret (hex), so signing many events imports each key once. */
const imported = new Map<string, KeyObject>()
const IMPORTED_MAX = 4096

const nodeKey = (crypto: NodeEd25519, secret: Uint8Array): KeyObject => {
  const id = Bytes.toHex(secret)
  let key = imported.get(id)
  if (key === undefined) {
    if (imported.size >= IMPORTED_MAX) imported.clear()
    key = crypto.createPrivateKey({ key: pkcs8(secret), format: "der", type: "pkcs8" })
    imported.set(id, key)
  }
  return key
}

const assertSecret = (secret: Uint8Array): void => {
  if (!(secret instanceof Uint8Array) || secret.length !== 32) throw new RangeError("an Ed25519 secret is a 32-byte seed")
}

/** The Ed25519 public key (32 bytes) of a 32-byte secret seed. */
export const publicKeyOf = (secret: Uint8Array): Uint8Array => {
  assertSecret(secret)
  if (node === undefined) return noblePublicKey(secret)
  const der = node.createPublicKey(nodeKey(node, secret)).export({ format: "der", type: "spki" })
  return new Uint8Array(der.subarray(der.length - 32))
}

/** The Ed25519 signature (64 bytes, RFC 8032) of `message` by a 32-byte secret seed, made at once. */
export const signSync = (secret: Uint8Array, message: Uint8Array): Uint8Array => {
  assertSecret(secret)
  return node === undefined ? nobleSignature(secret, message) : new Uint8Array(node.sign(null, message, nodeKey(node, secret)))
}

/**
 * A deterministic test key: from its 32-byte secret seed, or from a number `n` (1 … 255)
 * whose seed is 32 bytes of `n`. `name` defaults to `key n` (or the start of the public key).
 */
export const testKey = (seed: Uint8Array | number, name?: string): TestKey => {
  let secret: Uint8Array
  if (typeof seed === "number") {
    if (!Number.isInteger(seed) || seed < 1 || seed > 255) throw new RangeError(`a numbered test key is 1 … 255, not ${seed}`)
    secret = new Uint8Array(32).fill(seed)
  } else secret = seed
  const publicKey = publicKeyOf(secret)
  const id = Bytes.toHex(publicKey)
  return { name: name ?? (typeof seed === "number" ? `key ${seed}` : `key ${id.slice(0, 8)}`), secret, publicKey, id }
}

/**
 * Sign a draft with a secret and decode the result: the event as a replica receives it.
 * Throws when the draft breaks a structural rule (tests build drafts that must be good).
 */
export const signDraft = (secret: Uint8Array, draft: Event.Draft): Event.Event => {
  const prepared = Event.prepare(draft)
  if (!prepared.ok) throw new Error(`the draft breaks a rule: ${prepared.error.message}`)
  const decoded = Event.decode(Event.assemble(prepared.unsigned, signSync(secret, prepared.unsigned.message)))
  if (!decoded.ok) throw new Error(`the signed event does not decode: ${decoded.error.message}`)
  return decoded.event
}
