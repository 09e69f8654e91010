/**
 * QR codes of invitation links, so a phone can open one with its camera. Encoded with
 * `uqr` (error correction level L, which keeps the modules of a long link large enough to
 * scan from a phone screen) and drawn as one SVG path: one `M x y h1v1h-1z` square per
 * dark module, inside a light quiet zone of four modules.
 *
 * @module
 */
import { encode } from "uqr"

/** Width of the light margin around the code, in modules (the QR standard asks for four). */
export const QUIET_ZONE = 4

/** The dark modules of the QR code of `text`, as `[x, y]` from the top left (no quiet zone), and the code's size. */
export const modules = (text: string): { readonly size: number; readonly dark: ReadonlyArray<readonly [number, number]> } => {
  const qr = encode(text, { ecc: "L", border: 0 })
  const dark: Array<readonly [number, number]> = []
  qr.data.forEach((row, y) => row.forEach((on, x) => on && dark.push([x, y])))
  return { size: qr.size, dark }
}

const SVG = "http://www.w3.org/2000/svg"

/** An SVG element showing the QR code of `text`, scaled to its container; `label` is what it says for screen readers. */
export const svg = (text: string, label: string): SVGSVGElement => {
  const { size, dark } = modules(text)
  const total = size + 2 * QUIET_ZONE
  const el = document.createElementNS(SVG, "svg")
  el.setAttribute("viewBox", `0 0 ${total} ${total}`)
  el.setAttribute("role", "img")
  el.setAttribute("aria-label", label)
  el.setAttribute("shape-rendering", "crispEdges")
  const background = document.createElementNS(SVG, "rect")
  background.setAttribute("width", String(total))
  background.setAttribute("height", String(total))
  background.setAttribute("fill", "#fff")
  const path = document.createElementNS(SVG, "path")
  path.setAttribute("d", dark.map(([x, y]) => `M${x + QUIET_ZONE} ${y + QUIET_ZONE}h1v1h-1z`).join(""))
  path.setAttribute("fill", "#000")
  el.append(background, path)
  return el
}
