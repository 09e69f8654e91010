// The app's files, kept for starts without a network. On install it stores the page and
// the files the page names; afterwards every same-origin GET is fetched from the network
// when it can be (refreshing the stored copy), else served from what is stored.
// Community data never goes through here: it lives in IndexedDB and syncs over WebSocket.
const CACHE = "affinity-web-v1"
const shell = () => self.registration.scope

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE)
      const page = await fetch(shell())
      const html = await page.clone().text()
      await cache.put(shell(), page)
      const files = [...html.matchAll(/(?:src|href)="([^"]+)"/g)]
        .map((m) => new URL(m[1], shell()))
        .filter((u) => u.origin === self.location.origin)
        .map((u) => u.href)
      await cache.addAll(files)
      await self.skipWaiting()
    })()
  )
})
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()))

self.addEventListener("fetch", (event) => {
  const request = event.request
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return
  const key = request.mode === "navigate" ? shell() : request
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE)
      try {
        const response = await fetch(request)
        if (response.ok) await cache.put(key, response.clone())
        return response
      } catch (error) {
        const stored = await cache.match(key)
        if (stored) return stored
        throw error
      }
    })()
  )
})
