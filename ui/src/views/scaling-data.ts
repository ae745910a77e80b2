// The autoscaler's answers (collector/Api/ScalingApi.cs with autoscaler/Control/DecisionJson.cs:
// camelCase names, enums as camelCase strings, durations in seconds, and ±Infinity / NaN written as
// strings where the scaler could not bound a figure) and the series the autoscaler view draws.

import type { Point } from "../charts/timeseries";

/** A figure as DecisionJson writes it: a number, or "Infinity" / "-Infinity" / "NaN" as a string. */
export type Figure = number | string | null | undefined;

export interface ScalingReason {
  code: string;
  message: string;
}

export interface ScaleTarget {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | null;
}

export interface PolicyCondition {
  type: string;
  status: "True" | "False" | "Unknown" | string;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export type ScalingMode = "enforce" | "dryRun";

export interface PolicyState {
  namespace: string;
  name: string;
  target: ScaleTarget | null;
  mode: ScalingMode;
  current: number | null;
  desired: number | null;
  lastScaleTime: string | null;
  lastDecisionTime: string | null;
  reasons: ScalingReason[];
  conditions: PolicyCondition[];
  problem: string | null;
}

export interface PoliciesAnswer {
  controller: { identity: string; leading: boolean; leader: string | null } | null;
  policies: PolicyState[];
  /** Only without a cluster: how to start a controller. */
  message?: string;
}

export interface DecisionFigures {
  capacityPerReplica: Figure;
  demandNow: Figure;
  demandForecast: Figure;
  headroom: Figure;
  effectiveReplicas: Figure;
  recommendation: number | null;
  burst: boolean;
}

export interface ScalingSignals {
  time: string;
  dataUntil: string | null;
  rateShort: Figure;
  rateLong: Figure;
  inFlight: Figure;
  latency: { p50: Figure; p90: Figure; p99: Figure; atObjective: Figure } | null;
  errorRatio: Figure;
  replicas: { desired: number; pods: { age: number; ready: boolean }[]; ready?: number };
  slo: { budgetRemaining: Figure; burnRateShort: Figure; burnRateLong: Figure } | null;
}

export type Outcome = "scaled" | "unchanged" | "dry-run" | "refused" | "held" | "failed";

export interface Decision {
  time: string;
  policy: { namespace: string; name: string };
  target: ScaleTarget;
  mode: ScalingMode;
  outcome: Outcome | string;
  current: number;
  desired: number;
  reasons: ScalingReason[];
  figures: DecisionFigures;
  signals: ScalingSignals;
  message: string | null;
}

export interface DecisionsAnswer {
  from: string;
  to: string;
  decisions: Decision[];
}

/** A finite number from a figure; the named non-finite values and absent figures are no value. */
export function finite(value: Figure): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** The decisions the chart marks: a change of replicas, one wanted in dry run, or one that could not be made. */
export function isNotable(d: Decision): boolean {
  return d.outcome === "scaled" || d.outcome === "dry-run" || d.outcome === "failed" || d.outcome === "refused";
}

export function describeOutcome(d: Decision): string {
  switch (d.outcome) {
    case "scaled":
      return `scaled ${d.current} → ${d.desired}`;
    case "dry-run":
      return `dry run: would scale ${d.current} → ${d.desired}`;
    case "refused":
      return `refused at ${d.current}`;
    case "failed":
      return `failed to scale ${d.current} → ${d.desired}`;
    case "held":
      return `held at ${d.current}`;
    case "unchanged":
      return `unchanged at ${d.current}`;
    default:
      return `${d.outcome} ${d.current} → ${d.desired}`;
  }
}

/** Outcome and reasons in one line each: the marker's title and the list row's text. */
export function decisionTitle(d: Decision): string {
  const lines = [describeOutcome(d)];
  if (d.message) lines.push(d.message);
  for (const r of d.reasons) lines.push(`${r.code}: ${r.message}`);
  return lines.join("\n");
}

export interface DecisionMarker {
  t: number;
  outcome: string;
  dryRun: boolean;
  label: string;
  title: string;
}

export interface ScalingSeries {
  /** Requests/s the scaler planned for now: figures.demandNow, else the stable-window rate. */
  demand: Point[];
  /** Requests/s the scaler sized for at the horizon (figures.demandForecast). */
  forecast: Point[];
  /** Requests/s the fleet serves now: capacity per replica × effective replicas (ready pods without that figure). */
  capacity: Point[];
  /** Replicas the workload has after the decision (the desired count when it was scaled). */
  replicas: Point[];
  markers: DecisionMarker[];
}

/**
 * Per decision (oldest first, as the API answers): demand, forecast, capacity and replicas, and a
 * marker for each notable decision. A dry-run marker says what the count would have become; the
 * replica series keeps the real count, which a dry run does not change.
 */
export function scalingSeries(decisions: readonly Decision[]): ScalingSeries {
  const out: ScalingSeries = { demand: [], forecast: [], capacity: [], replicas: [], markers: [] };
  const sorted = byTime(decisions, 1);
  for (const d of sorted) {
    const t = Date.parse(d.time);
    const f = d.figures;
    const s = d.signals;
    out.demand.push({ t, v: finite(f?.demandNow) ?? finite(s?.rateLong) });
    out.forecast.push({ t, v: finite(f?.demandForecast) });
    const perReplica = finite(f?.capacityPerReplica);
    const ready = s?.replicas ? (s.replicas.ready ?? s.replicas.pods.filter((p) => p.ready).length) : null;
    const replicasServing = finite(f?.effectiveReplicas) ?? ready;
    out.capacity.push({ t, v: perReplica !== null && replicasServing !== null ? round(perReplica * replicasServing) : null });
    out.replicas.push({ t, v: d.outcome === "scaled" ? d.desired : d.current });
    if (isNotable(d)) {
      const dryRun = d.outcome === "dry-run";
      out.markers.push({
        t,
        outcome: d.outcome,
        dryRun,
        label: dryRun ? `would scale to ${d.desired}` : d.outcome === "scaled" ? `→ ${d.desired}` : d.outcome,
        title: decisionTitle(d),
      });
    }
  }
  return out;
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** The query value of a policy's target: namespace/name (or the policy's own when the target is unknown). */
export function targetQuery(policy: PolicyState): string {
  const t = policy.target;
  if (!t) return `${policy.namespace}/${policy.name}`;
  return `${t.namespace ?? policy.namespace}/${t.name}`;
}

export function policyKey(policy: { namespace: string; name: string }): string {
  return `${policy.namespace}/${policy.name}`;
}

/** Decisions listed newest first: every notable one, and the latest whatever it was (the current reasoning). */
export function listedDecisions(decisions: readonly Decision[], limit = 50): Decision[] {
  const newestFirst = byTime(decisions, -1);
  return newestFirst.filter((d, i) => i === 0 || isNotable(d)).slice(0, limit);
}

/** Decisions by time (1: oldest first, -1: newest first), each time parsed once rather than in every comparison. */
function byTime(decisions: readonly Decision[], direction: 1 | -1): Decision[] {
  return decisions
    .map((d) => ({ d, t: Date.parse(d.time) }))
    .sort((a, b) => direction * (a.t - b.t))
    .map((x) => x.d);
}
