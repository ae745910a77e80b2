// The cards of the SLO and autoscaler views, kept by key across refreshes: a card already shown
// is filled again and moved into place, not recreated, so nothing flickers.

/**
 * Shows one card per item in `body`, in the items' order: cards of keys no longer listed go, a
 * loading, empty or error placeholder of the list itself is cleared (not the cards' own notes).
 */
export function placeCards<T, V extends { root: HTMLElement }>(
  body: HTMLElement,
  cards: Map<string, V>,
  items: readonly T[],
  key: (item: T) => string,
  create: (item: T) => V,
  fill: (view: V, item: T) => void,
): void {
  const seen = new Set<string>();
  const ordered: HTMLElement[] = [];
  for (const item of items) {
    const k = key(item);
    seen.add(k);
    let view = cards.get(k);
    if (!view) {
      view = create(item);
      cards.set(k, view);
    }
    fill(view, item);
    ordered.push(view.root);
  }
  for (const k of [...cards.keys()]) if (!seen.has(k)) cards.delete(k);
  if (body.querySelector(":scope > [data-testid=loading], :scope > [data-testid=empty], :scope > [data-testid=error]")) body.replaceChildren();
  ordered.forEach((node, i) => {
    if (body.children[i] !== node) body.insertBefore(node, body.children[i] ?? null);
  });
  while (body.children.length > ordered.length) body.lastElementChild!.remove();
}
