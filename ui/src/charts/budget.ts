// The error-budget bar: how much of the period's budget is left, or by how much it is overspent.

import { formatPercent } from "./axis";

export type BudgetTone = "healthy" | "degraded" | "failing" | "idle";

export interface BudgetBar {
  /** Share of the bar filled with budget left, 0..1. */
  fill: number;
  /** Share of the bar drawn as overspent, 0..1 (an overspend beyond a whole budget fills it). */
  overspent: number;
  tone: BudgetTone;
  label: string;
}

/** Budget below this share left turns the bar from healthy to degraded. */
export const lowBudget = 0.5;

/**
 * From the API's `budget.remaining` (1 − consumed: 1 untouched, 0 spent, below 0 overspent;
 * null without traffic) to what the bar shows.
 */
export function budgetBar(remaining: number | null | undefined, remainingMinutes?: number | null): BudgetBar {
  if (remaining === null || remaining === undefined || !Number.isFinite(remaining)) {
    return { fill: 0, overspent: 0, tone: "idle", label: "no traffic yet: no budget spent" };
  }
  const hasMinutes = remainingMinutes !== null && remainingMinutes !== undefined && Number.isFinite(remainingMinutes);
  if (remaining < 0) {
    const over = hasMinutes ? ` (${formatMinutes(Math.abs(remainingMinutes))} over)` : "";
    return { fill: 0, overspent: Math.min(1, -remaining), tone: "failing", label: `overspent by ${formatPercent(-remaining, 1)}${over}` };
  }
  const minutes = hasMinutes ? ` (${formatMinutes(remainingMinutes)})` : "";
  const fill = Math.min(1, remaining);
  const tone: BudgetTone = remaining >= lowBudget ? "healthy" : remaining > 0 ? "degraded" : "failing";
  return { fill, overspent: 0, tone, label: `${formatPercent(remaining, 1)} left${minutes}` };
}

function formatMinutes(minutes: number): string {
  if (minutes < 1) return `${Math.round(minutes * 60)} s`;
  if (minutes < 120) return `${Number(minutes.toFixed(1))} min`;
  return `${Number((minutes / 60).toFixed(1))} h`;
}

export function renderBudget(remaining: number | null | undefined, remainingMinutes?: number | null): HTMLElement {
  const bar = budgetBar(remaining, remainingMinutes);
  const root = document.createElement("div");
  root.className = `budget ${bar.tone}`;
  root.dataset.testid = "slo-budget";
  root.dataset.remaining = remaining === null || remaining === undefined ? "" : String(remaining);
  root.setAttribute("role", "meter");
  root.setAttribute("aria-label", "error budget remaining");
  root.setAttribute("aria-valuemin", "0");
  root.setAttribute("aria-valuemax", "1");
  root.setAttribute("aria-valuenow", String(Math.max(0, bar.fill)));
  root.setAttribute("aria-valuetext", bar.label);
  const track = document.createElement("div");
  track.className = "budget-track";
  const fill = document.createElement("div");
  fill.className = "budget-fill";
  fill.style.width = `${(bar.fill * 100).toFixed(1)}%`;
  const over = document.createElement("div");
  over.className = "budget-overspent";
  over.style.width = `${(bar.overspent * 100).toFixed(1)}%`;
  track.append(fill, over);
  const label = document.createElement("span");
  label.className = "budget-label";
  label.textContent = bar.label;
  root.append(track, label);
  return root;
}
