/**
 * Records for people, as documents: the decision record in Markdown and the binder in HTML
 * (the governance module's exports), with people named as the bridge names them (a name
 * given here, else the one they published, else their label).
 *
 * @module
 */
import * as Governance from "@affinity/governance"
import type { Bridge } from "./Bridge.ts"
import * as Views from "./Views.ts"

/** The decision record as Markdown (`Records.toMarkdown`): event ids stay, for checking it against the log. */
export const record = (bridge: Bridge): string => {
  const r = bridge.reader
  const names = r.directory()
  return Views.peopleNamed(r, Governance.Records.toMarkdown(r.governance(), { outcomeOf: r.outcomeOf, nameOf: (id) => names.nameOf(id) }))
}

/** The community's binder as one HTML page (`Binder.html`), printed now. */
export const binder = (bridge: Bridge): string => {
  const r = bridge.reader
  const names = r.directory()
  return Governance.Binder.html(r.governance(), r.core(), {
    nameOf: (id) => names.nameOf(id),
    timeOf: (key) => bridge.community.event(key)?.communityTime,
    outcomeOf: r.outcomeOf,
    printed: Date.now()
  })
}
