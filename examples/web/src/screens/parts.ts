/**
 * Pieces the modules' screens share: a heading with the way back, a choice of member by name,
 * how long a proposal stays open, reading amounts, days and dates from forms.
 *
 * @module
 */
import { type Child, h } from "../dom.ts"
import { SCREEN_WORDS, type ScreenName } from "../screen.ts"
import { fieldError, type RoomView, type ViewState, who } from "../viewParts.ts"

/** The page's heading, with the way back to the list of pages (or to the module's first page). */
export const heading = (room: RoomView, module: ScreenName, title?: string): Child => [
  h(
    "p",
    { class: "crumbs" },
    h("a", { href: `#/c/${room.id}/more`, "data-testid": "back-more" }, "More"),
    title === undefined ? null : [" › ", h("a", { href: `#/c/${room.id}/m/${module}` }, SCREEN_WORDS[module].title)]
  ),
  h("h2", {}, title ?? SCREEN_WORDS[module].title)
]

/** A choice of full member by name (`you` too unless `others`). */
export const memberSelect = (room: RoomView, name: string, label: string, options: { readonly others?: boolean; readonly testid?: string } = {}): Child => {
  const people = room.full.filter((m) => !options.others || m !== room.identity)
  return h(
    "label",
    {},
    label,
    h(
      "select",
      { name, "data-keep": `${options.testid ?? name}`, "data-testid": options.testid ?? name },
      h("option", { value: "" }, "Choose…"),
      people.map((m) => h("option", { value: m }, who(room, m)))
    )
  )
}

/** How long a proposal stays open, with what it means. */
export const windowSelect = (s: ViewState, testid: string): Child => [
  h(
    "label",
    {},
    "The community decides within",
    h(
      "select",
      { name: "hours", "data-keep": testid, "data-testid": testid },
      h("option", { value: "1" }, "1 hour"),
      h("option", { value: "24", selected: true }, "1 day"),
      h("option", { value: "72" }, "3 days"),
      h("option", { value: "168" }, "7 days")
    )
  ),
  fieldError(s, "hours")
]

/** The hours a window select gave (1 hour to 7 days); 24 when it is anything else. */
export const hoursOf = (value: string | undefined): number => {
  const n = Number(value)
  return [1, 24, 72, 168].includes(n) ? n : 24
}

/** A whole number from a form, within bounds; `undefined` when it is not one. */
export const wholeNumber = (value: string | undefined, min: number, max: number): number | undefined => {
  const t = (value ?? "").trim()
  if (!/^\d{1,15}$/.test(t)) return undefined
  const n = Number(t)
  return n >= min && n <= max ? n : undefined
}

/** An identity from a form (64 hex characters), or `undefined`. */
export const identity = (value: string | undefined): string | undefined => (/^[0-9a-f]{64}$/.test(value ?? "") ? value : undefined)

/** A date only (`Mar 5`), in this device's time zone. */
export const day = (t: number): string => {
  const d = new Date(t)
  return `${["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getMonth()]} ${d.getDate()}, ${d.getFullYear()}`
}

/** Time left until `until`, in words: `3 days left`, `5 hours left`, `ended`. */
export const left = (until: number, now: number): string => {
  const ms = until - now
  if (ms <= 0) return "ended"
  const days = Math.floor(ms / 86_400_000)
  if (days >= 1) return `${days} day${days === 1 ? "" : "s"} left`
  const hours = Math.floor(ms / 3_600_000)
  if (hours >= 1) return `${hours} hour${hours === 1 ? "" : "s"} left`
  return "less than an hour left"
}

/** A list of names in words, the person first, then by name: `Ada (you)`, `Ada (you) and Bo`, `Ada, Bo and Cy`. */
export const names = (room: RoomView, ids: ReadonlyArray<string>): string => {
  const unique = [...new Set(ids)]
  const you = unique.filter((id) => id === room.identity)
  const others = unique
    .filter((id) => id !== room.identity)
    .map((id) => ({ id, name: who(room, id) }))
    .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : x.id < y.id ? -1 : 1))
  const shown = [...you.map((id) => who(room, id)), ...others.map((x) => x.name)]
  return shown.length <= 1 ? (shown[0] ?? "nobody") : `${shown.slice(0, -1).join(", ")} and ${shown.at(-1)}`
}

/** A working group's name (governance's groups), or a short word when it is not known here. */
export const groupName = (room: RoomView, id: string): string => room.gov.groups[id]?.name ?? "a working group not known here yet"

/** The working groups that can still decide, by name. */
export const activeGroups = (room: RoomView) =>
  Object.values(room.gov.groups)
    .filter((g) => g.disbanded === null && (g.expiry === null || g.expiry > room.communityTime))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1))
