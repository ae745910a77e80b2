// SLOs: one card per objective with its SLI, target, error budget, burn-rate state and history.
// Cards are keyed and updated in place on refresh, so the page neither flickers nor jumps.

import { api } from "../api";
import { formatPercent } from "../charts/axis";
import { renderBudget } from "../charts/budget";
import { createChart, fitFrom, renderTimeseries } from "../charts/timeseries";
import { probe, type ViewContext } from "../context";
import { placeCards } from "./cards";
import { historyChoice } from "./history";
import { refresher } from "./refresher";
import { describe, element, empty, failed, isAbort, loading } from "../states";
import {
  burnTone,
  burnsByWindow,
  cardsOf,
  formatBurn,
  historySeries,
  type SloCard,
  type SloHistory,
  type SloList,
} from "./slo-data";

/** The list is re-read this often; the SLO engine evaluates every Slo:Interval (default 30 s). */
const refreshMs = 30_000;

const ranges = [
  { value: "1h", label: "last hour", ms: 3_600_000 },
  { value: "6h", label: "last 6 hours", ms: 6 * 3_600_000 },
  { value: "24h", label: "last 24 hours", ms: 24 * 3_600_000 },
  { value: "7d", label: "last 7 days", ms: 7 * 24 * 3_600_000 },
] as const;

const colours = { sli: "#0072b2", budget: "#009e73", target: "#d55e00" };

interface CardView {
  root: HTMLElement;
  body: HTMLElement;
  chart: SVGSVGElement;
  note: HTMLElement;
}

export function mount(root: HTMLElement, context: ViewContext): () => void {
  const cards = new Map<string, CardView>();
  let shownCards: SloCard[] = [];

  const history = historyChoice("slo-range", ranges, "6h", context, () => refresh.now());
  const status = element("span", { class: "muted" });
  const notice = element("div", { class: "notice" });
  const findings = element("div", { class: "findings" });
  const body = element("div", { class: "cards" });
  root.append(
    element("header", { class: "view-head" }, element("h2", {}, "SLOs"), element("label", {}, "History ", history.select), status),
    notice,
    findings,
    body,
  );
  loading(body, "SLOs");

  body.addEventListener("click", (event) => {
    const card = (event.target as HTMLElement).closest<HTMLElement>("[data-testid=slo-card]");
    if (card?.dataset.slo) context.update({ slo: card.dataset.slo });
  });
  body.addEventListener("keydown", (event) => {
    const card = (event.target as HTMLElement).closest<HTMLElement>("[data-testid=slo-card]");
    if (card?.dataset.slo && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      context.update({ slo: card.dataset.slo });
    }
  });
  const unsubscribe = context.onState((state, previous) => {
    if (state.slo !== previous.slo) markSelected(true);
  });

  function markSelected(scroll: boolean): void {
    const selected = context.state.slo;
    let first: HTMLElement | null = null;
    for (const view of cards.values()) {
      const on = view.root.dataset.slo === selected;
      view.root.classList.toggle("selected", on);
      view.root.setAttribute("aria-selected", String(on));
      if (on && !first) first = view.root;
    }
    if (scroll && first && typeof first.scrollIntoView === "function") first.scrollIntoView({ block: "nearest" });
  }

  const refresh = refresher(
    refreshMs,
    async (signal) => {
      const list = (await api.slos(signal)) as SloList;
      showList(list);
      const to = new Date();
      const from = new Date(to.getTime() - history.ms());
      await Promise.all(list.slos.map((slo) => showHistory(slo.name, from, to, signal)));
    },
    (error) => {
      if (cards.size === 0) failed(body, error);
      else failed(notice, error); // keep what is shown; say the refresh failed and why
    },
    (first) => {
      if (first) markSelected(true);
      probe.ready = true;
    },
  );

  function showList(list: SloList): void {
    status.textContent = list.evaluatedAt ? `evaluated ${new Date(list.evaluatedAt).toISOString().slice(11, 19)} UTC` : "not evaluated yet";
    notice.replaceChildren();
    if (list.error) notice.append(element("div", { class: "state error", "data-testid": "error", role: "alert" }, `The last evaluation failed: ${list.error}`));
    showFindings(list);

    shownCards = cardsOf(list);
    if (shownCards.length === 0) {
      cards.clear();
      empty(body, `No SLOs are loaded${list.directory ? ` from ${list.directory}` : ""}. Put OpenSLO or ASM YAML files there (README "SLO files").`);
      return;
    }
    placeCards(body, cards, shownCards, (card) => card.key, createCard, fillCard);
    markSelected(false);
  }

  function showFindings(list: SloList): void {
    if (list.findings.length === 0) {
      findings.replaceChildren();
      return;
    }
    const items = list.findings.map((f) =>
      element("li", { class: `finding ${f.severity}` }, `${f.file}:${f.line}:${f.column}: ${f.severity}: ${f.message}`),
    );
    findings.replaceChildren(
      element("details", { "data-testid": "slo-findings", open: "" }, element("summary", {}, `${list.findings.length} finding(s) in the SLO files`), element("ul", {}, ...items)),
    );
  }

  async function showHistory(name: string, from: Date, to: Date, signal: AbortSignal): Promise<void> {
    const views = shownCards.filter((c) => c.slo.name === name && c.objective);
    if (views.length === 0) return;
    let history: SloHistory;
    try {
      history = (await api.sloHistory(name, { from: from.toISOString(), to: to.toISOString() }, signal)) as SloHistory;
    } catch (error) {
      if (isAbort(error)) throw error;
      for (const c of views) {
        const view = cards.get(c.key);
        if (view) view.note.replaceChildren(element("span", { class: "state error", "data-testid": "error" }, `history: ${describe(error)}`));
      }
      return;
    }
    for (const c of views) {
      const view = cards.get(c.key);
      if (!view || !c.objective) continue;
      const { sli, budget } = historySeries(history, c.objective.name);
      const target = c.objective.target;
      renderTimeseries(view.chart, {
        from: fitFrom(from.getTime(), to.getTime(), sli[0]?.t ?? null),
        to: to.getTime(),
        width: 560,
        height: 170,
        series: [
          { id: "sli", label: "SLI", color: colours.sli, points: sli },
          { id: "budget", label: "budget left", color: colours.budget, points: budget, axis: "right", dash: "5 3" },
        ],
        left: { label: "SLI", format: (v) => formatPercent(v, 3), include: [target], ceiling: 1 },
        right: { label: "budget left", format: (v) => formatPercent(v, 0), include: [0, 1], ceiling: 1 },
        thresholds: [{ value: target, label: `target ${formatPercent(target)}`, color: colours.target }],
      });
      view.note.textContent = sli.length === 0 ? "No evaluations stored in this range yet." : "";
    }
  }

  refresh.now();
  return () => {
    history.dispose();
    refresh.stop();
    unsubscribe();
  };
}

function createCard(card: SloCard): CardView {
  const root = element("article", { class: "card slo", "data-testid": "slo-card", "data-slo": card.slo.name, tabindex: "0" });
  if (card.objective) root.dataset.objective = card.objective.name;
  const bodyPart = element("div", { class: "card-body" });
  const chart = createChart("slo-history", `${card.slo.name}: SLI and error budget over time`);
  const note = element("div", { class: "muted chart-note" });
  root.append(bodyPart, element("div", { class: "chart-box" }, chart), note);
  return { root, body: bodyPart, chart, note };
}

function fillCard(view: CardView, card: SloCard): void {
  const { slo, objective } = card;
  const title = element("h3", {}, slo.displayName || slo.name);
  if (objective && objective.name && slo.objectives.length > 1) title.append(element("span", { class: "muted" }, ` · ${objective.name}`));
  const meta = element("div", { class: "muted" }, `service ${slo.service} · ${slo.window} · ${slo.budgeting}`);
  meta.title = slo.source;
  if (!objective) {
    view.body.replaceChildren(title, meta, element("div", { class: "muted" }, "Not evaluated yet."));
    return;
  }
  const burn = burnTone(objective.alert.state);
  const windows = burnsByWindow(objective.burnRates).map((b) => element("span", { class: "burn-window" }, `${b.window} ${formatBurn(b.rate)}`));
  const firing = objective.alert.conditions.filter((c) => c.firing).map((c) => `${c.name} (${c.severity}, ≥ ${c.threshold}× over ${c.longWindow} and ${c.shortWindow})`);
  const burnBox = element(
    "div",
    { class: `burn ${burn.tone}`, "data-testid": "slo-burn", "data-state": objective.alert.state },
    element("span", { class: "burn-state", "aria-hidden": "true" }, burn.icon),
    element("strong", {}, burn.text),
    ...windows,
  );
  burnBox.title = firing.length > 0 ? `firing: ${firing.join("; ")}` : `since ${objective.alert.since}`;
  view.body.replaceChildren(
    title,
    meta,
    element(
      "div",
      { class: "figures" },
      element("div", {}, element("span", { class: "muted" }, "SLI "), element("strong", { "data-testid": "slo-sli" }, objective.sli === null ? "no traffic" : formatPercent(objective.sli, 3))),
      element("div", {}, element("span", { class: "muted" }, "target "), element("strong", { "data-testid": "slo-target" }, formatPercent(objective.target, 4))),
      element("div", { class: "muted" }, `${objective.good.toLocaleString("en")} good of ${objective.total.toLocaleString("en")}`),
    ),
    renderBudget(objective.budget.remaining, objective.budget.remainingMinutes),
    burnBox,
  );
}
