// The three states every view passes through before it has something to show.

export function loading(into: HTMLElement, what: string): void {
  into.replaceChildren(element("div", { class: "state loading", "data-testid": "loading" }, `Loading ${what}…`));
}

export function empty(into: HTMLElement, message: string): void {
  into.replaceChildren(element("div", { class: "state empty", "data-testid": "empty" }, message));
}

export function failed(into: HTMLElement, error: unknown): void {
  into.replaceChildren(element("div", { class: "state error", "data-testid": "error", role: "alert" }, describe(error)));
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A small element factory: attributes, then text or children. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}
