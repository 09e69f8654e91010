/**
 * Pure functions for a "threats" page: what holds now, what the allied lists brought in and
 * waits for a decision, the freezes and emergency mandates with a countdown, and the reviews
 * that are overdue; and the steps of the lost-phone flow. A page renders these; it computes
 * nothing of its own.
 *
 * ```ts
 * import * as Defense from "@affinity/defense/module"
 *
 * console.log(Defense.Threats.countdown(Defense.DAY + 3 * Defense.HOUR, 0)) // 1 day 3 hours left
 * console.log(Defense.Threats.lostPhone({ otherDevices: 1 })[0]?.action) // revoke
 * ```
 *
 * @module
 */
import * as Records from "./Records.ts"
import { DAY, HOUR, type State } from "./State.ts"

/** Time left until `until`, in words: `2 days 5 hours left`, `40 minutes left`, `over`. */
export const countdown = (until: number, now: number): string => {
  const left = until - now
  if (left <= 0) return "over"
  const d = Math.floor(left / DAY)
  const h = Math.floor((left % DAY) / HOUR)
  const m = Math.floor((left % HOUR) / 60_000)
  const parts = [d > 0 ? `${d} day${d === 1 ? "" : "s"}` : "", h > 0 ? `${h} hour${h === 1 ? "" : "s"}` : "", d === 0 && m > 0 ? `${m} minute${m === 1 ? "" : "s"}` : ""].filter(
    (p) => p !== ""
  )
  return `${parts.length === 0 ? "less than a minute" : parts.join(" ")} left`
}

/** What the threats page shows. */
export type Overview = {
  readonly restrictions: ReadonlyArray<Records.RestrictionRecord>
  readonly agreed: ReturnType<typeof Records.agreed>
  readonly advisories: ReturnType<typeof Records.advisories>
  /** The latest list changes, newest first (at most 20). */
  readonly changes: ReturnType<typeof Records.changes>
  readonly freezes: ReadonlyArray<Records.FreezeRecord & { readonly left: string }>
  readonly mandates: ReadonlyArray<Records.MandateRecord & { readonly left: string }>
  readonly overdue: ReadonlyArray<Records.MandateRecord>
}

/** The threats page's content at community time `options.now`. */
export const overview = (state: State, options: Records.Options): Overview => ({
  restrictions: Records.restrictions(state, options).filter((r) => r.status === "holds"),
  agreed: Records.agreed(state, options),
  advisories: Records.advisories(state, options),
  changes: [...Records.changes(state, options)].reverse().slice(0, 20),
  freezes: Records.freezes(state, options)
    .filter((f) => f.status === "holds")
    .map((f) => ({ ...f, left: countdown(f.until, options.now) })),
  mandates: Records.mandates(state, options)
    .filter((m) => m.status === "running")
    .map((m) => ({ ...m, left: countdown(m.expires, options.now) })),
  overdue: Records.overdueReviews(state, options)
})

/** One step of the lost-phone flow. */
export type Step = {
  /** What the app does at this step. */
  readonly action: "revoke" | "verify" | "remove-old" | "new-device" | "apply"
  /** What the member reads. */
  readonly text: string
}

/**
 * The steps for a member who lost a device. With another device left, it revokes the lost
 * one (`core/device.revoke`), after which nothing the lost device signs counts and the private
 * spaces it could read move to new keys; then the member compares safety numbers with someone
 * they trust. With no device left, the community stops the lost key by removing the old
 * identity by decision (`core/member.remove`), and the member comes back with a new key that
 * members they meet in person confirm by safety number, admitted by decision.
 */
export const lostPhone = (situation: { readonly otherDevices: number }): ReadonlyArray<Step> =>
  situation.otherDevices > 0
    ? [
        { action: "revoke", text: "On a device you still have, revoke the lost one. From then on nothing it signs counts, even if someone else holds it." },
        { action: "verify", text: "Meet someone you trust and compare your safety number, so they know the keys you use now are yours." }
      ]
    : [
        {
          action: "remove-old",
          text: "Ask members to propose removing your old identity: once the decision passes, nothing the lost phone signs counts, whoever holds it."
        },
        { action: "new-device", text: "Set up a new device. It makes a new key; the lost one never leaves the lost phone." },
        { action: "verify", text: "Meet members in person and compare safety numbers, so they know the new key is yours." },
        { action: "apply", text: "Apply to join with the new key; the members who met you propose to admit you." }
      ]
