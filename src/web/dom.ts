// A few lines instead of a framework: the form is built once from the server's description of it and its inputs
// are never re-rendered while a person types (so an IME's composition is never disturbed); what changes as they
// type (findings, how full a box is) are small nodes beside each input, updated in place.

type Child = Node | string | number | null | undefined | false;
type AttrValue = string | number | boolean | null | undefined;
export type Attrs = Record<string, AttrValue | ((event: Event) => void)>;

/** `el('button', { type: 'button', onclick: save }, '保存')`. Attributes that are false, null or undefined are left out. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') node.addEventListener(name.slice(2), value as EventListener);
    else if (value === false || value === null || value === undefined) continue;
    else if (name === 'value' && 'value' in node) (node as HTMLInputElement).value = String(value);
    else if (name === 'checked' && 'checked' in node) (node as HTMLInputElement).checked = Boolean(value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Empties `node` and fills it with `children`. */
export function replaceChildren(node: Element, ...children: Child[]): void {
  node.replaceChildren();
  append(node, ...children);
}

let idCount = 0;
/** An id unique in the page, for labels and descriptions. */
export const uniqueId = (prefix: string): string => `${prefix}-${++idCount}`;

/** 087 for 87: how the form and the file names write a sheet's number. */
export const sheetNumberText = (n: string | number): string => String(n).padStart(3, '0');
