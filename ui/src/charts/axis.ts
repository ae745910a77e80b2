// Tick placement for the hand-written charts: pure arithmetic, so the tests can pin exact values.

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

/** Tick spacings a reader counts in without effort; epoch multiples of each are round UTC times. */
const timeSteps = [
  1 * second, 2 * second, 5 * second, 10 * second, 15 * second, 30 * second,
  1 * minute, 2 * minute, 5 * minute, 10 * minute, 15 * minute, 30 * minute,
  1 * hour, 2 * hour, 3 * hour, 6 * hour, 12 * hour,
  1 * day, 2 * day, 7 * day,
];

export interface TimeTick {
  /** Epoch milliseconds. */
  at: number;
  label: string;
}

/**
 * Ticks on round UTC times within [from, to]: the smallest round spacing that gives at most
 * `maxTicks`. Labels are UTC like the URL's times, with seconds only when the spacing needs them
 * and the date where a tick falls on midnight of a range longer than a day.
 */
export function timeTicks(from: number, to: number, maxTicks = 6): TimeTick[] {
  if (!(to > from) || maxTicks < 1) return [];
  const span = to - from;
  const step = timeSteps.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / day) * day;
  const ticks: TimeTick[] = [];
  for (let at = Math.ceil(from / step) * step; at <= to; at += step) {
    ticks.push({ at, label: timeLabel(at, step, span) });
  }
  return ticks;
}

function timeLabel(at: number, step: number, span: number): string {
  const iso = new Date(at).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const date = iso.slice(5, 10);
  const clock = iso.slice(11, 16);
  if (step >= day) return date;
  if (step < minute) return iso.slice(11, 19);
  return span > day && clock === "00:00" ? date : clock;
}

export interface ValueTicks {
  min: number;
  max: number;
  step: number;
  ticks: number[];
}

/**
 * A value axis on a 1-2-2.5-5 grid covering [min, max] with about `count` intervals. The domain
 * is widened to whole steps so the top and bottom lines carry labels.
 */
export function valueTicks(min: number, max: number, count = 5): ValueTicks {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return valueTicks(0, 1, count);
  if (max < min) [min, max] = [max, min];
  if (max === min) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    return valueTicks(min - pad, max + pad, count);
  }
  const raw = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normal = raw / magnitude;
  const nice = normal <= 1 ? 1 : normal <= 2 ? 2 : normal <= 2.5 ? 2.5 : normal <= 5 ? 5 : 10;
  const step = nice * magnitude;
  // Rounding to the step's own decimals keeps 0.1 + 0.2 from becoming 0.30000000000000004.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + (nice === 2.5 ? 1 : 0));
  const round = (v: number) => Number(v.toFixed(Math.min(20, decimals)));
  const low = round(Math.floor(min / step + 1e-9) * step);
  const high = round(Math.ceil(max / step - 1e-9) * step);
  const ticks: number[] = [];
  for (let i = 0; ; i++) {
    const v = round(low + i * step);
    if (v > high + step / 2) break;
    ticks.push(v);
  }
  return { min: low, max: high, step: round(step), ticks };
}

/** Maps a domain onto a pixel range linearly (the range may run backwards, as a y axis does). */
export function linear(domain: readonly [number, number], range: readonly [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  return (v) => (span === 0 ? (r0 + r1) / 2 : r0 + ((v - d0) / span) * (r1 - r0));
}

/** Durations for axes and labels: 850 µs, 12.3 ms, 1.25 s, 2m 5s. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  const abs = Math.abs(ms);
  if (abs === 0) return "0";
  if (abs < 1) return `${trim(ms * 1000, 0)} µs`;
  if (abs < 1000) return `${trim(ms, abs < 10 ? 2 : abs < 100 ? 1 : 0)} ms`;
  if (abs < minute) return `${trim(ms / 1000, abs < 10 * second ? 2 : 1)} s`;
  const minutes = Math.floor(abs / minute);
  const seconds = Math.round((abs - minutes * minute) / 1000);
  return `${ms < 0 ? "-" : ""}${minutes}m ${seconds}s`;
}

function trim(v: number, digits: number): string {
  return String(Number(v.toFixed(digits)));
}

/** A share as a percentage with just enough digits: 0.999 → "99.9%", 0.99912 → "99.912%". */
export function formatPercent(share: number | null | undefined, maxDigits = 3): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return "–";
  return `${trim(share * 100, maxDigits)}%`;
}
