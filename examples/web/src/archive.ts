/**
 * Export files: a community's events in a file people can keep (a backup, or a way to
 * carry a community to another device without any network).
 *
 * Wire form: the canonical CBOR map
 * `{ format: "affinity-events", v: 1, community: <32-byte id>, events: [<event bytes>…] }`,
 * events parents first, the genesis first. A file is untrusted: importing it verifies every
 * event like one from a peer (`receive`), so a changed file adds nothing false.
 *
 * @module
 */
import { Bytes, Cbor, Event } from "@affinity/core"
import * as D from "./decode.ts"

/** The `format` field of export files. */
export const FORMAT = "affinity-events"

/** File name extension of export files. */
export const EXTENSION = ".affinity"

/** Most events a file may hold. */
export const MAX_EVENTS = 1_000_000

/** A decoded export file (events not yet verified). */
export interface Archive {
  readonly community: string
  readonly genesis: Uint8Array
  /** Every event after the genesis. */
  readonly events: ReadonlyArray<Uint8Array>
}

const Wire = D.struct({
  format: D.exactly(FORMAT),
  v: D.exactly(1),
  community: D.bytes(32),
  // An event may carry a payload (a profile, a message) beside its body.
  events: D.array(D.bytes(1, Event.Limits.maxWireBytes), 1, MAX_EVENTS)
})

/** The bytes of an export file of a community's events (genesis first). */
export const encode = (community: string, events: ReadonlyArray<Uint8Array>): Uint8Array =>
  Cbor.encode({ format: FORMAT, v: 1, community: Bytes.fromHex(community)!, events: [...events] })

/** Decode an export file; checks its shape and that it starts with the community's genesis. */
export const decode = (bytes: Uint8Array): { readonly ok: true; readonly archive: Archive } | { readonly ok: false; readonly message: string } => {
  const cbor = Cbor.decode(bytes)
  if (!cbor.ok) return { ok: false, message: "this file is not an Affinity export (it does not decode)" }
  const w = Wire(cbor.value, "file")
  if (!w.ok) return { ok: false, message: `this file is not an Affinity export (${w.message})` }
  const community = Bytes.toHex(w.value.community)
  const first = Event.decode(w.value.events[0]!)
  if (!first.ok || first.event.key !== community)
    return { ok: false, message: "this file is damaged: its first event is not the genesis of the community it names" }
  return { ok: true, archive: { community, genesis: w.value.events[0]!, events: w.value.events.slice(1) } }
}
