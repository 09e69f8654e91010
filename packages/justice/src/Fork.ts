/**
 * Reading an equivocation proof the kernel has already accepted: `justice/case.fork` carries the
 * header of a `core/equivocation` event (§9) and that event's two embedded events. The header's
 * id must be in the filing's causal past: the kernel delivered that event only after checking the
 * embedded events' signatures (§3.2, `BadEmbeddedSignature`), so justice needs no signature check
 * of its own. It checks that the two events are that event's (its body hash), and that they prove a
 * fork: two distinct events of this community by one author with one sequence number. Pure, and
 * built on the canonical CBOR reader alone.
 *
 * ```ts
 * import * as Justice from "@affinity/justice"
 *
 * console.log(Justice.Fork.read(new Uint8Array([0x80]), new Uint8Array(0), new Uint8Array(0), "00".repeat(32))._tag) // NotAProof
 * ```
 *
 * @module
 */
import { Bytes, Cbor, Hash } from "@affinity/core/module"

/** What a proof shows: the forked author key, the sequence number, and the proof event's key (all hex but `seq`). */
export type Proven = { readonly _tag: "Proven"; readonly author: string; readonly seq: number; readonly proof: string }

/** Why it proves nothing. */
export type Refused = { readonly _tag: "NotAProof"; readonly message: string }

const refused = (message: string): Refused => ({ _tag: "NotAProof", message })

type Header = { readonly version: number; readonly community: Uint8Array | null; readonly author: Uint8Array; readonly seq: number; readonly module: string; readonly type: string; readonly bodyHash: Uint8Array }

const header = (bytes: Uint8Array): Header | undefined => {
  const d = Cbor.decode(bytes)
  if (!d.ok || !Array.isArray(d.value)) return undefined
  const h = d.value as ReadonlyArray<Cbor.Value>
  const [version, community, author, seq, , , , module, type, bodyHash] = h
  if ((version !== 1 || h.length !== 11) && (version !== 2 || h.length !== 13)) return undefined
  if (!(community === null || community instanceof Uint8Array) || !(author instanceof Uint8Array) || author.length !== 32) return undefined
  if (typeof seq !== "number" || typeof module !== "string" || typeof type !== "string" || !(bodyHash instanceof Uint8Array)) return undefined
  return { version, community, author, seq, module, type, bodyHash }
}

/** The header bytes of an event's wire form (`[header, signature, body, payload?]`), or `undefined`. */
const headerOf = (event: Uint8Array): Uint8Array | undefined => {
  const d = Cbor.decode(event)
  if (!d.ok || !Array.isArray(d.value)) return undefined
  const first = (d.value as ReadonlyArray<Cbor.Value>)[0]
  return first instanceof Uint8Array ? first : undefined
}

/**
 * Read a proof: `proof` the header bytes of a `core/equivocation` event, `a` and `b` its two
 * events, `community` this community's id (hex). Whether the proof event is in the filing's
 * causal past is for the caller (its key is `proof` of the answer).
 */
export const read = (proof: Uint8Array, a: Uint8Array, b: Uint8Array, community: string): Proven | Refused => {
  const p = header(proof)
  if (p === undefined || p.module !== "core" || p.type !== "equivocation") return refused("proof must be the header of a core/equivocation event")
  if (p.community === null || Bytes.toHex(p.community) !== community) return refused("the proof belongs to another community")
  if (!Bytes.equals(Hash.sha256(Cbor.encode({ a, b })), p.bodyHash)) return refused("a and b are not the two events of that proof")
  const ha = headerOf(a)
  const hb = headerOf(b)
  const ea = ha && header(ha)
  const eb = hb && header(hb)
  if (!ha || !hb || !ea || !eb) return refused("a and b must be events")
  if (Bytes.equals(ha, hb)) return refused("a and b are the same event")
  if (!Bytes.equals(ea.author, eb.author) || ea.seq !== eb.seq) return refused("a and b must be by one author with one sequence number")
  if (ea.community === null || eb.community === null || Bytes.toHex(ea.community) !== community || Bytes.toHex(eb.community) !== community)
    return refused("a and b must name this community")
  return { _tag: "Proven", author: Bytes.toHex(ea.author), seq: ea.seq, proof: Bytes.toHex(Hash.sha256(proof)) }
}
