/**
 * Ancestry in a log's event graph: whether one event is in another's causal past, the
 * greatest sequence number of an author in an event's past, and each event's children.
 * Every answer depends only on the events involved and their pasts, never on the order
 * events arrived in.
 *
 * @module
 */
import type { Graph } from "./Graph.ts"

/** The ancestry indexes of one {@link Graph}, kept up to date as events are placed. */
export class Ancestry {
  private readonly graph: Graph
  /**
   * Per event: how many of the first events (by index) are certainly in its causal past or
   * the event itself. Every index below it is an ancestor, so most questions about old
   * events are answered without a table (see {@link isAncestor}).
   */
  private readonly covered: Array<number> = []
  /** Per event: index of its first child edge in {@link edgeChild}, or -1. */
  private readonly firstChild: Array<number> = []
  /** Per child edge: the child's index. */
  private readonly edgeChild: Array<number> = []
  /** Per child edge: the next edge of the same parent, or -1. */
  private readonly edgeNext: Array<number> = []
  /**
   * Per author: {@link knownSeq} of each event from the author's first event on
   * (`table[i - base]`), filled in index order as far as asked.
   */
  private readonly known = new Map<string, { table: Int32Array; readonly base: number; filled: number }>()

  constructor(graph: Graph) {
    this.graph = graph
  }

  /** Record the event placed at index `i` (the next one) with its dependencies. */
  placed(i: number, deps: ReadonlyArray<number>): void {
    this.firstChild.push(-1)
    let covered = 0
    for (const d of deps) if (this.covered[d]! > covered) covered = this.covered[d]!
    for (let grew = true; grew; ) {
      grew = false
      for (const d of deps)
        if (d === covered) {
          covered = d + 1
          grew = true
        }
    }
    this.covered.push(covered === i ? i + 1 : covered)
    for (const d of deps) {
      this.edgeNext.push(this.firstChild[d]!)
      this.firstChild[d] = this.edgeChild.length
      this.edgeChild.push(i)
    }
  }

  /**
   * Calls `f` with the index of each event that names event `i` as a parent or prev (each
   * once per dependency it names), newest first.
   */
  forEachChild(i: number, f: (child: number) => void): void {
    for (let e = this.firstChild[i]!; e !== -1; e = this.edgeNext[e]!) f(this.edgeChild[e]!)
  }

  /** Whether event `x` is in the strict causal past of event `y` (indexes). */
  isAncestor(x: number, y: number): boolean {
    const g = this.graph
    if (x === y || g.depth[x]! >= g.depth[y]!) return false
    if (x < this.covered[y]!) return true
    const author = g.author[x]!
    if (!g.equivocations.has(author)) {
      // Along one author's unforked chain, earlier is an ancestor: no table needed.
      if (g.author[y] === author) return g.seq[x]! < g.seq[y]!
      return this.knownSeq(y, author) >= g.seq[x]!
    }
    // An author who forked its chain: walk back from y.
    const seen = new Set<number>([y])
    const stack = [y]
    const limit = g.depth[x]!
    while (stack.length > 0) {
      const n = stack.pop()!
      for (const d of g.deps[n]!) {
        if (d === x) return true
        if (g.depth[d]! > limit && !seen.has(d)) {
          seen.add(d)
          stack.push(d)
        }
      }
    }
    return false
  }

  /**
   * How many of the first delivered events (by index) are certainly `i` or in its causal
   * past: every event with a lower index is (a lower bound, found from its dependencies'
   * bounds when it was delivered).
   */
  coveredBy(i: number): number {
    return this.covered[i]!
  }

  /** Whether `x` is `y` or in its causal past. */
  isAncestorOrSelf(x: number, y: number): boolean {
    return x === y || this.isAncestor(x, y)
  }

  /** Greatest sequence number of `author` in the causal past of `y`, `y` included. */
  knownSeq(y: number, author: string): number {
    const g = this.graph
    let memo = this.known.get(author)
    if (!memo) {
      // No event delivered before the author's first one can have the author's events in its past.
      const chain = g.chains.get(author)
      let base = g.size
      if (chain !== undefined) for (const i of chain.values()) if (i < base) base = i
      this.known.set(author, (memo = { table: new Int32Array(Math.max(64, g.size - base)), base, filled: base }))
    }
    const base = memo.base
    if (y < base) return 0
    if (y >= memo.filled) {
      if (memo.table.length <= y - base) {
        const grown = new Int32Array(Math.max(y + 1 - base, memo.table.length * 2))
        grown.set(memo.table)
        memo.table = grown
      }
      const t = memo.table
      for (let i = memo.filled; i <= y; i++) {
        let s = g.author[i] === author ? g.seq[i]! : 0
        for (const d of g.deps[i]!) if (d >= base && t[d - base]! > s) s = t[d - base]!
        t[i - base] = s
      }
      memo.filled = y + 1
    }
    return memo.table[y - base]!
  }
}
