/**
 * Failures the API answers with: an HTTP status, a tag a tool can branch on and a sentence a
 * person can act on. Every error response is the JSON `{ "_tag": …, "message": … }` (with
 * `event`, the key of the event, when the community refused an act that was signed).
 *
 * @module
 */

/** The HTTP statuses of failures. */
export type Status = 400 | 401 | 404 | 409 | 413 | 415 | 422 | 500 | 503

/** The JSON body of an error response. */
export interface FailureBody {
  readonly _tag: string
  readonly message: string
  /** Key (hex) of the event the community refused, when it was signed and is in the log. */
  readonly event?: string
}

/**
 * A failure to answer with. Handlers throw it; the app turns it into a response, and
 * anything else thrown into a `500` with the tag `Internal`.
 */
export class Failure extends Error {
  override readonly name = "Failure"
  /** A stable name for tools, e.g. `"BadRequest"` or `"DeadlineNotReached"`. */
  readonly tag: string
  readonly status: Status
  /** Key of the event concerned, if any. */
  readonly event: string | undefined
  constructor(status: Status, tag: string, message: string, event?: string) {
    super(message)
    this.status = status
    this.tag = tag
    this.event = event
  }

  /** The response body. */
  toJSON(): FailureBody {
    return this.event === undefined ? { _tag: this.tag, message: this.message } : { _tag: this.tag, message: this.message, event: this.event }
  }
}

/** A request that does not fit the API (`400`). */
export const badRequest = (tag: string, message: string): Failure => new Failure(400, tag, message)

/** Nothing of that id (`404`). */
export const notFound = (tag: string, message: string): Failure => new Failure(404, tag, message)

/** An act the community's rules refuse (`422`); `event` when it was signed and is in the log. */
export const refused = (tag: string, message: string, event?: string): Failure => new Failure(422, tag, message, event)
