// Autoscaler: the controller and, per ScalingPolicy, demand vs capacity vs replicas over time with
// the decisions that changed (or would have changed) the count, and why. Re-read every 10 s; the
// cards are keyed by policy and updated in place, so a refresh does not flicker.

import { api } from "../api";
import { formatPercent } from "../charts/axis";
import { createChart, fitFrom, renderTimeseries, type Marker } from "../charts/timeseries";
import { probe, type ViewContext } from "../context";
import { placeCards } from "./cards";
import { historyChoice } from "./history";
import { refresher } from "./refresher";
import { describe, element, empty, failed, isAbort, loading } from "../states";
import {
  decisionTitle,
  describeOutcome,
  finite,
  listedDecisions,
  policyKey,
  scalingSeries,
  targetQuery,
  type Decision,
  type DecisionsAnswer,
  type PoliciesAnswer,
  type PolicyCondition,
  type PolicyState,
} from "./scaling-data";

const refreshMs = 10_000;
/** Decisions read per policy and refresh: a 15 s tick writes 240 an hour. */
const decisionLimit = 10_000; // the API's most: six hours of 5 s ticks fit

const ranges = [
  { value: "15m", label: "last 15 minutes", ms: 15 * 60_000 },
  { value: "1h", label: "last hour", ms: 3_600_000 },
  { value: "6h", label: "last 6 hours", ms: 6 * 3_600_000 },
] as const;

const colours = { demand: "#0072b2", forecast: "#56b4e9", capacity: "#009e73", replicas: "#cc79a7" };

interface CardView {
  root: HTMLElement;
  head: HTMLElement;
  chart: SVGSVGElement;
  chartNote: HTMLElement;
  list: HTMLOListElement;
}

export function mount(root: HTMLElement, context: ViewContext): () => void {
  const cards = new Map<string, CardView>();

  const history = historyChoice("autoscaler-range", ranges, "1h", context, () => refresh.now());
  const controllerStatus = element("span", { class: "muted", "data-testid": "controller-status" });
  const notice = element("div", { class: "notice" });
  const body = element("div", { class: "cards wide" });
  root.append(
    element("header", { class: "view-head" }, element("h2", {}, "Autoscaler"), element("label", {}, "Range ", history.select), controllerStatus),
    notice,
    body,
  );
  loading(body, "scaling policies");

  body.addEventListener("click", (event) => {
    const target = event.target as HTMLElement;
    if (target.closest("a,button,summary")) return;
    const card = target.closest<HTMLElement>("[data-testid=policy-card]");
    if (card?.dataset.policy) context.update({ policy: card.dataset.policy });
  });
  const unsubscribe = context.onState((state, previous) => {
    if (state.policy !== previous.policy) markSelected(true);
  });

  function markSelected(scroll: boolean): void {
    for (const [key, view] of cards) {
      const on = key === context.state.policy;
      view.root.classList.toggle("selected", on);
      view.root.setAttribute("aria-selected", String(on));
      if (on && scroll && typeof view.root.scrollIntoView === "function") view.root.scrollIntoView({ block: "nearest" });
    }
  }

  const refresh = refresher(
    refreshMs,
    async (signal) => {
      const answer = (await api.policies(signal)) as PoliciesAnswer;
      notice.replaceChildren();
      if (!showPolicies(answer)) return;
      const to = new Date();
      const from = new Date(to.getTime() - history.ms());
      await Promise.all(answer.policies.map((p) => showDecisions(p, from, to, signal)));
    },
    (error) => {
      if (cards.size === 0) failed(body, error);
      else failed(notice, error);
    },
    (first) => {
      if (first) markSelected(true);
      probe.ready = true;
    },
  );

  /** Returns whether there are policies to read decisions for. */
  function showPolicies(answer: PoliciesAnswer): boolean {
    const c = answer.controller;
    if (!c) {
      controllerStatus.textContent = "no controller";
      cards.clear();
      empty(body, answer.message ?? "No Kubernetes cluster is configured, so nothing is scaled.");
      return false;
    }
    controllerStatus.textContent = c.leading
      ? `controller ${c.identity} · leading`
      : `controller ${c.identity} · not leading${c.leader ? ` (leader: ${c.leader})` : ""}`;
    if (answer.policies.length === 0) {
      cards.clear();
      empty(body, "The controller runs no ScalingPolicy. Apply one (README \"Scaling policies\") to see its decisions here.");
      return false;
    }
    placeCards(body, cards, answer.policies, policyKey, createCard, fillHead);
    markSelected(false);
    return true;
  }

  async function showDecisions(policy: PolicyState, from: Date, to: Date, signal: AbortSignal): Promise<void> {
    const view = cards.get(policyKey(policy));
    if (!view) return;
    let answer: DecisionsAnswer;
    try {
      answer = (await api.decisions({ target: targetQuery(policy), from: from.toISOString(), to: to.toISOString(), limit: decisionLimit }, signal)) as DecisionsAnswer;
    } catch (error) {
      if (isAbort(error)) throw error;
      view.chartNote.replaceChildren(element("span", { class: "state error", "data-testid": "error" }, `decisions: ${describe(error)}`));
      return;
    }
    // Another policy on the same target would share the answer; each card shows its own policy's.
    const decisions = answer.decisions.filter((d) => d.policy.namespace === policy.namespace && d.policy.name === policy.name);
    drawChart(view, decisions, from.getTime(), to.getTime());
    fillList(view, decisions);
    view.chartNote.textContent =
      decisions.length === 0
        ? "No decisions in this range yet."
        : answer.decisions.length >= decisionLimit
          ? `Showing the newest ${decisionLimit} decisions.`
          : "";
  }

  refresh.now();
  return () => {
    history.dispose();
    refresh.stop();
    unsubscribe();
  };
}

function createCard(policy: PolicyState): CardView {
  const key = policyKey(policy);
  const root = element("article", { class: "card policy", "data-testid": "policy-card", "data-policy": key, "data-mode": policy.mode, tabindex: "0" });
  const head = element("div", { class: "card-body" });
  const chart = createChart("scaling-chart", `${key}: demand, capacity and replicas over time`);
  const chartNote = element("div", { class: "muted chart-note" });
  const list = element("ol", { class: "decisions", "data-testid": "decision-list" });
  root.append(head, element("div", { class: "chart-box" }, chart), chartNote, element("h4", {}, "Decisions (newest first)"), list);
  return { root, head, chart, chartNote, list };
}

function fillHead(view: CardView, policy: PolicyState): void {
  view.root.dataset.mode = policy.mode;
  const title = element("h3", {}, policyKey(policy));
  if (policy.mode === "dryRun") title.append(" ", element("span", { class: "badge dry-run", "data-testid": "dry-run-badge", title: "dryRun: decisions are recorded, replicas are not changed" }, "dry run"));
  const target = policy.target ? `${policy.target.kind} ${policy.target.namespace ?? policy.namespace}/${policy.target.name}` : "target unknown";
  const counts = element(
    "div",
    { class: "figures" },
    element("div", {}, element("span", { class: "muted" }, "replicas "), element("strong", { "data-testid": "policy-current" }, policy.current === null ? "–" : String(policy.current))),
    element("div", {}, element("span", { class: "muted" }, policy.mode === "dryRun" ? "would want " : "desired "), element("strong", { "data-testid": "policy-desired" }, policy.desired === null ? "–" : String(policy.desired))),
    element("div", { class: "muted" }, `last scaled ${time(policy.lastScaleTime)} · last decision ${time(policy.lastDecisionTime)}`),
  );
  const parts: (HTMLElement | string)[] = [title, element("div", { class: "muted" }, `${target} · mode ${policy.mode}`), counts, conditionsOf(policy.conditions)];
  if (policy.problem) parts.push(element("div", { class: "state error", "data-testid": "policy-problem" }, policy.problem));
  if (policy.reasons.length > 0) parts.push(element("ul", { class: "reasons" }, ...policy.reasons.map((r) => element("li", {}, element("code", {}, r.code), ` ${r.message}`))));
  view.head.replaceChildren(...parts);
}

/** Active and AbleToScale are good when True; ScalingLimited and Conflict are worth a look when True. */
function conditionsOf(conditions: PolicyCondition[]): HTMLElement {
  const order = ["Active", "AbleToScale", "ScalingLimited", "Conflict"];
  const rank = (c: PolicyCondition) => (order.includes(c.type) ? order.indexOf(c.type) : order.length);
  const sorted = [...conditions].sort((a, b) => rank(a) - rank(b));
  const items = sorted.map((c) => {
    const positive = c.type === "Active" || c.type === "AbleToScale";
    const tone = c.status === "Unknown" ? "idle" : (c.status === "True") === positive ? "healthy" : positive ? "failing" : "degraded";
    const icon = tone === "healthy" ? "✓" : tone === "idle" ? "?" : tone === "failing" ? "✖" : "▲";
    const item = element(
      "li",
      { class: `condition ${tone}`, "data-testid": "policy-condition", "data-type": c.type, "data-status": c.status },
      element("span", { "aria-hidden": "true" }, icon),
      ` ${c.type}=${c.status} `,
      element("span", { class: "muted" }, c.reason),
    );
    item.title = `${c.message} (since ${c.lastTransitionTime})`;
    return item;
  });
  return element("ul", { class: "conditions" }, ...items);
}

function drawChart(view: CardView, decisions: Decision[], from: number, to: number): void {
  const series = scalingSeries(decisions);
  const markers: Marker[] = series.markers.map((m) => ({
    t: m.t,
    title: m.title,
    kind: m.outcome,
    hollow: m.dryRun,
    label: m.label,
    attributes: { "data-testid": "decision-marker", "data-outcome": m.outcome },
  }));
  renderTimeseries(view.chart, {
    from: fitFrom(from, to, series.replicas[0]?.t ?? null),
    to,
    width: 760,
    height: 220,
    series: [
      { id: "demand", label: "demand", color: colours.demand, points: series.demand },
      { id: "forecast", label: "forecast", color: colours.forecast, points: series.forecast, dash: "2 3" },
      { id: "capacity", label: "capacity", color: colours.capacity, points: series.capacity, dash: "6 3" },
      { id: "replicas", label: "replicas", color: colours.replicas, points: series.replicas, axis: "right", step: true },
    ],
    left: { label: "requests/s", format: compact, include: [0] },
    right: { label: "replicas", format: (v) => (Number.isInteger(v) ? String(v) : ""), include: [0] },
    markers,
  });
}

function fillList(view: CardView, decisions: Decision[]): void {
  const rows = listedDecisions(decisions).map((d) => {
    const li = element("li", { class: `decision ${d.outcome}`, "data-testid": "decision-row", "data-outcome": d.outcome });
    li.title = decisionTitle(d);
    const burn = d.signals?.slo ? ` · budget left ${formatPercent(finite(d.signals.slo.budgetRemaining), 1)}` : "";
    li.append(
      element("span", { class: "muted" }, time(d.time)),
      " ",
      element("strong", {}, describeOutcome(d)),
      element("span", { class: "muted" }, burn),
    );
    if (d.message) li.append(element("div", { class: "decision-message" }, d.message));
    li.append(element("ul", { class: "reasons" }, ...d.reasons.map((r) => element("li", {}, element("code", {}, r.code), ` ${r.message}`))));
    return li;
  });
  view.list.replaceChildren(...rows);
}

function compact(v: number): string {
  if (Math.abs(v) >= 1000) return `${Number((v / 1000).toFixed(1))}k`;
  return String(Number(v.toFixed(2)));
}

function time(iso: string | null): string {
  if (!iso) return "never";
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : `${new Date(t).toISOString().slice(11, 19)} UTC`;
}
