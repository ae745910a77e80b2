// Replay ranges and steps: the URL keeps RFC 3339 UTC times and durations like `10s`; the range
// inputs are datetime-local fields that this page reads as UTC (the frame times are UTC too).

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `10s`, `1m`, `500ms` → milliseconds; null when it is not such a duration. */
export function parseDuration(text: string | null): number | null {
  if (text === null) return null;
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  return match ? Number(match[1]) * unitMs[match[2]!]! : null;
}

/** The shortest exact spelling of a whole number of seconds or more. */
export function durationParameter(ms: number): string {
  for (const unit of ["d", "h", "m", "s"] as const) {
    if (ms >= unitMs[unit]! && ms % unitMs[unit]! === 0) return `${ms / unitMs[unit]!}${unit}`;
  }
  return `${ms}ms`;
}

/** At most `maxFrames` frames, in whole multiples of the rollups' 10 s. */
export function defaultStep(fromIso: string, toIso: string, maxFrames = 180): string {
  const span = Math.max(0, Date.parse(toIso) - Date.parse(fromIso));
  const tens = Math.max(1, Math.ceil(span / maxFrames / 10_000));
  return durationParameter(tens * 10_000);
}

export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** The last `minutes` minutes, ending at the last whole 10 s. */
export function lastMinutes(now: number, minutes: number): { from: string; to: string } {
  const to = Math.floor(now / 10_000) * 10_000;
  return { from: isoSeconds(to - minutes * 60_000), to: isoSeconds(to) };
}

/** RFC 3339 → the value of a datetime-local input, in UTC; "" for an unreadable time. */
export function toInputValue(iso: string | null): string {
  if (iso === null) return "";
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 19) : "";
}

/** A datetime-local value read as UTC → RFC 3339; null when empty or malformed. */
export function fromInputValue(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const ms = Date.parse(`${value.length === 16 ? `${value}:00` : value}Z`);
  return Number.isFinite(ms) ? isoSeconds(ms) : null;
}
