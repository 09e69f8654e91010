/**
 * Relay addresses as a person types them: `ws://` or `wss://`, a host (a name such as
 * `relay.example.org`, an IPv4 address such as `192.168.1.20`, or an IPv6 address in
 * brackets), an optional port and an optional path, and nothing else: no user name, no
 * `?query` (the app puts the relay introductions there), no `#fragment`, no spaces. The
 * same check guards every address the app dials: typed in a form, given in `?relay=`, or
 * carried by an invitation.
 *
 * @module
 */
import { Invitation } from "@affinity/core"

/** An address as typed, checked: its normal form, or what is wrong with it in plain words. */
export type Checked = { readonly ok: true; readonly url: string } | { readonly ok: false; readonly message: string }

/** Two examples every message ends with. */
export const EXAMPLES = "ws://192.168.1.20:8787/ on a home network, or wss://relay.example.org/ on the internet"

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/
const PATH = /^(?:\/(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})*)*$/
const PORT = /^[0-9]{1,5}$/

const no = (what: string): Checked => ({ ok: false, message: `${what}. A relay address looks like ${EXAMPLES}` })

/** Why a host name or address is not one, or `undefined` when it is. */
const hostProblem = (host: string): string | undefined => {
  if (host === "") return "it has no host: after ws:// comes the relay's name or address"
  if (host.startsWith("[")) {
    if (!/^\[[0-9a-fA-F:.]+\]$/.test(host)) return `“${host}” is not an IPv6 address`
    try {
      new URL(`ws://${host}/`)
      return undefined
    } catch {
      return `“${host}” is not an IPv6 address`
    }
  }
  if (host.length > 253) return "its host name is too long"
  const labels = host.toLowerCase().split(".")
  if (labels.every((l) => /^[0-9]+$/.test(l))) {
    return labels.length === 4 && labels.every((l) => Number(l) <= 255 && (l === "0" || !l.startsWith("0")))
      ? undefined
      : `“${host}” is not an IP address: it has four numbers from 0 to 255, such as 192.168.1.20`
  }
  const bad = labels.find((l) => !LABEL.test(l))
  return bad === undefined ? undefined : `“${host}” is not a host name: use letters, digits, hyphens and dots`
}

/**
 * Check a relay address typed by a person. On success gives its normal form (lower-case
 * host, no default port, a path of at least `/`), so one relay is never listed twice.
 */
export const check = (input: string): Checked => {
  const text = input.trim()
  if (text === "") return no("It is empty")
  if (text.length > Invitation.MAX_RELAY_URL) return no(`It is longer than ${Invitation.MAX_RELAY_URL} characters`)
  if (/\s/.test(text)) return no("It has a space or a line break in it")
  const scheme = /^(wss?):\/\//i.exec(text)
  if (!scheme) return no(/^https?:\/\//i.test(text) ? "It starts with http; a relay's address starts with ws:// or wss://" : "It does not start with ws:// or wss://")
  const rest = text.slice(scheme[0].length)
  const end = rest.search(/[/?#]/)
  const authority = end < 0 ? rest : rest.slice(0, end)
  const tail = end < 0 ? "" : rest.slice(end)
  if (authority.includes("@")) return no("It has a user name in it (the part before @); a relay address has none")
  const port = /:([^:\]]*)$/.exec(authority)
  const host = port ? authority.slice(0, port.index) : authority
  const hostBad = hostProblem(host)
  if (hostBad !== undefined) return no(hostBad.charAt(0).toUpperCase() + hostBad.slice(1))
  if (port && (!PORT.test(port[1]!) || Number(port[1]) < 1 || Number(port[1]) > 65535)) return no(`“${port[1]}” is not a port: a port is a number from 1 to 65535`)
  if (tail.includes("?")) return no("It has a “?” and what follows; a relay address has a host, a port and a path only")
  if (tail.includes("#")) return no("It has a “#” and what follows; a relay address has a host, a port and a path only")
  if (!PATH.test(tail)) {
    const odd = [...tail].find((c) => !/[A-Za-z0-9._~%/-]/.test(c))
    return no(odd === undefined ? "Its path is not valid" : `Its path has “${odd}”, which a relay address does not have`)
  }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return no("It is not a valid address")
  }
  const normal = url.href
  if (!Invitation.isRelayUrl(normal)) return no("It is not a valid address")
  return { ok: true, url: normal }
}

/** Whether `url` is a relay address the app dials: one that {@link check} leaves as it is. */
export const isValid = (url: string): boolean => {
  const c = check(url)
  return c.ok && c.url === url
}

/** Whether a page at `pageProtocol` can reach the relay at `url`: a page served over https reaches wss:// relays only. */
export const reachableFrom = (pageProtocol: string, url: string): boolean =>
  pageProtocol !== "https:" || url.startsWith("wss://") || /^ws:\/\/(127\.[0-9.]+|localhost|\[::1\])(:|\/)/.test(url)
