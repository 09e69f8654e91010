/**
 * The OpenAPI 3.1 description of the API, generated from the route table and the wire
 * schemas (`Routes`, `Schemas`): every path, parameter, request body and response is the
 * one the code serves. Named schemas (`Proposal`, `Member`, `FeedItem`, …) are components;
 * request bodies are closed (`additionalProperties: false`), as the API refuses unknown keys.
 *
 * @module
 */
import { JsonSchema, Schema, SchemaRepresentation } from "effect"
import type * as Failure from "./Failure.ts"
import type * as Routes from "./Routes.ts"
import * as Schemas from "./Schemas.ts"

/** Version of the API this description documents. */
export const VERSION = "0.1.0"

/** A JSON Schema object. */
type Json = { readonly [key: string]: unknown }

const FAILURES: Readonly<Record<Failure.Status, string>> = {
  400: "The request does not fit the API: a bad parameter, body or JSON (BadRequest, BadJson, InvalidBody, UnknownEventType)",
  401: "No access token, or not this bridge's (Unauthorized)",
  404: "Nothing of that id (UnknownProposal, UnknownMember, UnknownGroup, UnknownWebhook, NotFound)",
  409: "Too many of something (TooManyWebhooks)",
  413: "The request body is too large (TooLarge)",
  415: "The request body is not JSON (UnsupportedMediaType)",
  422: "The community's rules refuse the act; the tag names the rule (NeedsDecision, NotAFullMember, DeadlineNotReached, …), and `event` the refused event when it was signed",
  500: "The bridge failed (Internal)",
  503: "The event could not be stored (StorageError)"
}

/** JSON Schemas of several schemas at once, sharing named definitions as OpenAPI components. */
const compile = (
  schemas: ReadonlyArray<Schema.Constraint>,
  onExcessProperty: "ignore" | "error"
): { readonly schemas: ReadonlyArray<Json>; readonly definitions: Readonly<Record<string, Json>> } => {
  if (schemas.length === 0) return { schemas: [], definitions: {} }
  const [first, ...rest] = schemas.map((s) => s.ast)
  const document = SchemaRepresentation.toRepresentations([first!, ...rest])
  const multi = JsonSchema.toMultiDocumentOpenApi3_1(SchemaRepresentation.toJsonSchemaMultiDocument(document, { onExcessProperty }))
  return { schemas: multi.schemas as ReadonlyArray<Json>, definitions: multi.definitions as Readonly<Record<string, Json>> }
}

/** The OpenAPI 3.1 document of `routes`. */
export const document = (routes: ReadonlyArray<Routes.Route>): Json => {
  // Responses, with the feed item (the data of events and webhooks) and the failure body.
  const responseSchemas = routes.flatMap((r) => (r.response === undefined ? [] : [r.response]))
  const responses = compile([...responseSchemas, Schemas.FeedItem, Schemas.Failure], "ignore")
  const bodies = routes.flatMap((r) => (r.body === undefined ? [] : [r.body]))
  const requests = compile(bodies, "error")
  const params = routes.flatMap((r) => r.params.map((p) => p.schema))
  const paramSchemas = compile(params, "ignore")

  let nextResponse = 0
  let nextBody = 0
  let nextParam = 0
  const paths: Record<string, Record<string, Json>> = {}
  for (const route of routes) {
    const parameters = route.params.map((p) => {
      const schema = paramSchemas.schemas[nextParam++]
      return { name: p.name, in: p.in, required: p.required, description: p.description, schema: p.json ?? schema }
    })
    const success: Json =
      route.media !== undefined
        ? { description: "OK", content: { [route.media]: { schema: { type: "string" } } } }
        : route.stream
          ? {
              description: route.description ?? route.summary,
              content: { "text/event-stream": { schema: { type: "string", description: "Server-Sent Events; each data line is a FeedItem as JSON" } } }
            }
          : route.status === 204
            ? { description: "Done" }
            : {
                description: "OK",
                content: { "application/json": { schema: route.response === undefined ? {} : responses.schemas[nextResponse++] } }
              }
    const failureResponses: Record<string, Json> = {}
    for (const status of [...new Set<Failure.Status>([...route.failures, ...(route.public ? [] : [401 as const]), 500])].sort())
      failureResponses[String(status)] = { $ref: `#/components/responses/Failure${status}` }
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      tags: [route.tag],
      summary: route.summary,
      ...(route.description === undefined ? {} : { description: route.description }),
      ...(route.public ? { security: [] } : {}),
      ...(parameters.length === 0 ? {} : { parameters }),
      ...(route.body === undefined
        ? {}
        : {
            requestBody: {
              required: true,
              content: { "application/json": { schema: requests.schemas[nextBody++] } }
            }
          }),
      responses: { [String(route.status)]: success, ...failureResponses }
    }
    ;(paths[route.path] ??= {})[route.method] = operation
  }

  const failureComponents: Record<string, Json> = {}
  const failureSchema = responses.schemas[responses.schemas.length - 1]
  for (const [status, description] of Object.entries(FAILURES))
    failureComponents[`Failure${status}`] = { description, content: { "application/json": { schema: failureSchema } } }

  return {
    openapi: "3.1.0",
    info: {
      title: "Affinity bridge",
      version: VERSION,
      description:
        "One member's view of an Affinity community for the tools a co-op already runs: records as JSON, that member's acts, new events as Server-Sent Events and webhooks. Every request but this description carries the access token (Authorization: Bearer <token>). Identities and event ids are 64 hex digits; times are ISO 8601 (UTC); event bodies are JSON with byte strings as { \"$bytes\": \"<hex>\" }."
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    tags: [
      { name: "records", description: "What the community knows, as this bridge has folded it" },
      { name: "acts", description: "The held member's acts, signed by this bridge's device key" },
      { name: "events", description: "The log, and new events as they arrive" },
      { name: "webhooks", description: "Addresses that receive each new event and record change" },
      { name: "meta", description: "This description" }
    ],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "the token in the bridge's data directory (file `token`)" } },
      schemas: { ...paramSchemas.definitions, ...requests.definitions, ...responses.definitions },
      responses: failureComponents
    }
  }
}
