/**
 * `@affinity/core`: signed, hash-linked community logs, the deterministic fold that turns
 * them into state, and the services (crypto, storage) every module runs on.
 *
 * @module
 */
export * as Bytes from "./Bytes.ts"
export * as Crypto from "./Crypto.ts"
export * as Storage from "./Storage.ts"
