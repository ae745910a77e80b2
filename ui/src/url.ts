// The whole view lives in the query string so that a link shows someone else the same thing.

export type ViewName = "topology" | "slos" | "autoscaler" | "trace";
export type Mode = "live" | "replay";
export type Grouping = "workload" | "version" | "app" | "service";
export type EdgeLabel = "rps" | "errors" | "p95" | "p99";

export interface UrlState {
  view: ViewName;
  mode: Mode;
  /** Replay range, RFC 3339 UTC; null = the default (the last 15 minutes when replay starts). */
  from: string | null;
  to: string | null;
  /** 1-based replay frame; null = the first. */
  frame: number | null;
  speed: 1 | 10 | 60;
  step: string | null;
  groupBy: Grouping;
  byZone: boolean;
  filter: string;
  label: EdgeLabel;
  node: string | null;
  trace: string | null;
  slo: string | null;
  policy: string | null;
  /** The look-back of the SLO and autoscaler charts (e.g. 6h); null = the view's default. */
  history: string | null;
}

export const defaults: UrlState = {
  view: "topology",
  mode: "live",
  from: null,
  to: null,
  frame: null,
  speed: 1,
  step: null,
  groupBy: "workload",
  byZone: true,
  filter: "",
  label: "rps",
  node: null,
  trace: null,
  slo: null,
  policy: null,
  history: null,
};

const views: readonly ViewName[] = ["topology", "slos", "autoscaler", "trace"];
const groupings: readonly Grouping[] = ["workload", "version", "app", "service"];
const labels: readonly EdgeLabel[] = ["rps", "errors", "p95", "p99"];

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** Reads a query string; unknown or malformed values fall back to the defaults rather than failing the page. */
export function parseState(search: string): UrlState {
  const q = new URLSearchParams(search);
  const frame = Number.parseInt(q.get("frame") ?? "", 10);
  const speed = Number(q.get("speed"));
  return {
    view: oneOf(q.get("view"), views, defaults.view),
    mode: oneOf(q.get("mode"), ["live", "replay"] as const, defaults.mode),
    from: q.get("from"),
    to: q.get("to"),
    frame: Number.isFinite(frame) && frame >= 1 ? frame : null,
    speed: speed === 10 || speed === 60 ? speed : 1,
    step: q.get("step"),
    groupBy: oneOf(q.get("groupBy"), groupings, defaults.groupBy),
    byZone: q.get("byZone") !== "false",
    filter: q.get("filter") ?? "",
    label: oneOf(q.get("label"), labels, defaults.label),
    node: q.get("node"),
    trace: q.get("trace"),
    slo: q.get("slo"),
    policy: q.get("policy"),
    history: q.get("history"),
  };
}

/** Writes only what differs from the defaults, in a fixed order, so equal views give equal links. */
export function formatState(state: UrlState): string {
  const q = new URLSearchParams();
  for (const key of Object.keys(defaults) as (keyof UrlState)[]) {
    const value = state[key];
    if (value === null || value === defaults[key]) continue;
    q.set(key, String(value));
  }
  const text = q.toString();
  return text.length > 0 ? `?${text}` : "";
}
