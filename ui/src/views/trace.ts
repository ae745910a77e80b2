// Trace: the waterfall of one trace by id. Rows nest by parent; bars sit where the span ran within
// the trace; a click shows the span's attributes, events and links.

import { api } from "../api";
import { formatDuration, valueTicks } from "../charts/axis";
import { probe, type ViewContext } from "../context";
import { element, empty, failed, isAbort, loading } from "../states";
import { layoutWaterfall, millisBetween, parseInstant, traceIdProblem, type TraceAnswer, type Waterfall, type WaterfallRow } from "./trace-data";

/** Okabe–Ito hues for services; vermillion is kept for errors. */
const serviceColours = ["#0072b2", "#009e73", "#e69f00", "#56b4e9", "#cc79a7", "#f0e442", "#999999", "#332288"];

export function serviceColour(index: number): string {
  return serviceColours[index % serviceColours.length]!;
}

export function mount(root: HTMLElement, context: ViewContext): () => void {
  let controller = new AbortController();
  const input = element("input", {
    "data-testid": "trace-input",
    type: "text",
    placeholder: "trace id (32 hex digits)",
    "aria-label": "trace id",
    spellcheck: "false",
    autocomplete: "off",
    size: "36",
  });
  const open = element("button", { "data-testid": "trace-open", type: "submit" }, "Open");
  const form = element("form", { class: "trace-form" }, input, open);
  const body = element("div", { class: "trace-body" });
  root.append(element("header", { class: "view-head" }, element("h2", {}, "Trace"), form), body);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const id = input.value.trim().toLowerCase();
    if (id === (context.state.trace ?? "")) void show(id);
    else context.update({ trace: id.length > 0 ? id : null });
  });
  const unsubscribe = context.onState((state, previous) => {
    if (state.trace !== previous.trace) void show(state.trace ?? "");
  });

  async function show(id: string): Promise<void> {
    controller.abort();
    controller = new AbortController();
    const signal = controller.signal;
    input.value = id;
    try {
      if (id.length === 0) {
        await showRecent(signal);
        return;
      }
      const problem = traceIdProblem(id);
      if (problem) {
        failed(body, new Error(problem)); // not sent: the API would refuse it with the same words
        return;
      }
      loading(body, `trace ${id}`);
      const answer = (await api.trace(id, signal)) as unknown as TraceAnswer;
      if (answer.spans.length === 0) empty(body, `Trace ${id} has no spans.`);
      else body.replaceChildren(renderWaterfall(answer, layoutWaterfall(answer.spans)));
    } catch (error) {
      if (isAbort(error)) return;
      failed(body, error); // the API's 404 and 400 texts name the trace id

    } finally {
      if (!signal.aborted) probe.ready = true;
    }
  }

  /** Without an id, the newest traces of the last 15 minutes, so there is always one to open. */
  async function showRecent(signal: AbortSignal): Promise<void> {
    loading(body, "recent traces");
    const { traces } = await api.traces({ limit: 20 }, signal);
    if (traces.length === 0) {
      empty(body, "No traces in the last 15 minutes. Enter a trace id to see its spans as a waterfall.");
      return;
    }
    const items = traces.map((t) =>
      element(
        "li",
        { "data-testid": "recent-trace", class: t.error ? "error" : "" },
        element("a", { href: `?view=trace&trace=${t.traceId}`, "data-trace": t.traceId }, t.error ? "✖ " : "", `${t.service} ${t.name}`),
        element("span", { class: "muted" }, ` ${formatDuration(t.durationMs)} · ${t.spanCount} spans · ${t.start}`),
      ),
    );
    const list = element("ol", { class: "recent-traces", "data-testid": "recent-traces" }, ...items);
    list.addEventListener("click", (event) => {
      const link = (event.target as HTMLElement).closest<HTMLAnchorElement>("a[data-trace]");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      context.update({ trace: link.dataset.trace! });
    });
    body.replaceChildren(element("h3", {}, "Recent traces (newest first; ✖ failed)"), list);
  }

  void show(context.state.trace ?? "");
  return () => {
    controller.abort();
    unsubscribe();
  };
}

function renderWaterfall(answer: TraceAnswer, waterfall: Waterfall): HTMLElement {
  const detail = element("aside", { class: "span-detail", "data-testid": "span-detail", hidden: "" });
  const summary = element(
    "div",
    { class: "trace-summary" },
    element("code", {}, answer.traceId),
    ` · ${waterfall.rows.length} spans · ${waterfall.services.length} services · ${formatDuration(waterfall.durationMs)}`,
    waterfall.errors > 0 ? element("span", { class: "error-text" }, ` · ✖ ${waterfall.errors} with errors`) : "",
    waterfall.orphans > 0 ? element("span", { class: "muted" }, ` · ${waterfall.orphans} without their parent in the trace`) : "",
  );
  const legend = element(
    "div",
    { class: "trace-legend" },
    ...waterfall.services.map((s, i) => element("span", { class: "service-key" }, element("i", { style: `background:${serviceColour(i)}` }), s)),
  );

  const axis = element("div", { class: "wf-row wf-axis", "aria-hidden": "true" }, element("div", { class: "wf-name" }, "span"));
  const scale = element("div", { class: "wf-track" });
  if (waterfall.durationMs > 0) {
    for (const tick of valueTicks(0, waterfall.durationMs, 5).ticks.filter((t) => t <= waterfall.durationMs)) {
      scale.append(element("span", { class: "wf-tick", style: `left:${((tick / waterfall.durationMs) * 100).toFixed(3)}%` }, formatDuration(tick)));
    }
  }
  axis.append(scale);

  const rows = waterfall.rows.map((row) => renderRow(row));
  const list = element("div", { class: "waterfall", "data-testid": "waterfall", role: "list" }, axis, ...rows);

  const select = (rowElement: HTMLElement | null) => {
    if (!rowElement) return;
    const row = waterfall.rows.find((r) => r.span.spanId === rowElement.dataset.spanId);
    if (!row) return;
    for (const r of rows) r.setAttribute("aria-selected", String(r === rowElement));
    fillDetail(detail, row, waterfall);
  };
  list.addEventListener("click", (event) => select((event.target as HTMLElement).closest<HTMLElement>("[data-testid=span-row]")));
  list.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault();
    select((event.target as HTMLElement).closest<HTMLElement>("[data-testid=span-row]"));
  });
  return element("div", { class: "trace-layout" }, element("div", { class: "trace-main" }, summary, legend, list), detail);
}

function renderRow(row: WaterfallRow): HTMLElement {
  const span = row.span;
  const colour = serviceColour(row.serviceIndex);
  const name = element(
    "div",
    { class: "wf-name", style: `padding-left:${6 + row.depth * 14}px` },
    row.error ? element("span", { class: "error-icon", title: "error" }, "✖ ") : "",
    element("span", { class: "wf-service", style: `border-color:${colour}` }, span.service),
    ` ${span.name}`,
  );
  if (row.orphan) name.append(element("span", { class: "badge orphan", title: `parent ${span.parentSpanId} is not in this trace` }, "no parent"));
  const bar = element("div", {
    class: "wf-bar",
    style: `left:${(row.left * 100).toFixed(3)}%;width:${(row.width * 100).toFixed(3)}%;background:${colour}`,
  });
  const label = element("span", { class: "wf-duration", style: `left:${((row.left + row.width) * 100).toFixed(3)}%` }, formatDuration(row.durationMs)); // the track keeps a margin for the last label
  const el = element(
    "div",
    {
      class: `wf-row span-row${row.error ? " error" : ""}`,
      "data-testid": "span-row",
      "data-span-id": span.spanId,
      "data-depth": String(row.depth),
      role: "listitem",
      tabindex: "0",
      "aria-selected": "false",
    },
    name,
    element("div", { class: "wf-track" }, bar, label),
  );
  el.title = `${span.service} ${span.name}: ${formatDuration(row.durationMs)} from +${formatDuration(row.offsetMs)}${row.error ? ` · error ${span.statusMessage}` : ""}`;
  return el;
}

function fillDetail(detail: HTMLElement, row: WaterfallRow, waterfall: Waterfall): void {
  const span = row.span;
  const fields: [string, string][] = [
    ["service", span.service],
    ["name", span.name],
    ["kind", span.kind],
    ["span id", span.spanId],
    ["parent", span.parentSpanId || "(root)"],
    ["start", `${span.timestamp} (+${formatDuration(row.offsetMs)})`],
    ["duration", formatDuration(row.durationMs)],
    ["status", `${span.statusCode}${span.statusMessage ? `: ${span.statusMessage}` : ""}`],
    ["scope", `${span.scopeName} ${span.scopeVersion}`.trim()],
  ];
  const parts: HTMLElement[] = [
    element("h3", {}, row.error ? "✖ " : "", span.name),
    table("span", fields),
    table("attributes", Object.entries(span.attributes ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))),
    table("resource", Object.entries(span.resourceAttributes ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))),
  ];
  if (span.events?.length > 0) {
    parts.push(
      table(
        "events",
        span.events.map((e) => [
          `+${formatDuration(millisBetween(waterfall.start, parseInstant(e.timestamp)))}`,
          `${e.name}${Object.keys(e.attributes).length > 0 ? ` ${Object.entries(e.attributes).map(([k, v]) => `${k}=${v}`).join(" ")}` : ""}`,
        ]),
      ),
    );
  }
  if (span.links?.length > 0) parts.push(table("links", span.links.map((l) => [l.spanId, l.traceId])));
  detail.hidden = false;
  detail.replaceChildren(...parts);
}

function table(caption: string, rows: [string, string][]): HTMLElement {
  const t = element("table", { class: "kv" }, element("caption", {}, caption));
  if (rows.length === 0) t.append(element("tr", {}, element("td", { class: "muted" }, "none")));
  for (const [k, v] of rows) t.append(element("tr", {}, element("th", {}, k), element("td", {}, v)));
  return t;
}
