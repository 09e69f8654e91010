/**
 * Webhooks: addresses the bridge POSTs each feed item to (a new event, a record that
 * changed), as JSON, one at a time and in order for each address.
 *
 * Each request carries `Affinity-Webhook` (the webhook's id), `Affinity-Delivery` (the item
 * id) and `Affinity-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw body under the
 * secret returned when the webhook was registered, so the receiver can check that the bridge
 * sent it. A `2xx` answer delivers the item. A network error, a timeout, `408`, `429` or a
 * `5xx` is retried after a delay that doubles from `firstDelayMs` up to `maxDelayMs`, at most
 * `attempts` times in all; then, or at once on any other answer, the item is given up
 * (counted in `failed`, the reason in `lastError`) and the next one is sent. At most
 * `maxPending` items wait per webhook; beyond that the oldest are dropped (counted in
 * `dropped`).
 *
 * Registrations (with their secrets) are kept in a JSON file of mode `0600` when the
 * registry is opened with one, else in memory.
 *
 * @module
 */
import { createHmac, randomBytes } from "node:crypto"
import { readFile, rename, writeFile } from "node:fs/promises"
import type * as Feed from "./Feed.ts"
import type * as Schemas from "./Schemas.ts"

/** How deliveries are retried and bounded. */
export interface RetryOptions {
  /** Most attempts per item, the first included (default 6). */
  readonly attempts: number
  /** Delay before the first retry, in ms (default 1,000); it doubles for each retry after. */
  readonly firstDelayMs: number
  /** Longest delay between attempts, in ms (default 60,000). */
  readonly maxDelayMs: number
  /** How long one request may take, in ms (default 10,000). */
  readonly timeoutMs: number
  /** Most items waiting per webhook (default 1,000). */
  readonly maxPending: number
}

/** Default {@link RetryOptions}. */
export const defaultRetry: RetryOptions = { attempts: 6, firstDelayMs: 1_000, maxDelayMs: 60_000, timeoutMs: 10_000, maxPending: 1_000 }

/** Most webhooks one bridge keeps. */
export const MAX_WEBHOOKS = 32

type Kind = "event" | "record"

interface Stored {
  readonly id: string
  readonly url: string
  readonly kinds: ReadonlyArray<Kind>
  readonly secret: string
  readonly created: string
}

/** The webhooks of a bridge. */
export interface Registry {
  /** Every webhook, oldest first. */
  readonly list: () => ReadonlyArray<Schemas.Webhook>
  /** One webhook, or `undefined`. */
  readonly get: (id: string) => Schemas.Webhook | undefined
  /** Register an address; resolves once saved, with the secret (shown only now). Rejects with `RangeError` past {@link MAX_WEBHOOKS}. */
  readonly add: (request: { readonly url: string; readonly kinds?: ReadonlyArray<Kind> }) => Promise<{ readonly webhook: Schemas.Webhook; readonly secret: string }>
  /** Remove a webhook (its waiting items are dropped); resolves to whether there was one. */
  readonly remove: (id: string) => Promise<boolean>
  /** Resolves when no delivery is waiting or under way (for tests and orderly shutdowns). */
  readonly idle: () => Promise<void>
  /** Stop delivering and following the feed. */
  readonly close: () => void
}

/** Options of {@link open}. */
export interface WebhookOptions {
  readonly feed: Feed.Feed
  /** Where registrations are kept; in memory without one. */
  readonly file?: string
  readonly retry?: Partial<RetryOptions>
  /** The `fetch` to send with (default the global one). */
  readonly fetch?: typeof globalThis.fetch
}

const isStored = (u: unknown): u is Stored => {
  if (typeof u !== "object" || u === null) return false
  const s = u as Record<string, unknown>
  return (
    typeof s["id"] === "string" &&
    typeof s["url"] === "string" &&
    typeof s["secret"] === "string" &&
    typeof s["created"] === "string" &&
    Array.isArray(s["kinds"]) &&
    s["kinds"].every((k) => k === "event" || k === "record")
  )
}

/** The `Affinity-Signature` header of a body under a secret: `sha256=<hex>`. */
export const signature = (secret: string, body: string): string => `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`

/**
 * Open the registry (reading `file` when given; missing means none) and start delivering
 * the feed's new items. Rejects with an `Error` when the file exists but is not a list of
 * webhooks.
 */
export const open = async (options: WebhookOptions): Promise<Registry> => {
  const retry: RetryOptions = { ...defaultRetry, ...options.retry }
  const send = options.fetch ?? globalThis.fetch
  const closing = new AbortController()
  const hooks = new Map<string, Hook>()

  interface Hook {
    readonly stored: Stored
    readonly queue: Array<Schemas.FeedItem>
    running: Promise<void> | undefined
    removed: boolean
    delivered: number
    failed: number
    dropped: number
    lastError: string | null
  }

  const view = (h: Hook): Schemas.Webhook => ({
    id: h.stored.id,
    url: h.stored.url,
    kinds: h.stored.kinds,
    created: h.stored.created,
    delivered: h.delivered,
    failed: h.failed,
    dropped: h.dropped,
    pending: h.queue.length,
    lastError: h.lastError
  })

  const hook = (stored: Stored): Hook => ({ stored, queue: [], running: undefined, removed: false, delivered: 0, failed: 0, dropped: 0, lastError: null })

  if (options.file !== undefined) {
    let text: string | undefined
    try {
      text = await readFile(options.file, "utf8")
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e
    }
    if (text !== undefined) {
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch {
        parsed = undefined
      }
      if (!Array.isArray(parsed) || !parsed.every(isStored)) throw new Error(`${options.file} is not a list of webhooks; fix or delete it`)
      for (const s of parsed) hooks.set(s.id, hook(s))
    }
  }

  let saving: Promise<void> = Promise.resolve()
  const save = (): Promise<void> => {
    const file = options.file
    if (file === undefined) return Promise.resolve()
    const text = `${JSON.stringify([...hooks.values()].map((h) => h.stored), null, 2)}\n`
    saving = saving.catch(() => undefined).then(async () => {
      await writeFile(`${file}.tmp`, text, { mode: 0o600 })
      await rename(`${file}.tmp`, file)
    })
    return saving
  }

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (closing.signal.aborted) return resolve()
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        closing.signal.removeEventListener("abort", done)
        resolve()
      }
      closing.signal.addEventListener("abort", done)
    })

  /** One attempt: `undefined` when delivered, else why not and whether to try again. */
  const attempt = async (h: Hook, item: Schemas.FeedItem, body: string): Promise<{ readonly error: string; readonly again: boolean } | undefined> => {
    try {
      const response = await send(h.stored.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "affinity-bridge",
          "affinity-webhook": h.stored.id,
          "affinity-delivery": item.id,
          "affinity-signature": signature(h.stored.secret, body)
        },
        body,
        redirect: "manual",
        signal: AbortSignal.any([AbortSignal.timeout(retry.timeoutMs), closing.signal])
      })
      await response.body?.cancel().catch(() => undefined)
      if (response.status >= 200 && response.status < 300) return undefined
      const s = response.status
      return { error: `the address answered HTTP ${s}`, again: s === 408 || s === 429 || s >= 500 }
    } catch (e) {
      const timedOut = e instanceof Error && e.name === "TimeoutError"
      return {
        error: timedOut ? `no answer within ${retry.timeoutMs} ms` : `could not reach the address: ${e instanceof Error ? e.message : String(e)}`,
        again: true
      }
    }
  }

  const deliver = async (h: Hook, item: Schemas.FeedItem): Promise<boolean> => {
    const body = JSON.stringify(item)
    let delay = retry.firstDelayMs
    for (let k = 1; ; k++) {
      const failure = await attempt(h, item, body)
      if (failure === undefined) return true
      h.lastError = `${failure.error} (item ${item.id}, attempt ${k} of ${retry.attempts})`
      if (!failure.again || k >= retry.attempts || closing.signal.aborted || h.removed) return false
      await sleep(delay)
      delay = Math.min(retry.maxDelayMs, delay * 2)
    }
  }

  const pump = (h: Hook): void => {
    if (h.running !== undefined) return
    h.running = (async () => {
      while (h.queue.length > 0 && !closing.signal.aborted && !h.removed) {
        const item = h.queue[0]!
        const ok = await deliver(h, item)
        // The item may have been dropped meanwhile: take it out only if it is still first.
        if (h.queue[0] === item) h.queue.shift()
        if (ok) h.delivered++
        else if (!closing.signal.aborted && !h.removed) h.failed++
      }
    })().finally(() => {
      h.running = undefined
      if (h.queue.length > 0 && !closing.signal.aborted && !h.removed) pump(h)
    })
  }

  const stop = options.feed.subscribe((item) => {
    for (const h of hooks.values()) {
      if (!h.stored.kinds.includes(item.kind)) continue
      h.queue.push(item)
      if (h.queue.length > retry.maxPending) {
        // The first item may be under way: drop the oldest waiting behind it.
        h.queue.splice(h.running === undefined ? 0 : 1, 1)
        h.dropped++
      }
      pump(h)
    }
  })

  return {
    list: () => [...hooks.values()].map(view),
    get: (id) => {
      const h = hooks.get(id)
      return h === undefined ? undefined : view(h)
    },
    add: async (request) => {
      if (hooks.size >= MAX_WEBHOOKS) throw new RangeError(`at most ${MAX_WEBHOOKS} webhooks; remove one first`)
      const stored: Stored = {
        id: randomBytes(8).toString("hex"),
        url: request.url,
        kinds: [...new Set<Kind>(request.kinds ?? ["event", "record"])],
        secret: randomBytes(32).toString("base64url"),
        created: new Date().toISOString()
      }
      const h = hook(stored)
      hooks.set(stored.id, h)
      await save()
      return { webhook: view(h), secret: stored.secret }
    },
    remove: async (id) => {
      const h = hooks.get(id)
      if (h === undefined) return false
      h.removed = true
      h.queue.length = 0
      hooks.delete(id)
      await save()
      return true
    },
    idle: async () => {
      for (;;) {
        const running = [...hooks.values()].flatMap((h) => (h.running === undefined ? [] : [h.running]))
        if (running.length === 0) return
        await Promise.all(running)
      }
    },
    close: () => {
      stop()
      closing.abort()
    }
  }
}
