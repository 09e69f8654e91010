// The app's files, kept for starts without a network. On install it stores the page and
// the files the page names. Afterwards the page itself is fetched from the network when it
// can be (refreshing the stored copy), else served from what is stored. Files under
// `assets/` are named by a hash of their content, so a stored one is never stale: they are
// served from the store first (no network round trip on a start), fetched only when
// missing, and the ones the current page no longer names are dropped.
// Community data never goes through here: it lives in IndexedDB and syncs over WebSocket.
const CACHE = "affinity-web-v1"
const shell = () => self.registration.scope
const ASSETS = new URL("assets/", self.registration.scope).pathname

/** Same-origin files a page names (`src="…"`, `href="…"`). */
const named = (html) =>
  [...html.matchAll(/(?:src|href)="([^"]+)"/g)]
    .map((m) => new URL(m[1], shell()))
    .filter((u) => u.origin === self.location.origin)
    .map((u) => u.href)

/** Forget stored assets the page no longer names (those of earlier builds). */
const prune = async (cache, html) => {
  const keep = new Set(named(html))
  for (const request of await cache.keys()) {
    const url = new URL(request.url)
    if (url.pathname.startsWith(ASSETS) && !keep.has(url.href)) await cache.delete(request)
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE)
      const page = await fetch(shell())
      const html = await page.clone().text()
      await cache.put(shell(), page)
      await cache.addAll(named(html))
      await self.skipWaiting()
    })()
  )
})
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()))

self.addEventListener("fetch", (event) => {
  const request = event.request
  const url = new URL(request.url)
  if (request.method !== "GET" || url.origin !== self.location.origin) return
  if (request.mode !== "navigate" && url.pathname.startsWith(ASSETS)) {
    event.respondWith(
      (async () => {
        const cache = await caches.open(CACHE)
        const stored = await cache.match(request)
        if (stored) return stored
        const response = await fetch(request)
        if (response.ok) event.waitUntil(cache.put(request, response.clone()))
        return response
      })()
    )
    return
  }
  const key = request.mode === "navigate" ? shell() : request
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE)
      try {
        const response = await fetch(request)
        if (response.ok) {
          // Stored after answering: the page does not wait for the store.
          const copy = response.clone()
          event.waitUntil(
            (async () => {
              if (request.mode === "navigate" && url.pathname === new URL(shell()).pathname) await prune(cache, await copy.clone().text())
              await cache.put(key, copy)
            })()
          )
        }
        return response
      } catch (error) {
        const stored = await cache.match(key)
        if (stored) return stored
        throw error
      }
    })()
  )
})
