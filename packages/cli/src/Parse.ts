/**
 * Checks of what a person typed, each failing with a sentence that says what is expected.
 *
 * @module
 */
import { Invitation } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { usage } from "./Failure.ts"

/** A number within bounds (decimals allowed when `integer` is false). */
export const number = (value: string, option: string, min: number, max: number, integer = true): number => {
  const n = Number(value)
  if (value.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max)
    throw usage("BadNumber", `${option} takes ${integer ? "a whole number" : "a number"} from ${min} to ${max}, not “${value}”`)
  return n
}

/** Text of `min` to `max` characters (UTF-16 code units, as the protocol counts them), trimmed at the ends when `trim`. */
export const text = (value: string, what: string, min: number, max: number): string => {
  if (value.length > max) throw usage("TooLong", `${what} has ${value.length} characters; at most ${max} are allowed`)
  if (value.trim().length < min) throw usage("Missing", min === 1 ? `${what} cannot be empty` : `${what} needs at least ${min} characters`)
  return value
}

/** A relay address: `ws://` or `wss://`. */
export const relay = (url: string): string => {
  if (!Invitation.isRelayUrl(url)) throw usage("BadRelay", `“${url}” is not a relay address; a relay address starts with ws:// or wss:// (e.g. ws://127.0.0.1:8787/)`)
  return url
}

/** A decision window from `--days` and `--hours` (default `days` days), in ms. */
export const window = (options: { readonly days?: string; readonly hours?: string }, defaultDays: number): number => {
  if (options.days !== undefined && options.hours !== undefined) throw usage("BadWindow", "give the time left either in --days or in --hours, not both")
  if (options.hours !== undefined) return Math.round(number(options.hours, "--hours", 1, 90 * 24, false) * Governance.HOUR)
  if (options.days !== undefined) return Math.round(number(options.days, "--days", 1 / 24, 90, false) * Governance.DAY)
  return defaultDays * Governance.DAY
}

/** A stance as typed: `agree`, `stand-aside` (or `abstain`, `aside`), `object`, `block`. */
export const stance = (value: string): Governance.StanceKind => {
  const v = value.trim().toLowerCase()
  if (v === "agree" || v === "object" || v === "block") return v
  if (v === "stand-aside" || v === "abstain" || v === "aside" || v === "stand aside") return "abstain"
  throw usage(
    "BadStance",
    `“${value}” is not a stance; say agree, stand-aside (let it pass without you), object (disagree, recorded with your reason) or block (stop it; needs a reason)`
  )
}

/** A process: `consensus`, `consent` or `poll`. */
export const decisionProcess = (value: string): Governance.Process => {
  const v = value.trim().toLowerCase()
  if (v === "consensus" || v === "consent" || v === "poll") return v
  throw usage("BadProcess", `“${value}” is not a process; use consensus, consent or poll`)
}
