/**
 * Decoding untrusted input with the wire schemas: strictly (a key the schema does not name
 * is refused), every problem found, said in one line (`title: expected …; deadline: …`).
 * Never throws anything but a {@link Failure.Failure} of status `400`.
 *
 * @module
 */
import { Result, Schema, SchemaIssue } from "effect"
import * as Failure from "./Failure.ts"

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

const pathText = (path: ReadonlyArray<PropertyKey> | undefined): string => {
  let out = ""
  for (const key of path ?? []) out += typeof key === "number" ? `[${key}]` : out === "" ? String(key) : `.${String(key)}`
  return out
}

/** One line for the issues of a failed decoding, with where each is; at most 500 characters. */
export const describe = (issue: SchemaIssue.Issue, what: string): string => {
  const issues = formatter(issue).issues
  const lines = issues.map((i) => {
    const path = i.path?.map((p) => (typeof p === "object" && p !== null && "key" in p ? (p.key as PropertyKey) : (p as PropertyKey)))
    const where = pathText(path)
    const message = i.message
      .replace(/^Expected no excess property$/, "not a field of this request")
      .replace(/^Missing key$/, "missing")
      .replace(/^Expected /, "expected ")
    return where === "" ? message : `${where}: ${message}`
  })
  const text = lines.length === 0 ? `${what} does not fit the schema` : lines.join("; ")
  return text.length > 500 ? `${text.slice(0, 500)}…` : text
}

/**
 * Decode a JSON object with `schema`, refusing keys it does not name; throws a `400`
 * failure tagged `tag` whose message lists what is wrong.
 */
export const decode = <S extends Schema.ConstraintDecoder<unknown>>(schema: S, input: unknown, what = "the request body", tag = "BadRequest"): S["Type"] => {
  if (input === null || typeof input !== "object" || Array.isArray(input)) throw Failure.badRequest(tag, `${what} must be a JSON object`)
  const result = Schema.decodeUnknownResult(schema, { onExcessProperty: "error", errors: "all" })(input)
  if (Result.isSuccess(result)) return result.success
  throw Failure.badRequest(tag, describe(result.failure.issue, what))
}
