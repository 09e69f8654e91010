/**
 * The phone tree: when the software fails, people call people. Everyone who shared an
 * emergency contact is in the tree; the person who starts a round (an alert or a drill) is its
 * root, and each person calls the next `fanout` (2 or 3) people and confirms back to whoever
 * called them. The order is a deterministic function of the community and the people in it
 * (sorted by SHA-256 of the community id and the identity), so every member prints the same
 * tree, nobody chooses their place in it, and it rebalances by itself when people come and go:
 * a new person takes their place in the order and the positions after it shift.
 *
 * ```ts
 * import { Tree } from "@affinity/expression"
 *
 * const people = ["01", "02", "03", "04", "05", "06", "07"].map((b) => b.repeat(32))
 * const tree = Tree.order("cc".repeat(32), people, people[0]!)
 * console.log(tree.length, tree[0] === people[0]) // 7 true
 * console.log(Tree.calls(tree, 3, tree[0]!).length, Tree.calls(tree, 3, tree[1]!).length) // 3 3
 * console.log(Tree.callerOf(tree, 3, tree[4]!) === tree[1]) // true
 * ```
 *
 * @module
 */
import { Bytes, Hash, type Module } from "@affinity/core/module"
import { type Contact, contactsAt, contactsNow, type State } from "./State.ts"

/** Where a person stands in the tree order: SHA-256 of the community id and their identity. */
const place = (community: string, identity: string): string =>
  Bytes.toHex(Hash.sha256(Bytes.concat(Bytes.fromHex(community) ?? Bytes.utf8(community), Bytes.fromHex(identity) ?? Bytes.utf8(identity))))

/** The tree order: `root` first, then everyone else in `people` by their place, each once. */
export const order = (community: string, people: ReadonlyArray<string>, root: string): ReadonlyArray<string> => {
  const others = [...new Set(people)].filter((p) => p !== root).map((p) => ({ p, at: place(community, p) }))
  others.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
  return [root, ...others.map((o) => o.p)]
}

/** Whom `person` calls: the next `fanout` people below them in the tree. */
export const calls = (tree: ReadonlyArray<string>, fanout: number, person: string): ReadonlyArray<string> => {
  const i = tree.indexOf(person)
  if (i < 0) return []
  return tree.slice(fanout * i + 1, fanout * i + 1 + fanout)
}

/** Who calls `person` (and whom they confirm back to); `null` for the root or someone not in the tree. */
export const callerOf = (tree: ReadonlyArray<string>, fanout: number, person: string): string | null => {
  const i = tree.indexOf(person)
  return i <= 0 ? null : tree[Math.floor((i - 1) / fanout)]!
}

/** How many rounds of calls reach everyone (the tree's depth). */
export const rounds = (tree: ReadonlyArray<string>, fanout: number): number => {
  let depth = 0
  for (let reach = 1, level = 1; reach < tree.length; depth++) {
    level *= fanout
    reach += level
  }
  return depth
}

/** The people in the tree at the event `ctx` judges: full members whose shared contact is in its past. */
export const participantsAt = (state: State, ctx: Module.EventContext): ReadonlyArray<string> =>
  [...new Set(contactsAt(state, ctx).map((c) => c.member))].filter((m) => ctx.statusOf(m) === "full").sort()

/** The people in the tree now: everyone with a contact in force who is among `fullMembers`. */
export const participantsNow = (state: State, fullMembers: ReadonlyArray<string>): ReadonlyArray<string> => {
  const full = new Set(fullMembers)
  return [...new Set(contactsNow(state).map((c) => c.member))].filter((m) => full.has(m)).sort()
}

/** The tree now, rooted at `root` (who starts the calls). */
export const now = (state: State, fullMembers: ReadonlyArray<string>, root: string): ReadonlyArray<string> =>
  order(state.community, [root, ...participantsNow(state, fullMembers)], root)

/** A call the tree needs whose caller cannot read the callee's contact detail yet. */
export type MissingContact = { readonly caller: string; readonly callee: string }

/**
 * The calls of `tree` whose caller is not among the readers of the callee's contact detail:
 * after the tree rebalanced, each callee listed shares their detail again with their new caller.
 */
export const missing = (tree: ReadonlyArray<string>, fanout: number, contacts: ReadonlyArray<Contact>): ReadonlyArray<MissingContact> => {
  const readers = new Map<string, ReadonlyArray<string>>()
  for (const c of contacts) if (c.ended === null) readers.set(c.member, c.readers)
  const out: Array<MissingContact> = []
  for (const caller of tree) for (const callee of calls(tree, fanout, caller)) if (!(readers.get(callee) ?? []).includes(caller)) out.push({ caller, callee })
  return out
}
