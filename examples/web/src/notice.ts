/**
 * Notices: the one-line messages at the top of a page ("Your stance is recorded.", "Not
 * done: …"). A notice belongs to the page it was said on and goes when the person leaves
 * that page; a notice about a state ("The proposal is open…") also goes as soon as that
 * state no longer holds, wherever the change came from (this device, another tab, another
 * member).
 *
 * @module
 */

/** A message to the person. `S` is what `holds` is judged on (the app's view of the open community). */
export interface Notice<S> {
  readonly kind: "error" | "ok"
  readonly text: string
  /** The page it belongs to (see {@link pageKey}). */
  readonly page: string
  /** For a notice about a state: whether that state still holds. */
  readonly holds?: (state: S) => boolean
}

/** The key of a page: the same for every address of one page (`""`, `"#"` and `"#/"` are all the home page). */
export const pageKey = (hash: string): string => (hash === "" || hash === "#" || hash === "#/" ? "#/" : hash)

/** The notice to show on `page` given `state`, or `undefined` when it belongs elsewhere or no longer holds. */
export const current = <S>(notice: Notice<S> | undefined, page: string, state: S): Notice<S> | undefined =>
  notice === undefined || notice.page !== pageKey(page) || (notice.holds !== undefined && !notice.holds(state)) ? undefined : notice
