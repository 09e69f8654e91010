/**
 * The HTTP API of a bridge, as a Hono app: the routes of `Routes`, behind the access token
 * (all but `/openapi.json`), with bodies limited in size and decoded by their schemas.
 * Nothing thrown inside escapes: every failure is answered with JSON
 * `{ "_tag": …, "message": … }` and a status that says what kind it is.
 *
 * @module
 */
import { Result, Schema } from "effect"
import { Hono } from "hono"
import { bodyLimit } from "hono/body-limit"
import type { Bridge } from "./Bridge.ts"
import * as Decode from "./Decode.ts"
import * as Failure from "./Failure.ts"
import * as OpenApi from "./OpenApi.ts"
import * as Routes from "./Routes.ts"
import * as Token from "./Token.ts"

/** Options of {@link makeApp}. */
export interface AppOptions {
  /** The access token requests must carry (`Authorization: Bearer <token>`). */
  readonly token: string
  /** Where the token is kept, to say so to a request without it. */
  readonly tokenFile?: string
  /** Largest request body, in bytes (default 512 KiB: an event body is at most 64 KiB of CBOR). */
  readonly maxBodyBytes?: number
}

/** Default {@link AppOptions.maxBodyBytes}. */
export const MAX_BODY_BYTES = 512 * 1024

const json = (failure: Failure.Failure): Response =>
  new Response(JSON.stringify(failure.toJSON()), {
    status: failure.status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      ...(failure.status === 401 ? { "www-authenticate": 'Bearer realm="affinity-bridge"' } : {}),
      // The rest of a body too large is not read: the connection cannot carry another request.
      ...(failure.status === 413 ? { connection: "close" } : {})
    }
  })

const honoPath = (path: string): string => path.replaceAll(/\{([A-Za-z]+)\}/g, ":$1")

const readBody = async (request: Request): Promise<unknown> => {
  const text = await request.text()
  if (text.trim() === "") return {}
  const type = request.headers.get("content-type") ?? ""
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type))
    throw new Failure.Failure(415, "UnsupportedMediaType", "send the request body as JSON, with Content-Type: application/json")
  try {
    return JSON.parse(text) as unknown
  } catch (e) {
    throw Failure.badRequest("BadJson", `the request body is not JSON: ${e instanceof Error ? e.message : String(e)}`)
  }
}

/** The body of a route that takes none: nothing, or an empty JSON object. */
const noBody = async (request: Request): Promise<Record<string, never>> => {
  if (request.method === "GET" || request.method === "HEAD") return {}
  const body = await readBody(request)
  if (typeof body !== "object" || body === null || Array.isArray(body) || Object.keys(body).length > 0)
    throw Failure.badRequest("BadRequest", "this request takes no body (or an empty JSON object)")
  return {}
}

const decodeParams = (route: Routes.Route, raw: (p: Routes.Param) => string | undefined): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const p of route.params) {
    const text = raw(p)
    if (text === undefined) {
      if (p.required) throw Failure.badRequest("BadRequest", `the ${p.in} parameter ${p.name} is missing`)
      continue
    }
    const decoded = Schema.decodeUnknownResult(p.schema)(text)
    if (Result.isFailure(decoded)) throw Failure.badRequest("BadRequest", `${p.in} parameter ${p.name}: ${Decode.describe(decoded.failure.issue, p.name)}`)
    out[p.name] = decoded.success
  }
  return out
}

/** The Hono app of a bridge. */
export const makeApp = (bridge: Bridge, options: AppOptions): Hono => {
  const app = new Hono()
  let description: unknown
  const table = Routes.routes(() => (description ??= OpenApi.document(table)))
  const open = new Set(table.filter((r) => r.public).map((r) => `${r.method.toUpperCase()} ${r.path}`))
  const hint = options.tokenFile === undefined ? "" : ` (it is in ${options.tokenFile})`

  app.onError((error) =>
    json(error instanceof Failure.Failure ? error : new Failure.Failure(500, "Internal", `the bridge failed: ${error instanceof Error ? error.message : String(error)}`))
  )
  app.notFound((c) => json(Failure.notFound("NotFound", `no endpoint ${c.req.method} ${c.req.path}; GET /openapi.json lists them`)))

  app.use("*", async (c, next) => {
    if (open.has(`${c.req.method} ${c.req.path}`)) return next()
    const presented = Token.fromHeader(c.req.header("authorization"))
    if (presented === undefined)
      return json(new Failure.Failure(401, "Unauthorized", `this request needs the access token: send Authorization: Bearer <token>${hint}`))
    if (!Token.matches(options.token, presented)) return json(new Failure.Failure(401, "Unauthorized", "the access token is not this bridge's"))
    return next()
  })
  app.use(
    "*",
    bodyLimit({
      maxSize: options.maxBodyBytes ?? MAX_BODY_BYTES,
      onError: () => json(new Failure.Failure(413, "TooLarge", `the request body is larger than ${options.maxBodyBytes ?? MAX_BODY_BYTES} bytes`))
    })
  )

  for (const route of table) {
    app.on(route.method.toUpperCase(), honoPath(route.path), async (c) => {
      const params = decodeParams(route, (p) => (p.in === "path" ? c.req.param(p.name) : c.req.query(p.name)))
      const body = route.body === undefined ? await noBody(c.req.raw) : Decode.decode(route.body, await readBody(c.req.raw))
      const result = await route.handle({ bridge, params, body, context: c })
      if (result instanceof Response) return result
      if (route.status === 204) return c.body(null, 204)
      return c.json(result as object, route.status)
    })
  }
  return app
}
