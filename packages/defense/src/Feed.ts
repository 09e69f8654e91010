/**
 * Signed exports of a community's restriction feed, for allied communities that subscribe to
 * it. A community's feed is the list of its own restrictions and lifts in fold order, each at
 * a position (`seq`, from 1). An export carries the entries from a position on, signed by a
 * publisher key the subscribers named when they subscribed; it travels as a file, or inside
 * a `defense/list.import` event, and the importing community checks it in its fold. An
 * import resumes from the last position it brought in; entries it already has are skipped
 * by their ids.
 *
 * Bytes: `signed = cbor({ feed: unsigned, sig })`, `unsigned = cbor({ format:
 * "affinity/defense-feed/v1", source, publisher, from, entries })`, and `sig` is the
 * publisher's ed25519 signature of `"affinity/defense-feed/v1" ‖ 0x00 ‖ unsigned`.
 *
 * ```ts
 * import { Signature } from "@affinity/core/module"
 * import * as Defense from "@affinity/defense/module"
 *
 * const secret = new Uint8Array(32).fill(9)
 * const publisher = Signature.publicKey(secret)
 * const entry: Defense.Feed.Entry = {
 *   seq: 1, op: "add", id: "aa".repeat(32), subject: { kind: "relay", id: "wss://spam.example" }, scope: ["sync"],
 *   severity: "block", reason: "floods members with spam", evidence: "", date: 0, expires: 90 * Defense.DAY
 * }
 * const bytes = Defense.Feed.sign({ source: "11".repeat(32), from: 1, entries: [entry] }, secret)
 * const opened = Defense.Feed.open(bytes)
 * console.log(opened.ok && opened.value.entries.length) // 1
 * console.log(opened.ok && Defense.Feed.verify(opened.value, [Defense.Feed.hex(publisher)])) // true
 * ```
 *
 * @module
 */
import { Body, Bytes, Cbor, Signature } from "@affinity/core/module"
import * as Bodies from "./Bodies.ts"
import { lookup, MAX_FEED_ENTRIES, type State } from "./State.ts"

/** One entry of an export, as it travels (`Bodies.WireEntry`). */
export type Entry = Bodies.WireEntry

/** The format tag of an export. */
export const FORMAT = "affinity/defense-feed/v1"

const DOMAIN = Bytes.concat(Bytes.utf8(FORMAT), Uint8Array.of(0))

/** Lower-case hex of bytes. */
export const hex = (bytes: Uint8Array): string => Bytes.toHex(bytes)

/** The entries of `state`'s own feed from position `from` on (at most {@link MAX_FEED_ENTRIES}). */
export const entries = (state: State, from = 1): ReadonlyArray<Bodies.WireEntry> => {
  const out: Array<Bodies.WireEntry> = []
  for (const f of state.feed) {
    if (f.seq < from || out.length >= MAX_FEED_ENTRIES) continue
    const r = lookup(state.restrictions, f.id)
    if (r === undefined) continue
    out.push({
      seq: f.seq,
      op: f.op,
      id: r.id,
      subject: { kind: r.subject.kind, id: r.subject.id },
      scope: [...r.scope],
      severity: r.severity,
      reason: f.op === "lift" && r.lifted !== null ? r.lifted.reason : r.reason,
      evidence: r.evidence,
      date: f.at,
      expires: r.expires
    })
  }
  return out
}

/** What is signed: the canonical bytes of the unsigned export. */
export const unsigned = (u: { readonly source: string; readonly publisher: string; readonly from: number; readonly entries: ReadonlyArray<Bodies.WireEntry> }): Uint8Array =>
  Cbor.encode({
    format: FORMAT,
    source: u.source,
    publisher: u.publisher,
    from: u.from,
    entries: u.entries.map((e) => ({ ...e, subject: { ...e.subject }, scope: [...e.scope] }))
  })

/** The message a publisher signs for the unsigned bytes. */
export const message = (unsignedBytes: Uint8Array): Uint8Array => Bytes.concat(DOMAIN, unsignedBytes)

/** An export from its unsigned bytes and the publisher's signature of {@link message}. */
export const seal = (unsignedBytes: Uint8Array, signature: Uint8Array): Uint8Array => Cbor.encode({ feed: unsignedBytes, sig: signature })

/**
 * Sign an export with a 32-byte secret seed (the publisher's key), in one step: for tests,
 * tools and a device that holds its key in memory. A host that keeps keys elsewhere signs
 * {@link message} of {@link unsigned} itself and calls {@link seal}.
 */
export const sign = (
  u: { readonly source: string; readonly from: number; readonly entries: ReadonlyArray<Bodies.WireEntry> },
  secret: Uint8Array
): Uint8Array => {
  const publisher = hex(Signature.publicKey(secret))
  const bytes = unsigned({ ...u, publisher })
  return seal(bytes, Signature.sign(secret, message(bytes)))
}

/** An export, opened: what it says, and what was signed. */
export type Opened = Bodies.Unsigned & { readonly bytes: Uint8Array; readonly sig: Uint8Array }

/** Open an export: its entries, or why it is not one (never throws; the signature is checked by {@link verify}). */
export const open = (bytes: Uint8Array): { readonly ok: true; readonly value: Opened } | { readonly ok: false; readonly message: string } => {
  const outer = Cbor.decode(bytes)
  if (!outer.ok) return { ok: false, message: `not a canonical CBOR export: ${outer.issue.message}` }
  const signed = Body.decode(Bodies.Signed, outer.value)
  if (!signed.ok) return { ok: false, message: signed.message }
  const inner = Cbor.decode(signed.value.feed)
  if (!inner.ok) return { ok: false, message: `feed: not canonical CBOR: ${inner.issue.message}` }
  const u = Body.decode(Bodies.Unsigned, inner.value)
  if (!u.ok) return { ok: false, message: `feed: ${u.message}` }
  return { ok: true, value: { ...u.value, bytes: signed.value.feed, sig: signed.value.sig } }
}

/** Whether an opened export is signed by its publisher, and the publisher is one of `publishers` (hex). */
export const verify = (opened: Opened, publishers: ReadonlyArray<string>): boolean => {
  if (!publishers.includes(opened.publisher)) return false
  const key = Bytes.fromHex(opened.publisher)
  return key !== undefined && Signature.verify(key, message(opened.bytes), opened.sig)
}
