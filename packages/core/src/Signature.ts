/**
 * Ed25519 signatures a module checks inside its own fold: the protocol's verification rule
 * (`docs/protocol.md` §2: the byte checks, then the cofactorless equation) as one synchronous,
 * pure function in portable JavaScript, so a module can verify a signature carried in a body
 * (a signed export of another community, say) with the same verdict on every replica. It is
 * slower than the host's batched verification (about a millisecond): keep it for rare events.
 *
 * ```ts
 * import { Bytes, Signature } from "@affinity/core/module"
 *
 * const secret = new Uint8Array(32).fill(7)
 * const message = Bytes.utf8("a signed export")
 * const signature = Signature.sign(secret, message)
 * console.log(Signature.verify(Signature.publicKey(secret), message, signature)) // true
 * console.log(!Signature.verify(Signature.publicKey(secret), Bytes.utf8("another"), signature)) // true: another message
 * ```
 *
 * @module
 */
import * as Ed from "./internal/ed25519.ts"

const keys = new Ed.BoundedCache<Ed.DecodedKey | null>(256)

/**
 * Whether `signature` is `publicKey`'s signature of `message` under the protocol's rule
 * (64-byte signature, 32-byte key, `S < L`, canonical encodings that are not of small order,
 * cofactorless equation). Never throws: anything else is `false`.
 */
export const verify = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean => {
  try {
    if (!Ed.isBytes(publicKey) || !Ed.isBytes(signature) || !Ed.isBytes(message)) return false
    if (signature.length !== 64 || publicKey.length !== 32) return false
    if (!Ed.scalarBelowL(signature, 32) || !Ed.canonicalY(publicKey, 0) || !Ed.canonicalY(signature, 0)) return false
    if (Ed.smallOrderY(publicKey, 0) || Ed.smallOrderY(signature, 0)) return false
    const id = Ed.keyId(publicKey)
    let key = keys.get(id)
    if (key === undefined) {
      key = Ed.decodeKey(publicKey) ?? null
      keys.set(id, key)
    }
    return key !== null && Ed.cofactorlessVerify(key, publicKey, message, signature)
  } catch {
    return false
  }
}

/** The 32-byte public key of a 32-byte secret seed (a `RangeError` for any other secret). */
export const publicKey = (secret: Uint8Array): Uint8Array => {
  Ed.assertSecret(secret)
  return Ed.noblePublicKey(secret)
}

/** The RFC 8032 signature of `message` by a 32-byte secret seed (a `RangeError` for any other secret). */
export const sign = (secret: Uint8Array, message: Uint8Array): Uint8Array => {
  Ed.assertSecret(secret)
  return Ed.nobleSignature(secret, message)
}
