/**
 * RFC 9180 HPKE, base mode, for the one suite the protocol uses: DHKEM(X25519, HKDF-SHA256)
 * (`kem_id` 0x0020), HKDF-SHA256 (`kdf_id` 0x0001) and ChaCha20-Poly1305 (`aead_id`
 * 0x0003). Composed from the noble family: `x25519` of `@noble/curves`, `hkdf` and `sha256`
 * of `@noble/hashes`, `chacha20poly1305` of `@noble/ciphers`. Nothing here is a primitive of
 * its own: only the labels, lengths and concatenations of RFC 9180 §4, §5 and §7.1, checked
 * against the RFC's Appendix A.2 vectors (`conformance/vectors/sealing.json`).
 *
 * The sender side takes its ephemeral key pair as an argument (`setupSender(ephemeral, …)`),
 * as the RFC's test interface does with `DeriveKeyPair(ikmE)`: `Seal` draws one per sealed
 * message and uses it for every recipient of that message.
 *
 * Functions here throw on bad input (a low-order public key, a wrong length, a failed
 * decryption); `Seal` catches and turns that into tagged errors.
 *
 * @internal
 * @module
 */
import { chacha20poly1305 } from "@noble/ciphers/chacha.js"
import { x25519 } from "@noble/curves/ed25519.js"
import { expand, extract } from "@noble/hashes/hkdf.js"
import { sha256 } from "@noble/hashes/sha2.js"
import * as Bytes from "../Bytes.ts"

/** Lengths of the suite: `Nsecret`, `Nenc`, `Npk`, `Nsk`, `Nk`, `Nn`, `Nh`, `Nt`. */
export const N = { secret: 32, enc: 32, pk: 32, sk: 32, key: 32, nonce: 12, hash: 32, tag: 16 } as const

const i2osp = (value: number, length: number): Uint8Array => {
  const out = new Uint8Array(length)
  for (let i = length - 1, v = value; i >= 0 && v > 0; i--, v = Math.floor(v / 256)) out[i] = v % 256
  return out
}

const VERSION_LABEL = Bytes.utf8("HPKE-v1")
/** `suite_id` of the KEM: `"KEM" ‖ I2OSP(kem_id, 2)`. */
const KEM_SUITE = Bytes.concat(Bytes.utf8("KEM"), i2osp(0x0020, 2))
/** `suite_id` of the HPKE key schedule: `"HPKE" ‖ kem_id ‖ kdf_id ‖ aead_id`. */
const HPKE_SUITE = Bytes.concat(Bytes.utf8("HPKE"), i2osp(0x0020, 2), i2osp(0x0001, 2), i2osp(0x0003, 2))
const EMPTY = new Uint8Array(0)

const labeledExtract = (suite: Uint8Array, salt: Uint8Array, label: string, ikm: Uint8Array): Uint8Array =>
  extract(sha256, Bytes.concat(VERSION_LABEL, suite, Bytes.utf8(label), ikm), salt)

const labeledExpand = (suite: Uint8Array, prk: Uint8Array, label: string, info: Uint8Array, length: number): Uint8Array =>
  expand(sha256, prk, Bytes.concat(i2osp(length, 2), VERSION_LABEL, suite, Bytes.utf8(label), info), length)

/** An X25519 key pair. */
export interface KeyPair {
  readonly secretKey: Uint8Array
  readonly publicKey: Uint8Array
}

/** `DeriveKeyPair(ikm)` of DHKEM(X25519, HKDF-SHA256) (RFC 9180 §7.1.3). */
export const deriveKeyPair = (ikm: Uint8Array): KeyPair => {
  const prk = labeledExtract(KEM_SUITE, EMPTY, "dkp_prk", ikm)
  const secretKey = labeledExpand(KEM_SUITE, prk, "sk", EMPTY, N.sk)
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) }
}

const extractAndExpand = (dh: Uint8Array, kemContext: Uint8Array): Uint8Array =>
  labeledExpand(KEM_SUITE, labeledExtract(KEM_SUITE, EMPTY, "eae_prk", dh), "shared_secret", kemContext, N.secret)

/**
 * `Encap(pkR)` with the ephemeral key pair given: the shared secret and `enc`
 * (RFC 9180 §4.1). Throws when `pkR` is of low order (the Diffie-Hellman value would be zero).
 */
export const encap = (ephemeral: KeyPair, recipient: Uint8Array): { readonly sharedSecret: Uint8Array; readonly enc: Uint8Array } => {
  const dh = x25519.getSharedSecret(ephemeral.secretKey, recipient)
  return { sharedSecret: extractAndExpand(dh, Bytes.concat(ephemeral.publicKey, recipient)), enc: ephemeral.publicKey }
}

/** `Decap(enc, skR)` (RFC 9180 §4.1); `recipient` is the key pair of `skR`. Throws when `enc` is of low order. */
export const decap = (enc: Uint8Array, recipient: KeyPair): Uint8Array =>
  extractAndExpand(x25519.getSharedSecret(recipient.secretKey, enc), Bytes.concat(enc, recipient.publicKey))

/**
 * The part of the base-mode key schedule that depends on `info` alone (`key_schedule_context`,
 * RFC 9180 §5.1): computed once for all the recipients of one message.
 */
export const scheduleContext = (info: Uint8Array): Uint8Array =>
  Bytes.concat(
    Uint8Array.of(0x00),
    labeledExtract(HPKE_SUITE, EMPTY, "psk_id_hash", EMPTY),
    labeledExtract(HPKE_SUITE, EMPTY, "info_hash", info)
  )

/** An HPKE context (RFC 9180 §5.2, §5.3): the AEAD key, the base nonce, the exporter secret and the sequence number. */
export class Context {
  private seq = 0
  readonly key: Uint8Array
  readonly baseNonce: Uint8Array
  readonly exporterSecret: Uint8Array
  constructor(key: Uint8Array, baseNonce: Uint8Array, exporterSecret: Uint8Array) {
    this.key = key
    this.baseNonce = baseNonce
    this.exporterSecret = exporterSecret
  }

  private nonce(): Uint8Array {
    const nonce = this.baseNonce.slice()
    const s = i2osp(this.seq, N.nonce)
    for (let i = 0; i < N.nonce; i++) nonce[i]! ^= s[i]!
    return nonce
  }

  /** `Seal(aad, pt)`: ChaCha20-Poly1305 under the next nonce. */
  seal(aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const out = chacha20poly1305(this.key, this.nonce(), aad).encrypt(plaintext)
    this.seq++
    return out
  }

  /** `Open(aad, ct)`: throws when the ciphertext does not authenticate (the sequence number then stays). */
  open(aad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    const out = chacha20poly1305(this.key, this.nonce(), aad).decrypt(ciphertext)
    this.seq++
    return out
  }

  /** `Export(exporter_context, L)`. */
  export(exporterContext: Uint8Array, length: number): Uint8Array {
    return labeledExpand(HPKE_SUITE, this.exporterSecret, "sec", exporterContext, length)
  }

  /** Set the sequence number: back to 0 to open another first message, or ahead as the RFC's vectors do. */
  at(seq: number): this {
    this.seq = seq
    return this
  }
}

/** `KeySchedule(mode_base, shared_secret, info, "", "")`, with `key_schedule_context` from {@link scheduleContext}. */
export const keySchedule = (sharedSecret: Uint8Array, context: Uint8Array): Context => {
  const secret = labeledExtract(HPKE_SUITE, sharedSecret, "secret", EMPTY)
  return new Context(
    labeledExpand(HPKE_SUITE, secret, "key", context, N.key),
    labeledExpand(HPKE_SUITE, secret, "base_nonce", context, N.nonce),
    labeledExpand(HPKE_SUITE, secret, "exp", context, N.hash)
  )
}

/** `SetupBaseS(pkR, info)` with the ephemeral key pair given. */
export const setupSender = (
  ephemeral: KeyPair,
  recipient: Uint8Array,
  info: Uint8Array
): { readonly enc: Uint8Array; readonly context: Context; readonly sharedSecret: Uint8Array } => {
  const { sharedSecret, enc } = encap(ephemeral, recipient)
  return { enc, sharedSecret, context: keySchedule(sharedSecret, scheduleContext(info)) }
}

/** `SetupBaseR(enc, skR, info)`. */
export const setupReceiver = (enc: Uint8Array, recipient: KeyPair, info: Uint8Array): Context =>
  keySchedule(decap(enc, recipient), scheduleContext(info))
