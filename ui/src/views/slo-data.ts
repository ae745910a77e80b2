// The SLO answers (collector/Api/SloApi.cs, serialised with camelCase names, enums as camelCase
// strings and durations as 5m / 1h) and the pure reshaping the SLO view needs.

export interface BurnRate {
  /** A duration such as "5m" or "1h". */
  window: string;
  /** null without traffic in the window. */
  rate: number | null;
}

export interface AlertCondition {
  name: string;
  severity: string;
  threshold: number;
  longWindow: string;
  shortWindow: string;
  longBurn: number | null;
  shortBurn: number | null;
  firing: boolean;
  since: string | null;
}

export interface ObjectiveState {
  name: string;
  target: number;
  sli: number | null;
  good: number;
  total: number;
  period: { start: string; end: string };
  budget: {
    allowed: number;
    consumed: number | null;
    remaining: number | null;
    remainingEvents: number | null;
    minutes: number;
    remainingMinutes: number | null;
  };
  burnRates: BurnRate[];
  alert: { state: string; since: string; conditions: AlertCondition[] };
}

export interface SloState {
  name: string;
  displayName: string | null;
  description: string | null;
  service: string;
  format: string;
  budgeting: string;
  window: string;
  source: string;
  objectives: ObjectiveState[];
}

export interface Finding {
  severity: "warning" | "error" | string;
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface SloList {
  evaluatedAt: string | null;
  error: string | null;
  directory: string | null;
  loadedAt: string | null;
  slos: SloState[];
  findings: Finding[];
}

export interface SloHistoryPoint {
  time: string;
  objective: string;
  target: number;
  good: number;
  total: number;
  sli: number | null;
  budgetConsumed: number | null;
  budgetRemaining: number | null;
  budgetRemainingMinutes: number | null;
  burnRates: BurnRate[];
  alertState: string;
  alertSince: string | null;
}

export interface SloHistory {
  name: string;
  from: string;
  to: string;
  step: string;
  points: SloHistoryPoint[];
}

/** One card of the view: an SLO objective, or an SLO not evaluated yet (objective null). */
export interface SloCard {
  slo: SloState;
  objective: ObjectiveState | null;
  /** Stable across refreshes: the card's DOM is kept and updated in place. */
  key: string;
}

export function cardsOf(list: SloList): SloCard[] {
  return list.slos.flatMap((slo): SloCard[] =>
    slo.objectives.length === 0
      ? [{ slo, objective: null, key: `${slo.name}\u0000` }]
      : slo.objectives.map((objective) => ({ slo, objective, key: `${slo.name}\u0000${objective.name}` })),
  );
}

const durationUnits: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Seconds of a duration as the API writes them ("90s", "5m", "1h", "250ms"); NaN when unreadable. */
export function durationSeconds(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text.trim());
  return match ? Number(match[1]) * durationUnits[match[2]!]! : Number.NaN;
}

/** Burn rates shortest window first, as a reader scans them from "now" to "the period". */
export function burnsByWindow(burns: readonly BurnRate[]): BurnRate[] {
  return [...burns].sort((a, b) => durationSeconds(a.window) - durationSeconds(b.window));
}

export type BurnTone = "healthy" | "degraded" | "failing";

/** ok is fine, ticket needs a look during the day, page (or any other firing severity) needs someone now. */
export function burnTone(state: string): { tone: BurnTone; icon: string; text: string } {
  if (state === "ok") return { tone: "healthy", icon: "✓", text: "ok" };
  if (state === "ticket") return { tone: "degraded", icon: "▲", text: "ticket" };
  return { tone: "failing", icon: "✖", text: state };
}

export function formatBurn(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return "–";
  return `${rate >= 10 ? rate.toFixed(0) : rate >= 1 ? rate.toFixed(1) : rate.toFixed(2)}×`;
}

/** The history of one objective as two series (SLI and budget left), times in epoch ms. */
export function historySeries(history: SloHistory, objective: string): { sli: { t: number; v: number | null }[]; budget: { t: number; v: number | null }[] } {
  const points = history.points.filter((p) => p.objective === objective);
  return {
    sli: points.map((p) => ({ t: Date.parse(p.time), v: p.sli })),
    budget: points.map((p) => ({ t: Date.parse(p.time), v: p.budgetRemaining })),
  };
}
