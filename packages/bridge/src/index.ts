/**
 * `@affinity/bridge`: an HTTP service that holds one member's device key and exposes a
 * community to the tools a co-op already runs: records as JSON, that member's acts, new
 * events as Server-Sent Events and webhooks, behind an access token, on 127.0.0.1 by
 * default, described by OpenAPI 3.1 at `/openapi.json`.
 *
 * ```ts
 * import { Client, Storage } from "@affinity/core"
 * import * as Governance from "@affinity/governance"
 * import { Bridge, listen, makeApp, Token } from "@affinity/bridge"
 *
 * const client = await Client.make({ storage: Storage.layerMemory, modules: [Governance.module] })
 * const me = await client.generateKey()
 * const community = await client.create({ name: "Bakery co-op", author: me })
 * const bridge = await Bridge.make({ community, device: me })
 * const token = Token.generate()
 * const server = await listen(makeApp(bridge, { token }), { port: 0 })
 * const response = await fetch(`${server.url}/community`, { headers: { authorization: `Bearer ${token}` } })
 * console.log(((await response.json()) as { name: string }).name === "Bakery co-op") // true
 * await bridge.close()
 * await server.close()
 * await client.close()
 * ```
 *
 * @module
 */
export * as Acts from "./Acts.ts"
export { type AppOptions, makeApp, MAX_BODY_BYTES } from "./App.ts"
export * as Bridge from "./Bridge.ts"
export * as DeviceKeyFile from "./DeviceKeyFile.ts"
export * as DeviceRequest from "./DeviceRequest.ts"
export * as Failure from "./Failure.ts"
export * as Feed from "./Feed.ts"
export * as Json from "./Json.ts"
export * as Names from "./Names.ts"
export * as OpenApi from "./OpenApi.ts"
export * as Relays from "./Relays.ts"
export * as Routes from "./Routes.ts"
export * as Schemas from "./Schemas.ts"
export { HOST, isLoopback, listen, type Listening, PORT, serve, type Served, type ServeOptions } from "./Serve.ts"
export * as Token from "./Token.ts"
export * as Views from "./Views.ts"
export * as Webhooks from "./Webhooks.ts"
