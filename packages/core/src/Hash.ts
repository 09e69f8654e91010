/**
 * SHA-256, the one hash of the protocol (event ids, body hashes, state hashes, lots).
 *
 * @module
 */
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js"

/** SHA-256 of some bytes (32 bytes). */
export const sha256 = (bytes: Uint8Array): Uint8Array => nobleSha256(bytes)
