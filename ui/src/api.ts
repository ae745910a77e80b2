// Typed reads of Observe's HTTP API (README "HTTP API"). Every failure becomes an ApiError whose
// message says what was asked and what went wrong, for the views' error states.

import { isAbort } from "./states";

export type Health = "idle" | "healthy" | "degraded" | "failing";

export interface Traffic {
  requests: number;
  requestsPerSecond: number;
  errorRatio: number;
  serverErrorRatio: number;
  clientErrorRatio: number;
  grpcErrorRatio: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  bytesPerSecond: number;
  mtlsShare: number;
}

export interface GraphNode extends ReplayNode {
  inbound: Traffic;
  outbound: Traffic;
  health: Health;
}

/** An edge as the graph answer has it: its ends are node ids (the replay's are indexes). */
export interface EdgeInfo {
  id: string;
  source: string;
  target: string;
  protocol: string;
  crossZone: boolean;
}

export interface GraphEdge extends EdgeInfo {
  traffic: Traffic;
  health: Health;
}

export interface ServiceGraph {
  from: string;
  to: string;
  groupBy: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface GraphChanges<T> {
  upserted: T[];
  removed: string[];
}

export interface GraphDiff {
  sequence: number;
  from: string;
  to: string;
  nodes: GraphChanges<GraphNode>;
  edges: GraphChanges<GraphEdge>;
}

export interface ReplayNode {
  id: string;
  kind: string;
  name: string;
  namespace: string;
  service: string;
  version: string;
  cluster: string;
  zone: string;
}

export interface ReplayEdge {
  id: string;
  source: number;
  target: number;
  protocol: string;
  crossZone: boolean;
}

export interface TrafficColumns {
  index: number[];
  requests: number[];
  requestsPerSecond: number[];
  errorRatio: number[];
  serverErrorRatio: number[];
  clientErrorRatio: number[];
  grpcErrorRatio: number[];
  p50: (number | null)[];
  p95: (number | null)[];
  p99: (number | null)[];
  bytesPerSecond: number[];
  mtlsShare: number[];
  health: Health[];
  outboundRequestsPerSecond: number[] | null;
}

export interface ReplayFrame {
  time: string;
  nodes: TrafficColumns;
  edges: TrafficColumns;
}

export interface GraphReplay {
  from: string;
  to: string;
  step: string;
  window: string;
  groupBy: string;
  nodes: ReplayNode[];
  edges: ReplayEdge[];
  frames: ReplayFrame[];
}

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  [field: string]: unknown;
}

export interface TraceSummary {
  traceId: string;
  service: string;
  namespace: string;
  name: string;
  start: string;
  durationMs: number;
  error: boolean;
  spanCount: number;
}

export interface DemoPhase {
  name: string;
  description: string;
  startedAt?: string;
  endsAt?: string;
  start?: string;
  end?: string;
}

export interface DemoState {
  enabled: boolean;
  phase?: DemoPhase;
  loop?: number;
  scenario?: DemoPhase[];
}

/** How long a read may take before the page says Observe did not answer. */
export const requestTimeoutMs = 30_000;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export type Query = Record<string, string | number | boolean | null | undefined | string[]>;

export function queryString(query: Query): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === "") continue;
    if (Array.isArray(value)) value.forEach((v) => q.append(key, v));
    else q.set(key, String(value));
  }
  const text = q.toString();
  return text.length > 0 ? `?${text}` : "";
}

/** GET a JSON answer; the API's own `error` text is kept, so the page says what the server said. */
export async function getJson<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
  const url = path + queryString(query);
  let response: Response;
  try {
    // A server that never answers must not leave requests (and the view's state) hanging.
    const timeout = AbortSignal.timeout(requestTimeoutMs);
    response = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, headers: { accept: "application/json" } });
  } catch (e) {
    if (isAbort(e)) throw e;
    throw new ApiError(0, `${url}: Observe did not answer (${(e as Error).message})`);
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text.length > 0 ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(response.status, `${url}: the answer is not JSON (HTTP ${response.status})`);
  }
  if (!response.ok) {
    const reason = (body as { error?: string } | null)?.error ?? `HTTP ${response.status}`;
    throw new ApiError(response.status, `${url}: ${reason}`);
  }
  return body as T;
}

export const api = {
  replay: (query: Query, signal?: AbortSignal) => getJson<GraphReplay>("/api/v1/topology/replay", query, signal),
  trace: (traceId: string, signal?: AbortSignal) =>
    getJson<{ traceId: string; spans: Span[] }>(`/api/v1/traces/${encodeURIComponent(traceId)}`, {}, signal),
  traces: (query: Query, signal?: AbortSignal) =>
    getJson<{ from: string; to: string; traces: TraceSummary[] }>("/api/v1/traces", query, signal),
  slos: (signal?: AbortSignal) => getJson<unknown>("/api/v1/slos", {}, signal),
  sloHistory: (name: string, query: Query, signal?: AbortSignal) =>
    getJson<unknown>(`/api/v1/slos/${encodeURIComponent(name)}`, query, signal),
  policies: (signal?: AbortSignal) => getJson<unknown>("/api/v1/scaling/policies", {}, signal),
  decisions: (query: Query, signal?: AbortSignal) => getJson<unknown>("/api/v1/scaling/decisions", query, signal),
  demo: (signal?: AbortSignal) => getJson<DemoState>("/api/v1/demo", {}, signal),
};
