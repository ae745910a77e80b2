// One trace as `GET /api/v1/traces/{id}` answers it (store/TelemetryQueries.cs StoredSpan, camelCase)
// and the waterfall layout: spans nested under their parents, each bar placed by its start and
// duration relative to the whole trace.

export interface SpanEvent {
  timestamp: string;
  name: string;
  attributes: Record<string, string>;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Record<string, string>;
}

export interface TraceSpan {
  /** ISO 8601 with up to 7 fractional digits (100 ns), e.g. 2026-11-21T10:00:00.1234567+00:00. */
  timestamp: string;
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: string;
  service: string;
  resourceAttributes: Record<string, string>;
  scopeName: string;
  scopeVersion: string;
  attributes: Record<string, string>;
  durationNanos: number;
  /** Unset, Ok or Error. */
  statusCode: string;
  statusMessage: string;
  events: SpanEvent[];
  links: SpanLink[];
}

export interface TraceAnswer {
  traceId: string;
  spans: TraceSpan[];
}

/** The rule the API applies (32 hex digits, not all zero), checked before asking it. */
export function traceIdProblem(id: string): string | null {
  return /^[0-9a-fA-F]{32}$/.test(id) && !/^0+$/.test(id) ? null : `trace id '${id}' must be 32 hex digits, not all zero`;
}

/**
 * An instant split into whole epoch milliseconds and the nanoseconds below them, because the
 * store keeps 100 ns and a double of epoch nanoseconds would lose them.
 */
export interface Instant {
  ms: number;
  nanos: number;
}

export function parseInstant(text: string): Instant {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?$/.exec(text);
  if (!match) {
    const ms = Date.parse(text);
    return { ms: Number.isNaN(ms) ? 0 : ms, nanos: 0 };
  }
  const seconds = Date.parse(`${match[1]}${match[3] ?? "Z"}`);
  const fraction = (match[2] ?? "").padEnd(9, "0").slice(0, 9);
  const ms = Number(fraction.slice(0, 3));
  return { ms: seconds + ms, nanos: Number(fraction.slice(3)) };
}

/** b − a in milliseconds, exact to the nanosecond for any span of a trace. */
export function millisBetween(a: Instant, b: Instant): number {
  return b.ms - a.ms + (b.nanos - a.nanos) / 1e6;
}

export function isError(span: TraceSpan): boolean {
  return /error/i.test(span.statusCode);
}

function hasParent(span: TraceSpan): boolean {
  return span.parentSpanId !== "" && !/^0+$/.test(span.parentSpanId);
}

export interface WaterfallRow {
  span: TraceSpan;
  depth: number;
  /** From the trace's first start to this span's start. */
  offsetMs: number;
  durationMs: number;
  /** Bar position as shares of the trace's duration, 0..1. */
  left: number;
  width: number;
  /** Its parent is named but not in the trace (not received, or dropped). */
  orphan: boolean;
  error: boolean;
  /** Index into Waterfall.services: the colour of the service. */
  serviceIndex: number;
}

export interface Waterfall {
  rows: WaterfallRow[];
  /** From the first start to the last end. */
  durationMs: number;
  start: Instant;
  /** Services in order of first appearance in the rows. */
  services: string[];
  errors: number;
  orphans: number;
}

/**
 * Depth-first from the roots (spans without a parent, and orphans whose parent is missing), children
 * by start time then span id, so the rows read top to bottom as the trace happened. A cycle of
 * parents (bad data) is broken at its earliest span, which is shown as an orphan; every span is
 * shown exactly once.
 */
export function layoutWaterfall(spans: readonly TraceSpan[]): Waterfall {
  const starts = new Map<TraceSpan, Instant>(spans.map((s) => [s, parseInstant(s.timestamp)]));
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, TraceSpan[]>();
  const roots: TraceSpan[] = [];
  for (const span of spans) {
    if (hasParent(span) && ids.has(span.parentSpanId) && span.parentSpanId !== span.spanId) {
      const list = children.get(span.parentSpanId) ?? [];
      list.push(span);
      children.set(span.parentSpanId, list);
    } else {
      roots.push(span);
    }
  }
  const byStart = (a: TraceSpan, b: TraceSpan) => millisBetween(starts.get(b)!, starts.get(a)!) || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0);

  let first: Instant | null = null;
  let durationMs = 0;
  for (const span of spans) {
    const start = starts.get(span)!;
    if (first === null || millisBetween(first, start) < 0) first = start;
  }
  const origin = first ?? { ms: 0, nanos: 0 };
  for (const span of spans) {
    durationMs = Math.max(durationMs, millisBetween(origin, starts.get(span)!) + span.durationNanos / 1e6);
  }

  const rows: WaterfallRow[] = [];
  const services: string[] = [];
  const placed = new Set<TraceSpan>();
  const place = (span: TraceSpan, depth: number, orphan: boolean) => {
    // An explicit stack: a deep trace must not overflow the call stack.
    const stack: { span: TraceSpan; depth: number; orphan: boolean }[] = [{ span, depth, orphan }];
    while (stack.length > 0) {
      const item = stack.pop()!;
      if (placed.has(item.span)) continue;
      placed.add(item.span);
      const offsetMs = millisBetween(origin, starts.get(item.span)!);
      const spanMs = item.span.durationNanos / 1e6;
      let serviceIndex = services.indexOf(item.span.service);
      if (serviceIndex < 0) serviceIndex = services.push(item.span.service) - 1;
      rows.push({
        span: item.span,
        depth: item.depth,
        offsetMs,
        durationMs: spanMs,
        left: durationMs > 0 ? offsetMs / durationMs : 0,
        width: durationMs > 0 ? spanMs / durationMs : 0,
        orphan: item.orphan,
        error: isError(item.span),
        serviceIndex,
      });
      const kids = [...(children.get(item.span.spanId) ?? [])].sort(byStart).reverse();
      for (const kid of kids) stack.push({ span: kid, depth: item.depth + 1, orphan: false });
    }
  };
  for (const root of [...roots].sort(byStart)) place(root, 0, hasParent(root));
  for (const span of [...spans].sort(byStart)) if (!placed.has(span)) place(span, 0, true);

  return {
    rows,
    durationMs,
    start: origin,
    services,
    errors: rows.filter((r) => r.error).length,
    orphans: rows.filter((r) => r.orphan).length,
  };
}
