import { describe, expect, it } from "vitest";
import { formatDuration, formatPercent, linear, timeTicks, valueTicks } from "../src/charts/axis";

const at = (iso: string) => Date.parse(iso);

describe("time axis ticks", () => {
  it("puts an hour's ticks on round ten minutes, in UTC", () => {
    const ticks = timeTicks(at("2026-11-21T10:03:20Z"), at("2026-11-21T11:03:20Z"), 6);
    expect(ticks.map((t) => t.label)).toEqual(["10:10", "10:20", "10:30", "10:40", "10:50", "11:00"]);
    expect(ticks[0]!.at).toBe(at("2026-11-21T10:10:00Z"));
    expect(ticks[5]!.at).toBe(at("2026-11-21T11:00:00Z"));
  });

  it("labels seconds when the spacing is below a minute", () => {
    const ticks = timeTicks(at("2026-11-21T10:00:00Z"), at("2026-11-21T10:00:30Z"), 6);
    expect(ticks.map((t) => t.label)).toEqual(["10:00:00", "10:00:05", "10:00:10", "10:00:15", "10:00:20", "10:00:25", "10:00:30"]);
  });

  it("keeps the clock across midnight within a day, and names the date on longer ranges", () => {
    expect(timeTicks(at("2026-11-21T21:00:00Z"), at("2026-11-22T03:00:00Z"), 6).map((t) => t.label))
      .toEqual(["21:00", "22:00", "23:00", "00:00", "01:00", "02:00", "03:00"]);
    expect(timeTicks(at("2026-11-20T00:00:00Z"), at("2026-11-23T00:00:00Z"), 6).map((t) => t.label))
      .toEqual(["11-20", "12:00", "11-21", "12:00", "11-22", "12:00", "11-23"]);
  });

  it("has no ticks for an empty or backwards range", () => {
    expect(timeTicks(1000, 1000)).toEqual([]);
    expect(timeTicks(2000, 1000)).toEqual([]);
  });
});

describe("value axis ticks", () => {
  it("uses a 1-2-2.5-5 grid widened to whole steps", () => {
    expect(valueTicks(0, 1, 5)).toEqual({ min: 0, max: 1, step: 0.2, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] });
    expect(valueTicks(0, 37, 4)).toEqual({ min: 0, max: 40, step: 10, ticks: [0, 10, 20, 30, 40] });
    expect(valueTicks(-0.3, 1, 4)).toEqual({ min: -0.5, max: 1, step: 0.5, ticks: [-0.5, 0, 0.5, 1] });
  });

  it("resolves an SLI close to 1 without float noise", () => {
    expect(valueTicks(0.9975, 1, 4)).toEqual({ min: 0.997, max: 1, step: 0.001, ticks: [0.997, 0.998, 0.999, 1] });
  });

  it("opens a flat line into a band around it", () => {
    expect(valueTicks(5, 5, 4)).toEqual({ min: 4.5, max: 5.5, step: 0.25, ticks: [4.5, 4.75, 5, 5.25, 5.5] });
    expect(valueTicks(0, 0, 4).ticks).toEqual([-1, -0.5, 0, 0.5, 1]);
  });
});

describe("scales and labels", () => {
  it("maps a domain onto a reversed pixel range", () => {
    const y = linear([0, 10], [200, 20]);
    expect([y(0), y(5), y(10)]).toEqual([200, 110, 20]);
  });

  it("formats durations and shares", () => {
    expect([0.85, 4.567, 12.34, 250, 1250, 125_000].map(formatDuration)).toEqual(["850 µs", "4.57 ms", "12.3 ms", "250 ms", "1.25 s", "2m 5s"]);
    expect([0.999, 0.99912, 1, null].map((v) => formatPercent(v))).toEqual(["99.9%", "99.912%", "100%", "–"]);
  });
});
