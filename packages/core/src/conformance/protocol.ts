/**
 * The JSON-lines protocol through which the runner talks to an implementation in another
 * process (any language): one request object per line on the process's stdin, one
 * response object per line on its stdout, strictly in turn. See `conformance/README.md`.
 *
 * @module
 */
import { isObject, type Json } from "./json.ts"
import type {
  DecodeCborResult,
  DecodeEventResult,
  EncodeCborResult,
  HeaderJson,
  Implementation,
  ScenarioRequest,
  ScenarioResult
} from "./types.ts"

/** A request of the protocol. */
export type Request =
  | { readonly op: "decodeCbor"; readonly hex: string }
  | { readonly op: "encodeCbor"; readonly value: Json }
  | { readonly op: "decodeEvent"; readonly hex: string }
  | { readonly op: "verifySignature"; readonly publicKey: string; readonly message: string; readonly signature: string }
  | { readonly op: "runScenario"; readonly genesis: string; readonly inputs: ReadonlyArray<string> }

const str = (r: { readonly [key: string]: Json }, key: string): string => {
  const v = r[key]
  if (typeof v !== "string") throw new TypeError(`request field ${key} must be a string`)
  return v
}

/**
 * Answer one request with an implementation: the response object to write as one line.
 * Never rejects: a malformed request or a failing implementation gives `{ "error": message }`.
 */
export const handleRequest = async (impl: Implementation, request: unknown): Promise<Json> => {
  try {
    if (!isObject(request)) throw new TypeError("a request is a JSON object")
    switch (request["op"]) {
      case "decodeCbor":
        return (await impl.decodeCbor(str(request, "hex"))) as Json
      case "encodeCbor":
        if (!Object.hasOwn(request, "value")) throw new TypeError("request field value is missing")
        return (await impl.encodeCbor(request["value"]!)) as Json
      case "decodeEvent":
        return (await impl.decodeEvent(str(request, "hex"))) as unknown as Json
      case "verifySignature": {
        const valid = await impl.verifySignature({
          publicKey: str(request, "publicKey"),
          message: str(request, "message"),
          signature: str(request, "signature")
        })
        return { valid }
      }
      case "runScenario": {
        const inputs = request["inputs"]
        if (!Array.isArray(inputs) || !inputs.every((i) => typeof i === "string"))
          throw new TypeError("request field inputs must be an array of strings")
        return (await impl.runScenario({ genesis: str(request, "genesis"), inputs: inputs as ReadonlyArray<string> })) as unknown as Json
      }
      default:
        throw new TypeError(`unknown op ${JSON.stringify(request["op"] ?? null)}`)
    }
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) }
  }
}

/** Serve an implementation over any line source: one response line per request line. */
export const serveLines = async (
  impl: Implementation,
  lines: AsyncIterable<string>,
  write: (line: string) => void | Promise<void>
): Promise<void> => {
  for await (const line of lines) {
    if (line.trim() === "") continue
    let request: unknown
    try {
      request = JSON.parse(line)
    } catch {
      await write(JSON.stringify({ error: "a request line must be one JSON object" }))
      continue
    }
    await write(JSON.stringify(await handleRequest(impl, request)))
  }
}

/** Why the remote implementation gave no usable answer. */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError"
}

/** A remote implementation, with a way to end its process. */
export interface RemoteImplementation extends Implementation {
  /** Close the process's stdin and wait for it to exit (killing it after a grace period). */
  readonly close: () => Promise<void>
}

/** Options of {@link spawnImplementation}. */
export interface SpawnOptions {
  /** Milliseconds to wait for each response before giving up on the process (default 60,000). */
  readonly timeout?: number
  /** Working directory of the process. */
  readonly cwd?: string
}

const expectObject = (response: Json, op: string): { readonly [key: string]: Json } => {
  if (!isObject(response)) throw new ProtocolError(`${op}: the response is not a JSON object`)
  if (typeof response["error"] === "string") throw new ProtocolError(`${op}: ${response["error"]}`)
  return response
}

/**
 * Start `command` with the shell (Node only: `node:child_process` is imported on first
 * use) and talk to it in JSON lines. Its stderr passes through to ours. Once the process
 * has exited, broken the protocol or timed out, every further request rejects (and a
 * process that broke the protocol or timed out is stopped).
 */
export const spawnImplementation = async (command: string, options: SpawnOptions = {}): Promise<RemoteImplementation> => {
  const { spawn } = await import("node:child_process")
  // On POSIX the command gets a process group of its own, so that stopping it also stops
  // whatever the shell started.
  const group = process.platform !== "win32"
  const child = spawn(command, { shell: true, stdio: ["pipe", "pipe", "inherit"], cwd: options.cwd, detached: group })
  const timeout = options.timeout ?? 60_000
  let buffer = ""
  let dead: string | undefined
  let waiting: { resolve: (line: string) => void; reject: (e: Error) => void } | undefined
  const lines: Array<string> = []
  let exited = false
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true
      resolve()
    })
  )
  const within = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms)
      void exit.then(() => {
        clearTimeout(timer)
        resolve()
      })
    })
  const signal = (name: "SIGTERM" | "SIGKILL") => {
    try {
      if (group && child.pid !== undefined) process.kill(-child.pid, name)
      else child.kill(name)
    } catch {
      // Already gone.
    }
  }
  /** Stop the process (and its group): SIGTERM, then SIGKILL if it is still running. */
  const stop = async (): Promise<void> => {
    if (!exited) {
      signal("SIGTERM")
      await within(2_000)
      if (!exited) signal("SIGKILL")
      await within(2_000)
    }
    if (group) signal("SIGTERM")
    child.stdout.destroy()
  }

  const die = (reason: string, kill: boolean) => {
    dead ??= reason
    const w = waiting
    waiting = undefined
    w?.reject(new ProtocolError(dead))
    if (kill) void stop()
  }
  child.stdout.setEncoding("utf8")
  child.stdout.on("data", (chunk: string) => {
    buffer += chunk
    let nl = buffer.indexOf("\n")
    while (nl >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, "")
      buffer = buffer.slice(nl + 1)
      if (line.trim() !== "") {
        const w = waiting
        waiting = undefined
        if (w) w.resolve(line)
        else lines.push(line)
      }
      nl = buffer.indexOf("\n")
    }
  })
  child.once("error", (e) => die(`could not run ${command}: ${e.message}`, false))
  child.once("exit", (code, sig) => die(`the implementation exited (${sig ?? `code ${String(code)}`})`, false))
  child.stdin.on("error", () => die("the implementation stopped reading its stdin", true))

  /** Send one request and wait for its response line. */
  let queue: Promise<unknown> = Promise.resolve()
  const call = (request: Request): Promise<Json> => {
    const next = queue.then(
      () =>
        new Promise<Json>((resolve, reject) => {
          if (dead !== undefined) return reject(new ProtocolError(dead))
          const early = lines.shift()
          if (early !== undefined) return reject(new ProtocolError(`unrequested output: ${early.slice(0, 200)}`))
          const timer = setTimeout(() => die(`no response to ${request.op} within ${timeout} ms`, true), timeout)
          waiting = {
            resolve: (line) => {
              clearTimeout(timer)
              try {
                resolve(JSON.parse(line) as Json)
              } catch {
                die(`the response is not JSON: ${line.slice(0, 200)}`, true)
                reject(new ProtocolError(dead ?? "bad response"))
              }
            },
            reject: (e) => {
              clearTimeout(timer)
              reject(e)
            }
          }
          child.stdin.write(`${JSON.stringify(request)}\n`)
        })
    )
    queue = next.catch(() => undefined)
    return next
  }

  return {
    name: command,
    decodeCbor: async (hex) => {
      const r = expectObject(await call({ op: "decodeCbor", hex }), "decodeCbor")
      return (r["ok"] === true ? { ok: true, value: r["value"] ?? null } : { ok: false }) as DecodeCborResult
    },
    encodeCbor: async (value) => {
      const r = expectObject(await call({ op: "encodeCbor", value }), "encodeCbor")
      if (r["ok"] !== true) return { ok: false }
      if (typeof r["hex"] !== "string") throw new ProtocolError("encodeCbor: hex must be a string")
      return { ok: true, hex: r["hex"] } as EncodeCborResult
    },
    decodeEvent: async (hex) => {
      const r = expectObject(await call({ op: "decodeEvent", hex }), "decodeEvent")
      if (r["ok"] !== true) return { ok: false, reason: typeof r["reason"] === "string" ? r["reason"] : "" }
      if (typeof r["id"] !== "string") throw new ProtocolError("decodeEvent: id must be a string")
      return {
        ok: true,
        id: r["id"],
        header: (r["header"] ?? null) as unknown as HeaderJson,
        body: r["body"] ?? null
      } as DecodeEventResult
    },
    verifySignature: async (request) => {
      const r = expectObject(await call({ op: "verifySignature", ...request }), "verifySignature")
      if (typeof r["valid"] !== "boolean") throw new ProtocolError("verifySignature: valid must be a boolean")
      return r["valid"]
    },
    runScenario: async (scenario: ScenarioRequest) => {
      const r = expectObject(
        await call({ op: "runScenario", genesis: scenario.genesis, inputs: scenario.inputs }),
        "runScenario"
      )
      if (!Array.isArray(r["verdicts"]) || !isObject(r["outcomes"]) || typeof r["stateHash"] !== "string")
        throw new ProtocolError("runScenario: expected verdicts (array), outcomes (object) and stateHash (string)")
      return r as unknown as ScenarioResult
    },
    close: async () => {
      dead ??= "the implementation was closed"
      if (!exited) {
        child.stdin.end()
        await within(5_000)
      }
      await stop()
    }
  }
}
