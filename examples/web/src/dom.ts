/**
 * A few lines of DOM building: `h(tag, attributes, ...children)`, and `patch`, which swaps
 * a container's content for a new tree while keeping what a person was typing (inputs
 * with a `data-keep` name keep their value, focus and selection).
 *
 * @module
 */

/** A child: a node, text, or nothing. Arrays are flattened. */
export type Child = Node | string | number | false | null | undefined | ReadonlyArray<Child>

/** Attributes: strings, booleans (present or not); `undefined` and `false` are left out. */
export type Attributes = Readonly<Record<string, string | number | boolean | undefined | null>>

const append = (parent: Node, child: Child): void => {
  if (child === null || child === undefined || child === false) return
  if (Array.isArray(child)) for (const c of child as ReadonlyArray<Child>) append(parent, c)
  else if (child instanceof Node) parent.appendChild(child)
  else parent.appendChild(document.createTextNode(String(child)))
}

/** An element. */
export const h = (tag: string, attributes: Attributes = {}, ...children: ReadonlyArray<Child>): HTMLElement => {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attributes)) {
    if (v === undefined || v === null || v === false) continue
    if (k === "value" && (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement)) el.value = String(v)
    else el.setAttribute(k, v === true ? "" : String(v))
  }
  for (const c of children) append(el, c)
  return el
}

type Field = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement

const isField = (el: Element | null): el is Field =>
  el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement

/** Replace `container`'s content with `next`, keeping typed values of `data-keep` fields. */
export const patch = (container: HTMLElement, next: Node): void => {
  const kept = new Map<string, string | boolean>()
  for (const el of container.querySelectorAll<Field>("[data-keep]")) {
    const k = el.getAttribute("data-keep")!
    kept.set(k, el instanceof HTMLInputElement && (el.type === "radio" || el.type === "checkbox") ? el.checked : el.value)
  }
  const active = document.activeElement
  const focused = isField(active) && container.contains(active) ? active.getAttribute("data-keep") : null
  const selection =
    focused && (active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement)
      ? [active.selectionStart, active.selectionEnd]
      : null
  container.replaceChildren(next)
  for (const el of container.querySelectorAll<Field>("[data-keep]")) {
    const v = kept.get(el.getAttribute("data-keep")!)
    if (v === undefined) continue
    if (typeof v === "boolean") (el as HTMLInputElement).checked = v
    else el.value = v
  }
  if (focused) {
    const el = container.querySelector<Field>(`[data-keep="${CSS.escape(focused)}"]`)
    if (el) {
      el.focus()
      if (selection && (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement))
        try {
          el.setSelectionRange(selection[0] ?? null, selection[1] ?? null)
        } catch {
          // Some input types have no selection.
        }
    }
  }
}

/** The values of a form's named fields (radio groups give the checked value). */
export const formValues = (form: HTMLFormElement): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [k, v] of new FormData(form)) if (typeof v === "string") out[k] = v
  return out
}
