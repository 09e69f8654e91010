/** One line of text for the issues of a failed Standard Schema validation. */

/** A path segment of a Standard Schema issue. */
type PathItem = PropertyKey | { readonly key: unknown }

/** `["a", 0]` → `a[0]`. */
const pathText = (path: ReadonlyArray<PathItem> | undefined): string => {
  let out = ""
  for (const item of path ?? []) {
    const key = typeof item === "object" ? item.key : item
    out += typeof key === "number" ? `[${key}]` : out === "" ? String(key) : `.${String(key)}`
  }
  return out
}

/** The first issue of a failed validation as one line: `where: what`. */
export const issueText = (
  issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<PathItem> | undefined }>
): string => {
  const first = issues[0]
  if (first === undefined) return "the value does not fit the schema"
  const where = pathText(first.path)
  const text = where === "" ? first.message : `${where}: ${first.message}`
  return text.length > 300 ? `${text.slice(0, 300)}…` : text
}
