import { Client, Storage } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Bridge, makeApp, OpenApi, Routes } from "../src/index.ts"

type Operation = {
  readonly operationId: string
  readonly parameters?: ReadonlyArray<{ readonly name: string; readonly in: string; readonly required: boolean }>
  readonly requestBody?: { readonly content: Record<string, { readonly schema: unknown }> }
  readonly responses: Record<string, { readonly $ref?: string; readonly content?: Record<string, { readonly schema: unknown }> }>
  readonly security?: ReadonlyArray<unknown>
}
type Document = {
  readonly openapi: string
  readonly paths: Record<string, Record<string, Operation>>
  readonly components: { readonly schemas: Record<string, unknown>; readonly responses: Record<string, unknown> }
}

let client: Client.Client
let bridge: Bridge.Bridge
let doc: Document
let served: ReadonlyArray<string>

beforeAll(async () => {
  client = await Client.make({ storage: Storage.layerMemory, modules: [Governance.module] })
  const me = await client.generateKey()
  const community = await client.create({ name: "Bakery co-op", author: me })
  bridge = await Bridge.make({ community, device: me })
  const app = makeApp(bridge, { token: "t".repeat(40) })
  doc = (await (await app.request("/openapi.json")).json()) as Document
  served = app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method.toLowerCase()} ${r.path.replaceAll(/:([A-Za-z]+)/g, "{$1}")}`)
})
afterAll(async () => {
  await bridge.close()
  await client.close()
})

/** Every `$ref` in a JSON value. */
const refs = (value: unknown): Array<string> => {
  if (Array.isArray(value)) return value.flatMap(refs)
  if (value === null || typeof value !== "object") return []
  return Object.entries(value).flatMap(([k, v]) => (k === "$ref" && typeof v === "string" ? [v] : refs(v)))
}

describe("/openapi.json", () => {
  it("is OpenAPI 3.1, generated from the routes the app serves", () => {
    expect(doc.openapi).toBe("3.1.0")
    expect(doc).toEqual(JSON.parse(JSON.stringify(OpenApi.document(Routes.routes(() => undefined)))))
  })

  it("describes exactly the endpoints the app serves", () => {
    const described = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`))
    expect([...described].sort()).toEqual([...new Set(served)].sort())
  })

  it("names every path parameter, and only those", () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      const inPath = [...path.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]).sort()
      for (const op of Object.values(ops)) {
        const declared = (op.parameters ?? []).filter((p) => p.in === "path")
        expect(declared.map((p) => p.name).sort(), `${op.operationId}`).toEqual(inPath)
        expect(declared.every((p) => p.required)).toBe(true)
      }
    }
  })

  it("gives every operation a success response, a unique id, and the token except where it is public", () => {
    const ids = new Set<string>()
    for (const [path, ops] of Object.entries(doc.paths))
      for (const op of Object.values(ops)) {
        expect(ids.has(op.operationId)).toBe(false)
        ids.add(op.operationId)
        expect(Object.keys(op.responses).some((s) => s.startsWith("2")), op.operationId).toBe(true)
        if (path === "/openapi.json") expect(op.security).toEqual([])
        else expect(op.responses["401"]?.$ref).toBe("#/components/responses/Failure401")
      }
  })

  it("closes request bodies and resolves every reference", () => {
    const propose = doc.paths["/proposals"]!["post"]!.requestBody!.content["application/json"]!.schema as Record<string, unknown>
    expect(propose["additionalProperties"]).toBe(false)
    expect(propose["required"]).toEqual(["title", "deadline"])
    for (const ref of refs(doc)) {
      const [, , kind, name] = ref.split("/")
      expect(kind === "schemas" ? doc.components.schemas[name!] : doc.components.responses[name!], ref).toBeDefined()
    }
    for (const name of ["Proposal", "Member", "Event", "FeedItem", "Failure", "Seats", "Group", "Webhook", "Profile", "ProfileAct"])
      expect(doc.components.schemas[name], name).toBeDefined()
  })

  it("describes the profile the bridge's member publishes, and the documents for people by their media types", () => {
    const put = doc.paths["/profile"]!["put"]!
    const body = put.requestBody!.content["application/json"]!.schema as Record<string, unknown>
    expect(body["required"]).toEqual(["name"])
    expect(body["additionalProperties"]).toBe(false)
    expect(Object.keys(doc.paths["/profile"]!).sort()).toEqual(["delete", "put"])
    expect(Object.keys(doc.paths["/record.md"]!["get"]!.responses["200"]!.content!)).toEqual(["text/markdown"])
    expect(Object.keys(doc.paths["/binder.html"]!["get"]!.responses["200"]!.content!)).toEqual(["text/html"])
  })
})
