/**
 * Any error turned into a {@link Failure} a person can read: failures pass through; the
 * SDK's tagged errors keep their tag and message; anything else is reported as unexpected.
 *
 * @module
 */
import type { Context } from "./Context.ts"
import { Failure, failed } from "./Failure.ts"

/** A failure for any error thrown while a command ran. */
export const toFailure = (e: unknown, ctx: Context): Failure => {
  if (e instanceof Failure) return e
  const message = e instanceof Error ? e.message : String(e)
  const tag = typeof e === "object" && e !== null && "_tag" in e && typeof e._tag === "string" ? e._tag : undefined
  if (tag === "StorageError") return failed(tag, `the store in ${ctx.home.dir} failed: ${message}`)
  if (tag === "AppendError") {
    const reason = typeof e === "object" && e !== null && "reason" in e && typeof e.reason === "string" ? e.reason : tag
    return failed(reason, `this could not be written: ${message}`)
  }
  const code = typeof e === "object" && e !== null && "code" in e && typeof e.code === "string" ? e.code : undefined
  if (code === "EACCES" || code === "EPERM") return failed("NoAccess", `${message}; check the permissions of ${ctx.home.dir}`)
  if (code === "ENOSPC") return failed("DiskFull", `the disk is full: ${message}`)
  return failed(tag ?? "Unexpected", tag === undefined ? `something unexpected went wrong: ${message}` : message)
}
