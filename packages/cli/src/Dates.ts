/**
 * Dates and spans of time in words: `Thu, 4 Dec 2025, 14:05 UTC`, `in 2 days`.
 *
 * @module
 */

const formats = new Map<string, Intl.DateTimeFormat>()

const formatFor = (timeZone: string | undefined): Intl.DateTimeFormat => {
  const key = timeZone ?? ""
  let f = formats.get(key)
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", {
      weekday: "short",
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
      ...(timeZone === undefined ? {} : { timeZone })
    })
    formats.set(key, f)
  }
  return f
}

/** A moment (ms since the epoch) as a date and time in `timeZone` (default: the system's). */
export const date = (ms: number, timeZone?: string): string => formatFor(timeZone).format(new Date(ms))

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const count = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? "" : "s"}`

/** A span of time in words, rounded to its largest unit: `2 days`, `5 hours`, `less than a minute`. */
export const span = (ms: number): string => {
  const a = Math.abs(ms)
  if (a >= 2 * DAY) return count(Math.round(a / DAY), "day")
  if (a >= 2 * HOUR) return count(Math.round(a / HOUR), "hour")
  if (a >= MINUTE) return count(Math.round(a / MINUTE), "minute")
  return "less than a minute"
}

/** `in 2 days`, `3 hours ago`, or `just now` within a minute of `now`. */
export const relative = (ms: number, now: number): string =>
  Math.abs(ms - now) < MINUTE ? "just now" : ms >= now ? `in ${span(ms - now)}` : `${span(now - ms)} ago`

/** A moment with how far it is from `now`: `Thu, 4 Dec 2025, 14:05 UTC (in 2 days)`. */
export const when = (ms: number, now: number, timeZone?: string): string => `${date(ms, timeZone)} (${relative(ms, now)})`

/** A moment in ISO 8601 (UTC), for `--json`. */
export const iso = (ms: number): string => new Date(ms).toISOString()
