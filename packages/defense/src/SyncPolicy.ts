/**
 * What the sync layer asks before it syncs with a relay or a peer: whether this community
 * restricted it from being synced with (scope `sync`), by its own decision or because enough
 * allied lists agree. Pure: a host or a transport calls {@link refusal} with the community's
 * defense state and its community time, and refuses the connection with the message.
 *
 * ```ts
 * import * as Defense from "@affinity/defense/module"
 *
 * const state = Defense.init({ community: "00".repeat(32), name: "x", founders: [], params: { timeWitnesses: 2, primeSize: 3, primeTerm: Defense.DAY, quorumPercent: 50 }, time: 0 })
 * console.log(Defense.SyncPolicy.refusal(state, { relay: "wss://relay.example" }, 0)) // undefined
 * ```
 *
 * @module
 */
import * as Lists from "./Lists.ts"
import { bodyWords, type State, type Subject } from "./State.ts"

/** A relay (its address), a peer device (its key, hex) and the community it serves or comes from (hex), any of them. */
export type Peer = { readonly relay?: string; readonly key?: string; readonly community?: string }

/** Why syncing with a peer is refused. */
export type Refusal = { readonly _tag: "Restricted"; readonly message: string; readonly until: number }

const when = (time: number): string => {
  const iso = new Date(time).toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
}

/** A relay address compared loosely: white space, letter case and trailing slashes aside (`wss://Relay.example/` is `wss://relay.example`). */
export const sameRelay = (a: string, b: string): boolean => {
  const plain = (x: string) => x.trim().replace(/\/+$/, "").toLowerCase()
  return plain(a) === plain(b)
}

/** The relay addresses the state names that are the same relay as `address`. */
const relaysLike = (state: State, address: string): ReadonlyArray<string> => {
  const names = new Set<string>([address])
  for (const r of Object.values(state.restrictions)) if (r.subject.kind === "relay" && sameRelay(r.subject.id, address)) names.add(r.subject.id)
  for (const l of Object.values(state.listed)) if (l.subject.kind === "relay" && sameRelay(l.subject.id, address)) names.add(l.subject.id)
  return [...names].sort()
}

const subjects = (state: State, peer: Peer): ReadonlyArray<Subject> => [
  ...(peer.relay === undefined ? [] : relaysLike(state, peer.relay).map((id) => ({ kind: "relay" as const, id }))),
  ...(peer.key === undefined ? [] : [{ kind: "key" as const, id: peer.key.toLowerCase() }]),
  ...(peer.community === undefined ? [] : [{ kind: "community" as const, id: peer.community.toLowerCase() }])
]

const named = (s: Subject): string => (s.kind === "relay" ? `the relay ${s.id}` : s.kind === "key" ? "this device key" : "that community")

/** Whether this community refuses to sync with `peer` at community time `time`: the refusal, or `undefined`. */
export const refusal = (state: State, peer: Peer, time: number): Refusal | undefined => {
  for (const subject of subjects(state, peer)) {
    for (const id of Object.keys(state.restrictions).sort()) {
      const r = state.restrictions[id]!
      if (r.subject.kind !== subject.kind || r.subject.id !== subject.id || r.severity !== "block" || !r.scope.includes("sync")) continue
      if (r.lifted !== null || time >= r.expires) continue
      return { _tag: "Restricted", until: r.expires, message: `${bodyWords(r.by)} restricted syncing with ${named(subject)} until ${when(r.expires)}: ${r.reason}` }
    }
    const a = Lists.agreement(state, subject, "sync", { time })
    if (a !== undefined)
      return { _tag: "Restricted", until: a.until, message: `${a.sources.length} allied communities' lists restrict syncing with ${named(subject)} until ${when(a.until)}: ${a.reasons[0]}` }
  }
  return undefined
}
