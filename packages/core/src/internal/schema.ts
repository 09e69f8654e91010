/** Core's valibot helpers: strict objects with plain messages. */
import * as v from "valibot"

const objectMessage = (issue: v.BaseIssue<unknown>): string => {
  if (issue.kind === "schema" && issue.type === "strict_object" && issue.expected === "never")
    return "unexpected key"
  if (issue.expected?.startsWith('"')) return "missing"
  return `expected a map, got ${issue.received}`
}

/** Whether a value is a plain record (what a CBOR map decodes to), not an array or byte string. */
const isRecord = (u: unknown): boolean => {
  if (u === null || typeof u !== "object") return false
  const proto = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

/**
 * A strict object schema: the input must be a plain record with exactly the named keys
 * (optional ones may be absent); anything else is refused with a plain message.
 */
export const strict = <const E extends v.ObjectEntries>(entries: E) =>
  v.pipe(v.custom<Record<string, unknown>>(isRecord, (i) => `expected a map, got ${i.received}`), v.strictObject(entries, objectMessage))
