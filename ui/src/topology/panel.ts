// The side panel of a clicked node: its golden signals in the frame (or live window) shown, how
// they moved over the replay's range (live: the last 15 minutes), and its recent slow and
// failed traces, each a link to the trace view.

import { api, type GraphReplay, type TraceSummary } from "../api";
import { sparkline } from "../charts/sparkline";
import { series, type TrafficSample } from "../frames/decode";
import { describe, element, empty, failed, isAbort, loading } from "../states";
import { lastMinutes } from "../time/range";
import type { Grouping } from "../url";
import { nodeRate, type NodeInfo } from "./graph";
import { formatMs, formatPercent, formatRate, healthGlyph } from "./style";

export interface PanelContext {
  groupBy: Grouping;
  byZone: boolean;
  /** The loaded replay in replay mode; null live (the panel then reads the last 15 minutes itself). */
  replay: GraphReplay | null;
  frameIndex: number | null;
  openTrace(traceId: string): void;
  close(): void;
}

const traceLimit = 8;

export class SidePanel {
  readonly root: HTMLElement;
  private readonly signals = element("dl", { class: "signals" });
  private readonly charts = element("div", { class: "charts" });
  private readonly traces = element("div", { class: "traces", "data-testid": "panel-traces" });
  private readonly heading = element("div", { class: "panel-heading" });
  private abort: AbortController | null = null;
  private nodeId: string | null = null;
  private history: GraphReplay | null = null;

  constructor(host: HTMLElement) {
    this.root = element("aside", { class: "side-panel", "data-testid": "side-panel", hidden: "" });
    host.append(this.root);
  }

  get openNode(): string | null {
    return this.nodeId;
  }

  open(info: NodeInfo, traffic: TrafficSample | null, context: PanelContext): void {
    this.abort?.abort();
    this.abort = new AbortController();
    const signal = this.abort.signal;
    this.nodeId = info.id;
    this.history = context.replay;
    this.root.hidden = false;
    this.root.dataset.node = info.id;
    const close = element("button", { type: "button", class: "close", "data-testid": "panel-close", "aria-label": "Close" }, "×");
    close.addEventListener("click", () => context.close());
    this.heading.replaceChildren(
      element("h2", {}, info.name),
      close,
      element(
        "p",
        { class: "muted" },
        [info.kind, info.namespace && `ns ${info.namespace}`, info.version && `version ${info.version}`, info.zone && `zone ${info.zone}`].filter(Boolean).join(" · "),
      ),
    );
    this.root.replaceChildren(
      this.heading,
      element("h3", {}, "Now"),
      this.signals,
      element("h3", {}, context.replay ? "Over the replay" : "Last 15 minutes"),
      this.charts,
      element("h3", {}, "Recent slow and failed traces"),
      this.traces,
    );
    this.showSignals(traffic);
    if (context.replay) {
      this.drawCharts(context.replay, info.id, context.frameIndex);
      void this.loadTraces(info, traffic, context.replay.from, context.replay.to, context, signal);
    } else {
      const range = lastMinutes(Date.now(), 15);
      loading(this.charts, "the last 15 minutes");
      void this.loadHistory(info, range, context, signal);
      void this.loadTraces(info, traffic, range.from, range.to, context, signal);
    }
  }

  /** New traffic for the open node (a frame or live diff), without reloading anything. */
  update(traffic: TrafficSample | null, frameIndex: number | null): void {
    this.showSignals(traffic);
    if (this.history && this.nodeId !== null && frameIndex !== null) this.drawCharts(this.history, this.nodeId, frameIndex);
  }

  close(): void {
    this.abort?.abort();
    this.abort = null;
    this.nodeId = null;
    this.history = null;
    this.root.hidden = true;
    delete this.root.dataset.node;
    this.root.replaceChildren();
  }

  private showSignals(t: TrafficSample | null): void {
    const rows: [string, string][] =
      t === null
        ? [["traffic", "none in this window"]]
        : [
            ["health", `${healthGlyph[t.health]} ${t.health}`],
            ["requests", `${formatRate(nodeRate(t))}${t.requests > 0 ? "" : " (sent)"}`],
            ["errors", `${formatPercent(t.errorRatio)} (5xx ${formatPercent(t.serverErrorRatio)}, 4xx ${formatPercent(t.clientErrorRatio)})`],
            ["latency", `p50 ${formatMs(t.p50)} · p95 ${formatMs(t.p95)} · p99 ${formatMs(t.p99)}`],
            ["mTLS", formatPercent(t.mtlsShare)],
          ];
    this.signals.replaceChildren(...rows.flatMap(([name, value]) => [element("dt", {}, name), element("dd", {}, value)]));
  }

  private series: { replay: GraphReplay; id: string; rate: number[]; errors: (number | null)[]; latency: (number | null)[] } | null = null;

  private drawCharts(replay: GraphReplay, id: string, marker: number | null): void {
    // Playing moves only the marker: the node's series are read from the replay once.
    if (this.series?.replay !== replay || this.series.id !== id) {
      const index = replay.nodes.findIndex((n) => n.id === id);
      if (index < 0) {
        this.series = null;
        empty(this.charts, "No traffic of this node in the range.");
        return;
      }
      this.series = {
        replay,
        id,
        rate: series(replay, "nodes", index, nodeRate).map((p) => p.value ?? 0),
        errors: series(replay, "nodes", index, (s) => (s.requests > 0 ? s.errorRatio * 100 : null)).map((p) => p.value),
        latency: series(replay, "nodes", index, (s) => s.p95).map((p) => p.value),
      };
    }
    const { rate, errors, latency } = this.series;
    this.charts.replaceChildren(
      chart("rate", sparkline(rate, { testid: "sparkline-rate", title: "requests/s", format: formatRate, marker })),
      chart("error %", sparkline(errors, { testid: "sparkline-errors", title: "error %", format: (v) => `${v.toFixed(1)}%`, marker })),
      chart("p95", sparkline(latency, { testid: "sparkline-latency", title: "p95", format: formatMs, marker })),
    );
  }

  private async loadHistory(info: NodeInfo, range: { from: string; to: string }, context: PanelContext, signal: AbortSignal): Promise<void> {
    try {
      const replay = await api.replay({ from: range.from, to: range.to, step: "30s", groupBy: context.groupBy, byZone: context.byZone }, signal);
      if (signal.aborted) return;
      this.drawCharts(replay, info.id, null);
    } catch (e) {
      if (!isAbort(e)) failed(this.charts, e);
    }
  }

  private async loadTraces(
    info: NodeInfo,
    traffic: TrafficSample | null,
    from: string,
    to: string,
    context: PanelContext,
    signal: AbortSignal,
  ): Promise<void> {
    loading(this.traces, "traces");
    // The node's own traces: its workload (or version) and zone, as far as the grouping names them.
    const known = (value: string) => (value === "" || value === "*" || value === "unknown" ? undefined : value);
    const base = {
      service: info.service || info.name,
      namespace: info.namespace,
      workload: context.groupBy === "workload" && (info.kind === "workload" || info.kind === "gateway") ? info.name : undefined,
      version: context.groupBy === "version" ? known(info.version) : undefined,
      zone: context.byZone ? known(info.zone) : undefined,
      from,
      to,
      limit: traceLimit,
    };
    try {
      // Slow means slower than the node's p95 now; without a p95 the slowest recent ones.
      const [failing, slow] = await Promise.all([
        api.traces({ ...base, errorsOnly: true }, signal),
        api.traces({ ...base, minDurationMs: traffic?.p95 ? Math.round(traffic.p95) : undefined }, signal),
      ]);
      if (signal.aborted) return;
      const seen = new Map<string, TraceSummary>();
      for (const t of [...failing.traces, ...slow.traces]) if (!seen.has(t.traceId)) seen.set(t.traceId, t);
      const list = [...seen.values()].sort((a, b) => (a.start < b.start ? 1 : a.start > b.start ? -1 : 0)).slice(0, traceLimit * 2);
      if (list.length === 0) {
        empty(this.traces, "No slow or failed traces in this range.");
        return;
      }
      const items = list.map((t) => {
        const link = element(
          "a",
          { href: `?view=trace&trace=${encodeURIComponent(t.traceId)}`, "data-trace": t.traceId },
          `${t.error ? "✖ " : ""}${t.name || t.service} · ${formatMs(t.durationMs)} · ${t.start.slice(11, 19)}`,
        );
        link.title = `${t.traceId}: ${t.spanCount} spans${t.error ? ", failed" : ""}`;
        link.addEventListener("click", (event) => {
          if (event.ctrlKey || event.metaKey || event.shiftKey) return;
          event.preventDefault();
          context.openTrace(t.traceId);
        });
        return element("li", { class: t.error ? "failed" : "" }, link);
      });
      this.traces.replaceChildren(element("ul", {}, ...items));
    } catch (e) {
      if (isAbort(e)) return;
      failed(this.traces, new Error(`Trace search failed: ${describe(e)}`));
    }
  }
}

function chart(name: string, svg: SVGSVGElement): HTMLElement {
  return element("figure", {}, element("figcaption", {}, name), svg);
}
