/**
 * The `Crypto` service: ed25519 signing and verification under one verification rule,
 * whichever implementation runs underneath.
 *
 * The rule (see `docs/protocol.md`, "Signatures") is strict RFC 8032 verification with
 * the cofactorless equation, plus the checks libsodium makes: signature 64 bytes, key 32
 * bytes, `S < L`, `A` and `R` canonically encoded (`y < p`) and not of small order. The
 * checks run in {@link precheck} before any provider sees the signature, so every provider
 * returns the same verdict for every input.
 *
 * Three providers implement it: `node` (node:crypto, OpenSSL), `webcrypto`
 * (`crypto.subtle` with Ed25519) and `noble` (pure JavaScript, everywhere). {@link layerBest}
 * picks the fastest one available that passes {@link selfTest}; {@link layerNode},
 * {@link layerWebCrypto} and {@link layerNoble} force one. All sign with deterministic
 * RFC 8032 signatures, byte for byte the same.
 *
 * Node modules are reached through `process.getBuiltinModule`, never through an import, so
 * browser bundles need no shims.
 *
 * @module
 */
import type * as NodeBuffer from "node:buffer"
import type * as NodeCrypto from "node:crypto"
import { Context, Data, Effect, Layer } from "effect"
import * as Bytes from "./Bytes.ts"
import * as Ed from "./internal/ed25519.ts"
import { POOL_MIN_BATCH, verifyPool } from "./internal/verifyPool.ts"

/** One signature to verify. */
export interface VerifyItem {
  readonly publicKey: Uint8Array
  readonly message: Uint8Array
  readonly signature: Uint8Array
}

/** What every ed25519 provider offers. Verification never throws: bad input is `false`. */
export interface CryptoShape {
  /** Provider name shown in benchmarks: `"node"`, `"webcrypto"`, `"noble"`. */
  readonly name: string
  /** Public key (32 bytes) of a 32-byte secret seed. */
  readonly publicKey: (secret: Uint8Array) => Effect.Effect<Uint8Array>
  /** Signature (64 bytes) of `message` by the 32-byte secret seed. */
  readonly sign: (secret: Uint8Array, message: Uint8Array) => Effect.Effect<Uint8Array>
  /** Verdict for one signature under the protocol's rule. */
  readonly verify: (item: VerifyItem) => Effect.Effect<boolean>
  /** Verdicts for many signatures, in order; providers may run them in parallel. */
  readonly verifyBatch: (items: ReadonlyArray<VerifyItem>) => Effect.Effect<ReadonlyArray<boolean>>
}

/** The Crypto service key. */
export class Crypto extends Context.Service<Crypto, CryptoShape>()("@affinity/core/Crypto") {}

/**
 * The protocol's byte checks, made before any provider sees a signature: signature exactly
 * 64 bytes, public key exactly 32 bytes, `S` (the last 32 bytes, little-endian) below the
 * group order `L`, and both the public key `A` and `R` (the first 32 bytes) canonically
 * encoded (`y < p`) with a y coordinate that is not that of a point of small order (the sign
 * bit is ignored). Every provider returns `false` when this does; it never throws.
 */
export const precheck = (item: VerifyItem): boolean => {
  try {
    const { publicKey, message, signature } = item
    if (!Ed.isBytes(publicKey) || !Ed.isBytes(signature) || !Ed.isBytes(message)) return false
    if (signature.length !== 64 || publicKey.length !== 32) return false
    return (
      Ed.scalarBelowL(signature, 32) &&
      Ed.canonicalY(publicKey, 0) &&
      Ed.canonicalY(signature, 0) &&
      !Ed.smallOrderY(publicKey, 0) &&
      !Ed.smallOrderY(signature, 0)
    )
  } catch {
    return false
  }
}

/** A fresh 32-byte ed25519 secret seed from the runtime's cryptographic random source. */
export const generateSecret = (): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(32))

/** A provider that cannot be used on this runtime, or that does not give the rule's verdicts. */
export class CryptoUnavailable extends Data.TaggedError("CryptoUnavailable")<{
  readonly provider: string
  readonly reason: string
}> {}

// --- noble: portable, pure JavaScript ---------------------------------------------------------

/**
 * The portable provider: pure JavaScript on `@noble/ed25519`, available everywhere. Verifies
 * with its own cofactorless check on noble's `Point` (noble's `verify` is cofactored) and keeps
 * decoded public keys in a bounded cache. A secret that is not 32 bytes is a defect.
 */
export const makeNoble = (): CryptoShape => {
  const keys = new Ed.BoundedCache<Ed.DecodedKey | null>(Ed.KEY_CACHE_SIZE)
  const check = (item: VerifyItem): boolean => {
    try {
      if (!precheck(item)) return false
      const id = Ed.keyId(item.publicKey)
      let key = keys.get(id)
      if (key === undefined) {
        key = Ed.decodeKey(item.publicKey) ?? null
        keys.set(id, key)
      }
      return key !== null && Ed.cofactorlessVerify(key, item.publicKey, item.message, item.signature)
    } catch {
      return false
    }
  }
  return {
    name: "noble",
    publicKey: (secret) =>
      Effect.sync(() => {
        Ed.assertSecret(secret)
        return Ed.noblePublicKey(secret)
      }),
    sign: (secret, message) =>
      Effect.sync(() => {
        Ed.assertSecret(secret)
        return Ed.nobleSignature(secret, message)
      }),
    verify: (item) => Effect.sync(() => check(item)),
    verifyBatch: (items) => Effect.sync(() => items.map(check))
  }
}

// --- node: node:crypto (OpenSSL) --------------------------------------------------------------

interface NodeBuiltins {
  readonly crypto: typeof NodeCrypto
  readonly buffer: (bytes: Uint8Array) => NodeBuffer.Buffer
}

/**
 * node:crypto and Buffer, fetched with `process.getBuiltinModule` so that no import of a
 * Node module appears in the source and browser bundles are unaffected; `undefined` elsewhere.
 */
const nodeBuiltins = (): NodeBuiltins | undefined => {
  try {
    const proc = (globalThis as { readonly process?: { readonly getBuiltinModule?: (id: string) => unknown } })
      .process
    const getBuiltin = proc?.getBuiltinModule
    if (typeof getBuiltin !== "function") return undefined
    const crypto = getBuiltin("node:crypto") as typeof NodeCrypto | undefined
    const buffer = getBuiltin("node:buffer") as typeof NodeBuffer | undefined
    if (crypto === undefined || buffer === undefined) return undefined
    return {
      crypto,
      buffer: (bytes) => buffer.Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    }
  } catch {
    return undefined
  }
}

/**
 * The Node provider: node:crypto (OpenSSL), whose Ed25519 verification uses the cofactorless
 * equation. Public keys are imported once (DER SubjectPublicKeyInfo) and the `KeyObject`s
 * kept in a bounded cache; `verifyBatch` hands every signature to the libuv thread pool.
 * `undefined` when not running on Node (or a runtime without `process.getBuiltinModule` or
 * without Ed25519 in node:crypto). A secret that is not 32 bytes is a defect.
 */
export const makeNode = (): CryptoShape | undefined => {
  const builtins = nodeBuiltins()
  if (builtins === undefined) return undefined
  const { crypto, buffer } = builtins
  const importKey = (publicKey: Uint8Array): NodeCrypto.KeyObject =>
    crypto.createPublicKey({ key: buffer(Ed.spki(publicKey)), format: "der", type: "spki" })
  try {
    const probe = Ed.RFC8032_TEST1
    if (!crypto.verify(null, probe.message, importKey(probe.publicKey), probe.signature)) return undefined
  } catch {
    return undefined
  }
  const keys = new Ed.BoundedCache<NodeCrypto.KeyObject | null>(Ed.KEY_CACHE_SIZE)
  const keyOf = (publicKey: Uint8Array): NodeCrypto.KeyObject | null => {
    const id = Ed.keyId(publicKey)
    let key = keys.get(id)
    if (key === undefined) {
      try {
        key = importKey(publicKey)
      } catch {
        key = null
      }
      keys.set(id, key)
    }
    return key
  }
  const verifyNow = (item: VerifyItem): boolean => {
    try {
      if (!precheck(item)) return false
      const key = keyOf(item.publicKey)
      return key !== null && crypto.verify(null, item.message, key, item.signature)
    } catch {
      return false
    }
  }
  /** Verdicts of many signatures from the thread pool: one promise for the whole batch. */
  const verifyInPool = (items: ReadonlyArray<VerifyItem>): Promise<ReadonlyArray<boolean>> =>
    new Promise((resolve) => {
      const verdicts = new Array<boolean>(items.length).fill(false)
      let waiting = items.length + 1
      const done = () => {
        if (--waiting === 0) resolve(verdicts)
      }
      items.forEach((item, n) => {
        try {
          const key = precheck(item) ? keyOf(item.publicKey) : null
          if (key === null) return done()
          crypto.verify(null, item.message, key, item.signature, (error, ok) => {
            verdicts[n] = error === null && ok === true
            done()
          })
        } catch {
          done()
        }
      })
      done()
    })
  /** On worker threads when they can run, else on the thread pool (see `internal/verifyPool.ts`). */
  const verifyMany = async (items: ReadonlyArray<VerifyItem>): Promise<ReadonlyArray<boolean>> => {
    const pool = items.length >= POOL_MIN_BATCH ? verifyPool() : undefined
    if (pool !== undefined) {
      const passed: Array<VerifyItem> = []
      const at: Array<number> = []
      items.forEach((item, n) => {
        if (precheck(item)) {
          passed.push(item)
          at.push(n)
        }
      })
      const ok = await pool.verify(passed)
      if (ok !== undefined) {
        const verdicts = new Array<boolean>(items.length).fill(false)
        ok.forEach((v, k) => (verdicts[at[k]!] = v))
        return verdicts
      }
    }
    return verifyInPool(items)
  }
  const privateKey = (secret: Uint8Array): NodeCrypto.KeyObject => {
    Ed.assertSecret(secret)
    return crypto.createPrivateKey({ key: buffer(Ed.pkcs8(secret)), format: "der", type: "pkcs8" })
  }
  return {
    name: "node",
    publicKey: (secret) =>
      Effect.sync(() => {
        const der = crypto.createPublicKey(privateKey(secret)).export({ format: "der", type: "spki" })
        return new Uint8Array(der.subarray(Ed.SPKI_PREFIX_LENGTH))
      }),
    sign: (secret, message) => Effect.sync(() => new Uint8Array(crypto.sign(null, message, privateKey(secret)))),
    verify: (item) => Effect.sync(() => verifyNow(item)),
    verifyBatch: (items) => Effect.promise(() => verifyMany(items))
  }
}

// --- webcrypto: globalThis.crypto.subtle --------------------------------------------------------

const ED25519 = { name: "Ed25519" } as const

/**
 * The WebCrypto provider: `globalThis.crypto.subtle` with `{ name: "Ed25519" }`. Raw public
 * keys are imported once and the `CryptoKey`s kept in a bounded cache; `verifyBatch` starts
 * every verification at once. `undefined` when the runtime has no Ed25519 in WebCrypto
 * (detected by importing and verifying RFC 8032 TEST 1). A secret that is not 32 bytes is a
 * defect.
 */
export const makeWebCrypto = async (): Promise<CryptoShape | undefined> => {
  const subtle = (globalThis as { readonly crypto?: { readonly subtle?: SubtleCrypto } }).crypto?.subtle
  if (subtle === undefined) return undefined
  try {
    const probe = Ed.RFC8032_TEST1
    const key = await subtle.importKey("raw", probe.publicKey.slice(), ED25519, false, ["verify"])
    if (!(await subtle.verify(ED25519, key, probe.signature.slice(), probe.message.slice()))) return undefined
  } catch {
    return undefined
  }
  const keys = new Ed.BoundedCache<Promise<CryptoKey | null>>(Ed.KEY_CACHE_SIZE)
  const keyOf = (publicKey: Uint8Array): Promise<CryptoKey | null> => {
    const id = Ed.keyId(publicKey)
    let key = keys.get(id)
    if (key === undefined) {
      key = subtle.importKey("raw", publicKey.slice(), ED25519, false, ["verify"]).then(
        (imported) => imported,
        () => null
      )
      keys.set(id, key)
    }
    return key
  }
  const check = async (item: VerifyItem): Promise<boolean> => {
    try {
      if (!precheck(item)) return false
      const key = await keyOf(item.publicKey)
      if (key === null) return false
      return await subtle.verify(ED25519, key, Ed.plainBytes(item.signature), Ed.plainBytes(item.message))
    } catch {
      return false
    }
  }
  const signingKey = (secret: Uint8Array, extractable: boolean): Promise<CryptoKey> => {
    Ed.assertSecret(secret)
    return subtle.importKey("pkcs8", Ed.plainBytes(Ed.pkcs8(secret)), ED25519, extractable, ["sign"])
  }
  return {
    name: "webcrypto",
    publicKey: (secret) =>
      Effect.promise(async () => {
        const jwk = await subtle.exportKey("jwk", await signingKey(secret, true))
        const publicKey = jwk.x === undefined ? undefined : Ed.fromBase64Url(jwk.x)
        if (publicKey === undefined || publicKey.length !== 32) throw new Error("WebCrypto returned no Ed25519 public key")
        return publicKey
      }),
    sign: (secret, message) =>
      Effect.promise(
        async () => new Uint8Array(await subtle.sign(ED25519, await signingKey(secret, false), Ed.plainBytes(message)))
      ),
    verify: (item) => Effect.promise(() => check(item)),
    verifyBatch: (items) => Effect.promise(() => Promise.all(items.map(check)))
  }
}

// --- choosing a provider ------------------------------------------------------------------------

/**
 * Whether a provider gives the protocol's answers: RFC 8032 TEST 1 (public key, exact
 * signature bytes, verification), a tampered signature, and vectors on which the cofactorless
 * and the cofactored equations disagree — through both `verify` and `verifyBatch`. Never
 * rejects: any failure is `false`.
 */
export const selfTest = async (shape: CryptoShape): Promise<boolean> => {
  const t = Ed.RFC8032_TEST1
  const tampered = t.signature.slice()
  tampered[40] = tampered[40]! ^ 1
  const probes: ReadonlyArray<Ed.Probe> = [
    { publicKey: t.publicKey, message: t.message, signature: t.signature, valid: true },
    { publicKey: t.publicKey, message: t.message, signature: tampered, valid: false },
    ...Ed.EQUATION_PROBES
  ]
  try {
    return await Effect.runPromise(
      Effect.gen(function* () {
        const publicKey = yield* shape.publicKey(t.secret)
        const signature = yield* shape.sign(t.secret, t.message)
        if (!Bytes.equals(publicKey, t.publicKey) || !Bytes.equals(signature, t.signature)) return false
        const single = yield* Effect.forEach(probes, (probe) => shape.verify(probe))
        const batch = yield* shape.verifyBatch(probes)
        return probes.every((probe, i) => single[i] === probe.valid && batch[i] === probe.valid)
      })
    )
  } catch {
    return false
  }
}

/**
 * Every provider available on this runtime, fastest first (`node`, `webcrypto`, `noble`).
 * Availability only: run {@link selfTest} to check one gives the protocol's verdicts.
 */
export const providers = async (): Promise<ReadonlyArray<CryptoShape>> => {
  const node = makeNode()
  const web = await makeWebCrypto()
  return [...(node === undefined ? [] : [node]), ...(web === undefined ? [] : [web]), makeNoble()]
}

/**
 * The fastest provider on this runtime that passes {@link selfTest}: node:crypto on Node,
 * else WebCrypto when it has Ed25519 with the cofactorless equation, else noble.
 */
export const makeBest = async (): Promise<CryptoShape> => {
  const node = makeNode()
  if (node !== undefined && (await selfTest(node))) return node
  const web = await makeWebCrypto()
  if (web !== undefined && (await selfTest(web))) return web
  return makeNoble()
}

const checkedLayer = (
  provider: string,
  make: () => Promise<CryptoShape | undefined>
): Layer.Layer<Crypto, CryptoUnavailable> =>
  Layer.effect(
    Crypto,
    Effect.flatMap(
      Effect.promise(async () => {
        const shape = await make()
        if (shape === undefined) return "not available on this runtime"
        return (await selfTest(shape)) ? shape : "fails the self-test"
      }),
      (result) =>
        typeof result === "string" ? Effect.fail(new CryptoUnavailable({ provider, reason: result })) : Effect.succeed(result)
    )
  )

/** The Crypto service on the fastest provider that works here (see {@link makeBest}). */
export const layerBest: Layer.Layer<Crypto> = Layer.effect(Crypto, Effect.promise(makeBest))

/** The Crypto service on noble, the portable pure-JavaScript provider. */
export const layerNoble: Layer.Layer<Crypto> = Layer.sync(Crypto, makeNoble)

/** The Crypto service on node:crypto; fails with {@link CryptoUnavailable} off Node or if it fails {@link selfTest}. */
export const layerNode: Layer.Layer<Crypto, CryptoUnavailable> = checkedLayer("node", () => Promise.resolve(makeNode()))

/** The Crypto service on WebCrypto; fails with {@link CryptoUnavailable} without Ed25519 or if it fails {@link selfTest}. */
export const layerWebCrypto: Layer.Layer<Crypto, CryptoUnavailable> = checkedLayer("webcrypto", makeWebCrypto)
