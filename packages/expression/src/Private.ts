/**
 * The cryptography of private channels (`docs/protocol.md` §17, X6): pure functions, no
 * state. An epoch's key is 32 random bytes sealed (`Seal`, `docs/protocol.md` §5a) to the
 * current devices of the epoch's members, with a context that names the channel and the epoch;
 * a message is XChaCha20-Poly1305 (`Aead`) under that key, with additional data naming the
 * community, the channel and the key event, so a ciphertext moved to another channel or
 * epoch does not open.
 *
 * ```ts
 * import { Expression } from "@affinity/expression"
 * import { Private } from "@affinity/expression/client"
 *
 * const key = new Uint8Array(32).fill(5)
 * const aad = Private.messageAad("aa".repeat(32), "cc".repeat(32), "dd".repeat(32))
 * const box = Private.encrypt(key, "the gate code is 4711", aad, new Uint8Array(24))
 * console.log(Private.decrypt(key, box, aad)) // the gate code is 4711
 * console.log(Private.decrypt(new Uint8Array(32), box, aad)) // null
 * console.log(Expression.module.name) // expression
 * ```
 *
 * @module
 */
import { Aead, Bytes } from "@affinity/core"

/** What every key's sealing context starts with (then the channel id and the epoch, 32 bytes each). */
export const KEY_DOMAIN: Uint8Array = Bytes.utf8("affinity/expression/channel-key/v1\u0000")
/** What every message's additional data starts with (then community, channel and key event, 32 bytes each). */
export const MESSAGE_DOMAIN: Uint8Array = Bytes.utf8("affinity/expression/message/v1\u0000")

const bytes32 = (hex: string): Uint8Array => {
  const b = Bytes.fromHex(hex)
  if (!b || b.length !== 32) throw new TypeError("expected 64 hex characters")
  return b
}

/** The sealing context of the key of `epoch` in `channel` (hex ids). */
export const keyContext = (channel: string, epoch: string): Uint8Array => Bytes.concat(KEY_DOMAIN, bytes32(channel), bytes32(epoch))

/** The additional data of a message of `channel` in `community` under the key event `lock` (hex ids). */
export const messageAad = (community: string, channel: string, lock: string): Uint8Array =>
  Bytes.concat(MESSAGE_DOMAIN, bytes32(community), bytes32(channel), bytes32(lock))

/** A fresh epoch key: 32 random bytes. */
export const newKey = (): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(Aead.KEY_LENGTH))

/** Encrypt a message's text (the payload of `message.post` or `message.edit`); `nonce` only to reproduce a vector. */
export const encrypt = (key: Uint8Array, text: string, aad: Uint8Array, nonce?: Uint8Array): Uint8Array =>
  Aead.encrypt(key, Bytes.utf8(text), aad, nonce)

/** The text of an encrypted message, or `null` when it does not open with this key and additional data. */
export const decrypt = (key: Uint8Array, box: Uint8Array, aad: Uint8Array): string | null => {
  const r = Aead.decrypt(key, box, aad)
  if (!r.ok) return null
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(r.value)
  } catch {
    return null
  }
}
