/**
 * The fold order: delivered events sorted by (depth, id), a linear extension of the causal
 * order fixed by the set of events alone (`docs/protocol.md` §7).
 *
 * @module
 */
import type { Log } from "../Log.ts"

/**
 * Event indexes sorted in fold order (depth, then id): by counting on depth, then by key
 * within a depth, so sorting a whole log costs little more than reading it.
 */
export const foldOrder = (log: Log, indexes: ReadonlyArray<number>): Array<number> => {
  if (indexes.length < 64) return [...indexes].sort((a, b) => (log.before(a, b) ? -1 : log.before(b, a) ? 1 : 0))
  let min = Number.POSITIVE_INFINITY
  let max = 0
  for (const i of indexes) {
    const d = log.depth[i]!
    if (d < min) min = d
    if (d > max) max = d
  }
  const starts = new Int32Array(max - min + 2)
  for (const i of indexes) starts[log.depth[i]! - min + 1]! += 1
  for (let k = 1; k < starts.length; k++) starts[k]! += starts[k - 1]!
  const out = new Array<number>(indexes.length)
  const next = starts.slice()
  for (const i of indexes) out[next[log.depth[i]! - min]!++] = i
  for (let k = 0; k + 1 < starts.length; k++) {
    const a = starts[k]!
    const b = starts[k + 1]!
    if (b - a > 1) {
      const run = out.slice(a, b).sort((x, y) => (log.keys[x]! < log.keys[y]! ? -1 : 1))
      for (let j = 0; j < run.length; j++) out[a + j] = run[j]!
    }
  }
  return out
}

/** Position of delivered event `i` in a fold order (binary search on depth, then id). */
export const positionIn = (log: Log, order: ReadonlyArray<number>, i: number): number => {
  let lo = 0
  let hi = order.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (log.before(order[mid]!, i)) lo = mid + 1
    else hi = mid
  }
  return lo
}
