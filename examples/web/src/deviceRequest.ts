/**
 * Device requests: how a person adds a second device. The new device opens an invitation
 * made on one of their devices, and shows a request code: its own public key and its
 * consent to being added by that device (the signature `core/device.add` carries). The
 * existing device checks the code and appends `core/device.add`. The new device's secret
 * never leaves it.
 *
 * Wire form: base64url of the canonical CBOR map
 * `{ v: 1, c: <community id>, a: <adding device key>, d: <new device key>, s: <consent> }`,
 * where `s` is the new key's signature over `core`'s device-consent message for `(c, a)`.
 *
 * @module
 */
import { Bytes, Cbor, CoreEvents, type Crypto } from "@affinity/core"
import { Effect } from "effect"
import * as D from "./decode.ts"

/** A checked device request. */
export interface DeviceRequest {
  readonly community: string
  /** The new device key. */
  readonly device: Uint8Array
  /** Its consent signature. */
  readonly consent: Uint8Array
}

const Wire = D.struct({ v: D.exactly(1), c: D.bytes(32), a: D.bytes(32), d: D.bytes(32), s: D.bytes(64) })

/** The request code of a new device that consents to being added in `community` by `adder`. */
export const encode = (p: { readonly community: string; readonly adder: Uint8Array; readonly device: Uint8Array; readonly consent: Uint8Array }): string =>
  Bytes.toBase64url(Cbor.encode({ v: 1, c: Bytes.fromHex(p.community)!, a: p.adder, d: p.device, s: p.consent }))

/**
 * Decode a request code for `community`, to be added by the device key `adder`; never
 * rejects. Checks the shape, that it is meant for this community and this device, and the
 * consent signature.
 */
export const decode = async (
  crypto: Crypto.CryptoShape,
  input: string,
  expected: { readonly community: string; readonly adder: Uint8Array }
): Promise<{ readonly ok: true; readonly request: DeviceRequest } | { readonly ok: false; readonly message: string }> => {
  const code = input.trim()
  if (code === "") return { ok: false, message: "paste the request code shown on your new device" }
  const bytes = code.length <= 1024 ? Bytes.fromBase64url(code) : undefined
  const cbor = bytes ? Cbor.decode(bytes) : undefined
  const w = cbor?.ok ? Wire(cbor.value, "request") : undefined
  if (!w?.ok) return { ok: false, message: "this is not a device request code (it is damaged or cut short); copy it again from the new device" }
  const r = w.value
  if (Bytes.toHex(r.c) !== expected.community) return { ok: false, message: "this request is for another community" }
  if (!Bytes.equals(r.a, expected.adder))
    return { ok: false, message: "this request was made for another device: open the invitation from this device on the new one, then try again" }
  const valid = await Effect.runPromise(
    crypto.verify({ publicKey: r.d, message: CoreEvents.deviceConsentMessage(r.c, r.a), signature: r.s })
  )
  if (!valid) return { ok: false, message: "this request has been changed: the new device's signature does not verify" }
  return { ok: true, request: { community: expected.community, device: r.d, consent: r.s } }
}
