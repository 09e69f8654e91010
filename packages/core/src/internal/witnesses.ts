/**
 * Witness lists: for each event, the identities with the latest claimed times in its causal
 * past (or itself), at most `limit` of them, latest first (ties by identity, ascending). An
 * event's list is the merge of its dependencies' lists and its own claim, keeping only the
 * identities that still count at the event. See `docs/protocol.md` §6.
 *
 * @module
 */

/** One entry: an identity and the latest time it claimed. */
export type Witness = readonly [identity: string, time: number]

/** The empty list (shared). */
export const NONE: ReadonlyArray<Witness> = Object.freeze([])

/** Scratch space of {@link merge} (never kept across calls). */
const scratchIds: Array<string> = []
const scratchTimes: Array<number> = []

/**
 * Merge dependency lists and an optional own claim into one list of at most `limit` entries.
 * `counts(identity)` says whether an identity found in a dependency's list still counts at
 * the event (one who left or was removed in its past does not). Returns a dependency's list
 * itself when the result is the same, so most events share their list with a parent.
 */
export const merge = (
  lists: ReadonlyArray<ReadonlyArray<Witness>>,
  own: Witness | undefined,
  limit: number,
  counts: (identity: string) => boolean
): ReadonlyArray<Witness> => {
  if (own === undefined && lists.length === 1) {
    const only = lists[0]!
    let all = true
    for (const [id] of only) if (!counts(id)) all = false
    if (all && only.length <= limit) return only
  }
  const ids = scratchIds
  const times = scratchTimes
  let n = 0
  const add = (id: string, t: number) => {
    let k = 0
    while (k < n && ids[k] !== id) k++
    if (k < n) {
      if (t > times[k]!) times[k] = t
    } else {
      ids[n] = id
      times[n++] = t
    }
  }
  for (const list of lists) for (const [id, t] of list) if (counts(id)) add(id, t)
  if (own !== undefined) add(own[0], own[1])
  // Latest time first, then identity; keep the first `limit` (insertion sort: n is small).
  for (let a = 1; a < n; a++) {
    const id = ids[a]!
    const t = times[a]!
    let b = a - 1
    while (b >= 0 && (times[b]! < t || (times[b] === t && ids[b]! > id))) {
      ids[b + 1] = ids[b]!
      times[b + 1] = times[b]!
      b--
    }
    ids[b + 1] = id
    times[b + 1] = t
  }
  const count = Math.min(n, limit)
  for (const list of lists) {
    if (list.length !== count) continue
    let same = true
    for (let k = 0; k < count && same; k++) same = list[k]![0] === ids[k] && list[k]![1] === times[k]
    if (same) return list
  }
  if (count === 0) return NONE
  const out: Array<Witness> = []
  for (let k = 0; k < count; k++) out.push([ids[k]!, times[k]!])
  return out
}

/**
 * How many distinct witnesses community time needs in a community of `full` full members,
 * with the parameter `timeWitnesses`: one while there are at most two full members (so a
 * pair, or a lone founder, is never frozen by one quiet member); from three on, at least two
 * and at most `full − 1` (so no single member moves time, and one quiet member freezes nothing).
 */
export const needed = (timeWitnesses: number, full: number): number =>
  full <= 2 ? 1 : Math.min(Math.max(timeWitnesses, 2), full - 1)

/** How many entries each list keeps: enough for {@link needed} at any size. */
export const kept = (timeWitnesses: number): number => Math.max(timeWitnesses, 2)

/**
 * The `w`-th latest time among the merged entries of `lists` that still count, or
 * `fallback` (the genesis time) when fewer identities have claimed a time.
 */
export const nth = (
  lists: ReadonlyArray<ReadonlyArray<Witness>>,
  w: number,
  counts: (identity: string) => boolean,
  fallback: number
): number => {
  const merged = new Map<string, number>()
  for (const list of lists) for (const [id, t] of list) if (counts(id)) merged.set(id, Math.max(t, merged.get(id) ?? 0))
  if (merged.size < w) return fallback
  const times = [...merged.values()].sort((a, b) => b - a)
  return times[w - 1]!
}
