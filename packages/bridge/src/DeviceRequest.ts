/**
 * Asking to be added to a member. A bridge that joined a community by invitation acts for
 * a member once that member adds its device key to their identity: the bridge shows a
 * **device request code** (its public key and its consent to being added by the inviting
 * device), which the member pastes into the app on that device, and which appends
 * `core/device.add`.
 *
 * The format is the web app's: base64url without padding of the canonical CBOR map
 * `{ v: 1, c: <community id>, a: <adding device key>, d: <new device key>, s: <consent> }`,
 * where `s` is the new key's signature over `core`'s device-consent message for `(c, a)`.
 *
 * @example
 * ```ts
 * import { Client, Invitation, Storage } from "@affinity/core"
 * import { DeviceRequest } from "@affinity/bridge"
 *
 * const client = await Client.make({ storage: Storage.layerMemory })
 * const [ada, bridge] = [await client.generateKey(), await client.generateKey()]
 * const garden = await client.create({ name: "Garden", author: ada })
 * const opened = await Invitation.decode(await Invitation.make({ genesis: garden.export()[0]!, relays: [], inviter: ada }))
 * if (opened.ok) {
 *   const code = await DeviceRequest.requestCode(client, bridge, opened.invitation.community, opened.invitation.inviter)
 *   console.log(/^[A-Za-z0-9_-]+$/.test(code)) // true
 * }
 * await client.close()
 * ```
 *
 * @module
 */
import { Bytes, Cbor, type Client, type Keys } from "@affinity/core"

/** The version of the device request format. */
export const VERSION = 1

/**
 * The device request code of `device`, consenting to being added in `community` (hex id)
 * by the device key `adder` (hex): what the member pastes into the app on that device.
 * Rejects with a `TypeError` when `community` or `adder` is not 64 hex digits.
 */
export const requestCode = async (client: Client.Client, device: Keys.DeviceKey, community: string, adder: string): Promise<string> => {
  const [c, a] = [Bytes.fromHex(community), Bytes.fromHex(adder)]
  if (c?.length !== 32 || a?.length !== 32) throw new TypeError("community and adder are 64 hex digits each")
  const consent = await client.deviceConsent(device, community, adder)
  return Bytes.toBase64url(Cbor.encode({ v: VERSION, c, a, d: device.publicKey, s: consent }))
}
