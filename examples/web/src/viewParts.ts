/**
 * What every view shares: the app's state as the views see it, and small pieces (dates,
 * names, field errors, buttons).
 *
 * @module
 */
import type { Invitation, Module, Names as CoreNames, Replica } from "@affinity/core"
import type * as Governance from "@affinity/governance"
import type { RelayStatus } from "./backend.ts"
import { type Child, h } from "./dom.ts"
import * as Names from "./names.ts"
import type { Screen, ScreenName } from "./screen.ts"

/** Where the app is. */
export type Route =
  | { readonly page: "home" }
  | { readonly page: "join"; readonly code: string }
  | {
      readonly page: "community"
      readonly id: string
      readonly tab: Tab
      readonly proposal?: string
      readonly admit?: string
      /** On a module's page: the module, and what the rest of the address names (a channel, a case…). */
      readonly module?: ScreenName
      readonly sub?: string
    }

/** Tabs of a community (`more` lists the modules' pages; `module` is one of them). */
export type Tab = "proposals" | "members" | "terms" | "record" | "device" | "new" | "proposal" | "more" | "module"

/** A member as the views show them. */
export interface MemberView {
  readonly id: string
  readonly status: Module.MemberStatus
  readonly devices: ReadonlyArray<string>
  readonly founder: boolean
  readonly you: boolean
  /** What they wrote when applying. */
  readonly note: string | undefined
}

/** What the views need of an open community. */
export interface RoomView {
  readonly id: string
  readonly name: string
  readonly device: string
  /** The identity this device acts for, if any. */
  readonly identity: string | undefined
  readonly status: Module.MemberStatus | undefined
  readonly founder: boolean
  readonly communityTime: number
  readonly stateHash: string
  readonly events: number
  readonly params: Module.Params
  readonly members: ReadonlyArray<MemberView>
  /** Identities of the full members, sorted. */
  readonly full: ReadonlyArray<string>
  readonly gov: Governance.State
  /** A module's state, as the fold left it. */
  readonly state: <S>(module: string) => S
  /** The payload kept beside an event's body (a message's words, say), if this device holds it. */
  readonly payload: (key: string) => Uint8Array | undefined
  /** Whether the action of a close event applied, by close key. */
  readonly actionApplied: (key: string) => boolean | undefined
  /** What the fold made of an event (for a close: what became of each action its decision carried). */
  readonly outcome: (key: string) => Replica.Outcome | undefined
  readonly relays: ReadonlyArray<string>
  /** Whether this device holds a lot secret for this community. */
  readonly hasLotSecret: boolean
  /** The last invitation made here (its link), if any. */
  readonly invitation: string | undefined
  /** Names given to members on this device. */
  readonly names: Names.Given
  /** How people are named here: names given on this device, then the names they published, then labels. */
  readonly directory: CoreNames.Directory
  /** Events signed by this device that no relay is known to hold yet. */
  readonly unshared: number
  /**
   * The same, when that is worth
   * saying (no relay is connected, or a connected one has not confirmed them for a few
   * seconds); else 0.
   */
  readonly unsynced: number
}

/** A form the person opened on a page: changing or withdrawing a proposal, naming a member. `target` is the proposal or the identity. */
export type Composing = { readonly form: "amend" | "withdraw" | "name"; readonly target: string } | undefined

/** Everything a render needs. */
export interface ViewState {
  readonly route: Route
  readonly notice: { readonly kind: "error" | "ok"; readonly text: string } | undefined
  readonly errors: Readonly<Record<string, string>>
  readonly busy: boolean
  readonly writer: boolean
  /** Whether the browser says it has a network. */
  readonly online: boolean
  readonly relays: ReadonlyMap<string, RelayStatus>
  readonly communities: ReadonlyArray<{ readonly id: string; readonly name: string }>
  readonly room: RoomView | undefined
  readonly invitation: Invitation.Invitation | undefined
  readonly deviceRequest: string | undefined
  readonly defaultRelay: string
  /** The app's address that invitation links open. */
  readonly appAddress: string
  readonly composing: Composing
  readonly now: number
  /** The screen of the module page shown, once loaded. */
  readonly screen: Screen | undefined
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
const twoDigits = (n: number): string => (n < 10 ? `0${n}` : String(n))

/**
 * A date and time in this device's time zone, in the app's language: `Mar 5, 09:30`.
 * Made by hand rather than with `Intl.DateTimeFormat`: a page's first `Intl` formatter
 * loads locale data, which takes 100 to 250 ms of a phone's main thread at startup.
 */
export const when = (t: number): string => {
  const d = new Date(t)
  return `${MONTHS[d.getMonth()]} ${d.getDate()}, ${twoDigits(d.getHours())}:${twoDigits(d.getMinutes())}`
}

/** How a person is named: the name given on this device, else the one they published, else their label; and "(you)". */
export const who = (room: RoomView | undefined, id: string): string => {
  const name = room?.directory.nameOf(id) ?? Names.label(id)
  return room?.identity === id ? `${name} (you)` : name
}

/** A reason the community gave, for people: the ids in it replaced by names. */
export const plain = (room: RoomView, text: string): string => Names.plain(room.directory, text)

/** A count with its noun: `1 change`, `3 changes`. */
export const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`

/** The error of a form field, if any. */
export const fieldError = (s: ViewState, field: string): Child =>
  s.errors[field] ? h("p", { class: "field-error", role: "alert", "data-testid": `error-${field}` }, s.errors[field]!) : null

/** A button that runs an action of the app. */
export const button = (action: string, label: string, attrs: Record<string, string | boolean | undefined> = {}) =>
  h("button", { type: "button", "data-action": action, ...attrs }, label)
