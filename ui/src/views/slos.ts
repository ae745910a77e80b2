import type { ViewContext } from "../context";
import { empty } from "../states";

// Placeholder until this view is built (issue 8, in progress).
export function mount(root: HTMLElement, _context: ViewContext): () => void {
  empty(root, "This view is not built yet.");
  return () => {};
}
