// The look-back a chart view shows (SLO history, scaling decisions), kept in the URL as
// `history` so that a shared link shows the same span of time.

import type { ViewContext } from "../context";
import { element } from "../states";

export interface HistoryRange {
  value: string;
  label: string;
  ms: number;
}

export interface HistoryChoice {
  select: HTMLSelectElement;
  /** The chosen range in milliseconds. */
  ms(): number;
  /** Stops following the URL. */
  dispose(): void;
}

/** A select over `ranges`; `fallback` (one of their values) when the URL names none of them. */
export function historyChoice(
  testId: string,
  ranges: readonly HistoryRange[],
  fallback: string,
  context: ViewContext,
  changed: () => void,
): HistoryChoice {
  const select = element("select", { "data-testid": testId, "aria-label": "time range" });
  for (const r of ranges) select.append(element("option", { value: r.value }, r.label));
  const chosen = (value: string | null) => ranges.find((r) => r.value === value) ?? ranges.find((r) => r.value === fallback)!;
  select.value = chosen(context.state.history).value;
  // Another view's look-back this one does not offer (24h on the autoscaler): say so in the URL too.
  if (context.state.history !== null && !ranges.some((r) => r.value === context.state.history)) {
    queueMicrotask(() => context.update({ history: null }));
  }
  select.addEventListener("change", () => context.update({ history: select.value === fallback ? null : select.value }));
  const dispose = context.onState((state, previous) => {
    if (state.history === previous.history) return;
    select.value = chosen(state.history).value;
    changed();
  });
  return { select, ms: () => chosen(select.value).ms, dispose };
}
