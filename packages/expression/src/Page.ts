/**
 * The public page: what the community decides to publish, as static files anyone can host
 * anywhere (a static host, a USB stick), with a manifest listing each file's path, size and
 * SHA-256. The manifest is signed under the decision that published it: its hash is the
 * `page.publish` action's `manifest`, and the community's event log proves the decision. No
 * server of ours is needed: verifying is hashing the files and finding the manifest's hash among
 * the pages the log's fold published.
 *
 * ```ts
 * import { Bytes } from "@affinity/core/module"
 * import { Page } from "@affinity/expression"
 *
 * const files = [{ path: "index.html", bytes: Bytes.utf8("<h1>Riverside</h1>") }]
 * const built = Page.build("ab".repeat(32), "Riverside Tool Library", files)
 * console.log(built.manifest.files[0]!.path, built.manifest.files[0]!.size) // index.html 18
 * console.log(Page.check([...files, { path: Page.MANIFEST, bytes: built.bytes }]).ok) // true
 * console.log(Page.check([{ path: "index.html", bytes: Bytes.utf8("<h1>Changed</h1>") }, { path: Page.MANIFEST, bytes: built.bytes }]).ok === false) // true
 * ```
 *
 * @module
 */
import { Bytes, Hash } from "@affinity/core/module"
import type { Page, State } from "./State.ts"

/** Where the manifest lives in a site. */
export const MANIFEST = "affinity-manifest.json"
/** Where a site carries its proof: the community's event log (a JSON list of base64url events). */
export const LOG = "affinity-log.json"

/** One file of a site. */
export type File = { readonly path: string; readonly bytes: Uint8Array }

/** A manifest: which community, what title, and every file with its size and SHA-256 (hex), sorted by path. */
export type Manifest = {
  readonly version: 1
  readonly community: string
  readonly title: string
  readonly files: ReadonlyArray<{ readonly path: string; readonly size: number; readonly sha256: string }>
}

const PATH = /^(?!.*\/\/)(?!\/)(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._\-/]{1,200}$/

/** Whether `path` may name a file of a site: relative, no `.` or `..` segment, letters, digits, `._-/`. */
export const validPath = (path: string): boolean => PATH.test(path) && !path.endsWith("/") && path !== MANIFEST && path !== LOG

/** The manifest's bytes: its JSON with keys in a fixed order and no spaces, then a line end. */
export const encode = (m: Manifest): Uint8Array =>
  Bytes.utf8(
    `${JSON.stringify({
      version: m.version,
      community: m.community,
      title: m.title,
      files: [...m.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 }))
    })}\n`
  )

/** Build a site's manifest from its files; throws `RangeError` on a path {@link validPath} refuses or a repeated one. */
export const build = (community: string, title: string, files: ReadonlyArray<File>): { readonly manifest: Manifest; readonly bytes: Uint8Array; readonly hash: string } => {
  const seen = new Set<string>()
  for (const f of files) {
    if (!validPath(f.path)) throw new RangeError(`"${f.path}" cannot be a page's file: use a relative path of letters, digits and ._-/`)
    if (seen.has(f.path)) throw new RangeError(`"${f.path}" is listed twice`)
    seen.add(f.path)
  }
  const manifest: Manifest = {
    version: 1,
    community,
    title,
    files: files.map((f) => ({ path: f.path, size: f.bytes.length, sha256: Bytes.toHex(Hash.sha256(f.bytes)) })).sort((a, b) => (a.path < b.path ? -1 : 1))
  }
  const bytes = encode(manifest)
  return { manifest, bytes, hash: Bytes.toHex(Hash.sha256(bytes)) }
}

/** Decode a manifest's bytes strictly: they must be exactly {@link encode} of what they say. */
export const decode = (bytes: Uint8Array): Manifest | undefined => {
  try {
    const v = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) as Manifest
    if (v.version !== 1 || typeof v.community !== "string" || typeof v.title !== "string" || !Array.isArray(v.files)) return undefined
    for (const f of v.files) if (typeof f.path !== "string" || !Number.isSafeInteger(f.size) || typeof f.sha256 !== "string" || !validPath(f.path)) return undefined
    return Bytes.equals(encode(v), bytes) ? v : undefined
  } catch {
    return undefined
  }
}

/** What checking a site found. */
export type Checked =
  | { readonly ok: true; readonly manifest: Manifest; readonly hash: string }
  | { readonly ok: false; readonly problems: ReadonlyArray<string> }

/**
 * Check a site's files against its manifest (the file {@link MANIFEST} among them): every file
 * listed is there with its size and SHA-256, and nothing else is (but the log, {@link LOG}).
 * This proves the files are the ones the manifest names; {@link verify} proves the community
 * decided that manifest.
 */
export const check = (files: ReadonlyArray<File>): Checked => {
  const byPath = new Map(files.map((f) => [f.path, f.bytes]))
  const raw = byPath.get(MANIFEST)
  if (!raw) return { ok: false, problems: [`there is no ${MANIFEST}`] }
  const manifest = decode(raw)
  if (!manifest) return { ok: false, problems: [`${MANIFEST} is not a manifest in its exact form`] }
  const problems: Array<string> = []
  for (const f of manifest.files) {
    const b = byPath.get(f.path)
    if (!b) problems.push(`${f.path} is missing`)
    else if (b.length !== f.size || Bytes.toHex(Hash.sha256(b)) !== f.sha256) problems.push(`${f.path} is not the file the manifest names: it was changed`)
  }
  const listed = new Set(manifest.files.map((f) => f.path))
  for (const path of byPath.keys()) if (path !== MANIFEST && path !== LOG && !listed.has(path)) problems.push(`${path} is not in the manifest`)
  return problems.length > 0 ? { ok: false, problems } : { ok: true, manifest, hash: Bytes.toHex(Hash.sha256(raw)) }
}

/** What verifying a site against a community's state found. */
export type Verified =
  | { readonly ok: true; readonly manifest: Manifest; readonly page: Page; readonly latest: boolean }
  | { readonly ok: false; readonly problems: ReadonlyArray<string> }

/**
 * Verify a site against the expression state of its community (folded from a log you trust to
 * be the community's: your own replica, or {@link LOG} folded by `Site.verify`): the files
 * match the manifest, the manifest is this community's, and a decision published exactly this
 * manifest. `latest` says whether it is the page published last.
 */
export const verify = (files: ReadonlyArray<File>, state: State): Verified => {
  const c = check(files)
  if (!c.ok) return c
  if (c.manifest.community !== state.community) return { ok: false, problems: ["the manifest names another community"] }
  const i = state.pages.findLastIndex((p) => p.manifest === c.hash)
  if (i < 0) return { ok: false, problems: ["no decision of this community published this manifest"] }
  return { ok: true, manifest: c.manifest, page: state.pages[i]!, latest: i === state.pages.length - 1 }
}
