/**
 * What the modules' screens share with the app. A screen is one file under `screens/`, loaded
 * when one of its pages opens (a dynamic `import()`, so the first load of the app does not
 * carry it): a view, from the app's state to a DOM tree, and the handlers of its forms and
 * buttons (`data-form="<module>:<name>"`, `data-action="<module>:<name>"`), which act through
 * a {@link ScreenContext}. The modules' state machines are not here: they are part of the
 * first load, since the fold needs them.
 *
 * @module
 */
import type { Cbor, Client } from "@affinity/core"
import type { Child } from "./dom.ts"
import type { RoomView, ViewState } from "./viewParts.ts"

/** The modules that have a screen, in the order the community's "More" page lists them. */
export const SCREENS = ["administration", "justice", "economy", "expression", "defense"] as const

/** A module that has a screen. */
export type ScreenName = (typeof SCREENS)[number]

/** Whether `name` is a module that has a screen. */
export const isScreen = (name: string): name is ScreenName => (SCREENS as ReadonlyArray<string>).includes(name)

/** What each screen is called on the "More" page, and what it is for, in a sentence. */
export const SCREEN_WORDS: Readonly<Record<ScreenName, { readonly title: string; readonly about: string }>> = {
  administration: { title: "Work and tools", about: "Your qualifications and when they expire, who can do what, the pools you can be drawn from, your load, and the shared tools." },
  justice: { title: "Grievances", about: "Your cases and who can read them, raising a grievance, restrictions in force and appeals." },
  economy: { title: "Wallet", about: "Your balance and limit, paying and asking to be paid, the working groups' budgets and the shared inventory." },
  expression: { title: "Messages", about: "Channels and their messages, the alert button, and the phone tree to print." },
  defense: { title: "Safety", about: "Outsiders restricted, allied lists, freezes and emergency mandates; a lost phone; checking someone's keys." }
}

/** An event to sign: the same shape as the modules' event builders give. */
export type Draft = { readonly module: string; readonly type: string; readonly body: Cbor.Value }

/** What a screen's handlers may do. */
export interface ScreenContext {
  /** The community as the views see it. */
  readonly room: RoomView
  /** The community's handle: states, payloads, sealing. */
  readonly handle: Client.CommunityHandle
  /** This device's key id (hex). */
  readonly device: string
  /**
   * Sign an event directly (what a member does for themselves), with a payload beside its body
   * if given. A refusal is shown to the person in plain words, with names; resolves to the
   * event's key when it applied.
   */
  readonly act: (draft: Draft, options?: { readonly payload?: Uint8Array }) => Promise<string | undefined>
  /**
   * Open a community proposal that carries `actions` (what needs a decision: the community's, a
   * prime group's or a working group's), and go to its page. `hours` is how long it stays open.
   */
  readonly propose: (p: { readonly title: string; readonly text: string; readonly actions: ReadonlyArray<Draft>; readonly hours: number }) => Promise<string | undefined>
  /** Say something on this page. */
  readonly say: (kind: "ok" | "error", text: string) => void
  /** Mark a form field wrong, with what to do about it. */
  readonly fail: (field: string, message: string) => void
  /** Go to a page of the app. */
  readonly go: (hash: string) => void
  /** Save a file. */
  readonly download: (name: string, data: string, type: string) => void
  /**
   * Seal `secret` to the current devices of `identities` that published a sealing key
   * (publishing this device's first, when this tab writes and it has none yet); resolves to
   * the sealed bytes and the identities that can open them.
   */
  readonly seal: (identities: ReadonlyArray<string>, secret: Uint8Array, context?: Uint8Array) => Promise<{ readonly sealed: Uint8Array; readonly readers: ReadonlyArray<string> }>
  /**
   * Publish this device's sealing key, so what others seal reaches it, when this tab writes,
   * the person is a full member and the key is not published yet.
   */
  readonly publishSealingKey: () => Promise<void>
  /** Open bytes sealed to this device; `undefined` when it cannot. */
  readonly unseal: (sealed: Uint8Array, context?: Uint8Array) => Promise<Uint8Array | undefined>
  /** A value kept on this device for this community. */
  readonly getValue: (key: string) => Promise<Uint8Array | undefined>
  readonly setValue: (key: string, value: Uint8Array) => Promise<void>
}

/** A handler of a screen's form: the form's named values. */
export type FormHandler = (values: Readonly<Record<string, string>>, ctx: ScreenContext, form: HTMLFormElement) => Promise<void>

/** A handler of a screen's button: the button (its `data-*` attributes say what it is about). */
export type ActionHandler = (el: HTMLElement, ctx: ScreenContext) => Promise<void>

/** One module's screen. */
export interface Screen {
  /** The page: `sub` is the part of the address after the module's name (a channel, a case…), if any. */
  readonly view: (s: ViewState, room: RoomView, sub: string | undefined) => Child
  readonly forms: Readonly<Record<string, FormHandler>>
  readonly actions: Readonly<Record<string, ActionHandler>>
  /**
   * Work to do before a render that a view cannot do (it is synchronous): reading sealed
   * words, say. Called when the page opens and when the community changes; resolves when done.
   */
  readonly prepare?: (ctx: ScreenContext, sub: string | undefined) => Promise<void>
}

/** Load a module's screen (each is a chunk of its own in the built app). */
export const load = (name: ScreenName): Promise<Screen> => {
  switch (name) {
    case "administration":
      return import("./screens/administration.ts").then((m) => m.screen)
    case "justice":
      return import("./screens/justice.ts").then((m) => m.screen)
    case "economy":
      return import("./screens/economy.ts").then((m) => m.screen)
    case "expression":
      return import("./screens/expression.ts").then((m) => m.screen)
    case "defense":
      return import("./screens/defense.ts").then((m) => m.screen)
  }
}
