/**
 * Symmetric authenticated encryption for content many devices share (a private channel's
 * messages under its epoch key): XChaCha20-Poly1305 from `@noble/ciphers`, with a 32-byte key,
 * a 24-byte nonce drawn at random for every message (safe at random at that length,
 * draft-irtf-cfrg-xchacha) and additional data that binds the ciphertext to where it belongs.
 * Sealing a key to devices is {@link Seal}'s; this is what the key then encrypts.
 *
 * ```ts
 * import { Aead, Bytes } from "@affinity/core"
 *
 * const key = new Uint8Array(32).fill(7)
 * const nonce = new Uint8Array(24).fill(1)
 * const box = Aead.encrypt(key, Bytes.utf8("seed swap on Sunday"), Bytes.utf8("channel 1"), nonce)
 * console.log(box.length) // 59
 * const opened = Aead.decrypt(key, box, Bytes.utf8("channel 1"))
 * console.log(opened.ok && new TextDecoder().decode(opened.value)) // seed swap on Sunday
 * console.log(Aead.decrypt(key, box, Bytes.utf8("channel 2")).ok === false) // true
 * ```
 *
 * @module
 */
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js"

/** Bytes of a key. */
export const KEY_LENGTH = 32
/** Bytes of a nonce. */
export const NONCE_LENGTH = 24
/** Bytes of the Poly1305 tag. */
export const TAG_LENGTH = 16

/** Why a box does not open: too short, or changed, or another key or additional data. */
export type Failure = { readonly ok: false; readonly reason: "Malformed" | "Tampered"; readonly message: string }

/**
 * Encrypt `plaintext` under `key` with additional data `aad`: `nonce ‖ ciphertext ‖ tag`
 * (24 + length + 16 bytes). `nonce` defaults to 24 fresh random bytes; give one only to
 * reproduce a vector, never twice with one key.
 */
export const encrypt = (key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array, nonce?: Uint8Array): Uint8Array => {
  if (key.length !== KEY_LENGTH) throw new RangeError(`a key is ${KEY_LENGTH} bytes, not ${key.length}`)
  const n = nonce ?? globalThis.crypto.getRandomValues(new Uint8Array(NONCE_LENGTH))
  if (n.length !== NONCE_LENGTH) throw new RangeError(`a nonce is ${NONCE_LENGTH} bytes, not ${n.length}`)
  const sealed = xchacha20poly1305(key, n, aad).encrypt(plaintext)
  const out = new Uint8Array(NONCE_LENGTH + sealed.length)
  out.set(n, 0)
  out.set(sealed, NONCE_LENGTH)
  return out
}

/** Open a box {@link encrypt} made; never throws. */
export const decrypt = (key: Uint8Array, box: Uint8Array, aad: Uint8Array): { readonly ok: true; readonly value: Uint8Array } | Failure => {
  if (key.length !== KEY_LENGTH) return { ok: false, reason: "Malformed", message: `a key is ${KEY_LENGTH} bytes, not ${key.length}` }
  if (box.length < NONCE_LENGTH + TAG_LENGTH) return { ok: false, reason: "Malformed", message: "too short to be an encrypted message" }
  try {
    return { ok: true, value: xchacha20poly1305(key, box.subarray(0, NONCE_LENGTH), aad).decrypt(box.subarray(NONCE_LENGTH)) }
  } catch {
    return { ok: false, reason: "Tampered", message: "the message was changed, or it is not for this key and place" }
  }
}
