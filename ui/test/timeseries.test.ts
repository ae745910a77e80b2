import { describe, expect, it } from "vitest";
import { linear } from "../src/charts/axis";
import { chartLayout, fitFrom, labelledMarkers, seriesPath } from "../src/charts/timeseries";

const from = Date.parse("2026-11-21T10:00:00Z");
const minute = 60_000;

describe("line chart geometry", () => {
  const x = linear([0, 100], [0, 100]);
  const y = linear([0, 10], [100, 0]);

  it("breaks the line where a value is missing", () => {
    expect(seriesPath([{ t: 0, v: 0 }, { t: 10, v: 5 }, { t: 20, v: null }, { t: 30, v: 10 }, { t: 40, v: 0 }], x, y)).toBe("M0,100L10,50M30,0L40,100");
  });

  it("draws a point without neighbours as a dot", () => {
    expect(seriesPath([{ t: 0, v: 0 }, { t: 10, v: null }, { t: 20, v: 5 }, { t: 30, v: 10 }], x, y)).toBe("M0,100h0M20,50L30,0");
    expect(seriesPath([{ t: 50, v: 5 }], x, y)).toBe("M50,50h0");
  });

  it("labels markers from the newest backwards, skipping those too close to the last label", () => {
    const xs = [10, 50, 95, 100, 190, 200].map((x) => ({ x, label: "→ 3" }));
    expect([...labelledMarkers(xs, 90)].sort((a, b) => a - b)).toEqual([0, 3, 5]);
    expect([...labelledMarkers([{ x: 10 }, { x: 200, label: "a" }], 90)]).toEqual([1]);
  });

  it("holds a count until the next point in a step series", () => {
    expect(seriesPath([{ t: 0, v: 2 }, { t: 50, v: 4 }, { t: 100, v: 4 }], x, y, true)).toBe("M0,80H50V60H100V60");
  });

  it("places series on their own axes, thresholds on theirs, and drops markers outside the range", () => {
    const layout = chartLayout({
      from,
      to: from + 10 * minute,
      width: 400,
      height: 200,
      series: [
        { id: "demand", label: "demand", color: "#000", points: [{ t: from, v: 0 }, { t: from + 10 * minute, v: 40 }] },
        { id: "replicas", label: "replicas", color: "#111", axis: "right", step: true, points: [{ t: from, v: 2 }, { t: from + 5 * minute, v: 4 }] },
      ],
      left: { label: "requests/s", format: String },
      right: { label: "replicas", format: String, include: [0] },
      thresholds: [{ value: 30, label: "limit" }],
      markers: [
        { t: from + 5 * minute, title: "scaled 2 → 4", kind: "scaled" },
        { t: from + 11 * minute, title: "later", kind: "scaled" },
      ],
    });
    // Plot: x 56..344, y 178 (bottom) .. 22 (top); left domain 0..40, right 0..4.
    expect(layout.plot).toEqual({ left: 56, top: 22, right: 344, bottom: 178 });
    expect(layout.lines.map((l) => l.d)).toEqual(["M56,178L344,22", "M56,100H200V22"]);
    expect(layout.leftTicks.map((t) => t.label)).toEqual(["0", "10", "20", "30", "40"]);
    expect(layout.rightTicks.map((t) => [t.label, t.at])).toEqual([["0", 178], ["1", 139], ["2", 100], ["3", 61], ["4", 22]]);
    expect(layout.thresholds).toEqual([{ y: 61, label: "limit", color: undefined }]);
    expect(layout.markers.map((m) => [m.title, m.x])).toEqual([["scaled 2 → 4", 200]]);
    expect(layout.xTicks.map((t) => [t.label, t.at])).toEqual([["10:00", 56], ["10:05", 200], ["10:10", 344]]);
  });
});

describe("time range fitted to the data", () => {
  const to = from + 60 * minute;

  it("keeps the asked range when data covers it or there is none", () => {
    expect(fitFrom(from, to, from)).toBe(from);
    expect(fitFrom(from, to, from - minute)).toBe(from);
    expect(fitFrom(from, to, null)).toBe(from);
  });

  it("starts shortly before data that begins inside the range, never shorter than the minimum span", () => {
    // First point 20 min before the end: 5 % of those 20 min (1 min) earlier.
    expect(fitFrom(from, to, to - 20 * minute)).toBe(to - 21 * minute);
    // First point 2 min before the end: the 5-minute minimum applies.
    expect(fitFrom(from, to, to - 2 * minute)).toBe(to - 5 * minute);
  });
});

describe("axis limits", () => {
  it("bounds an axis at its ceiling even when whole steps would overshoot", () => {
    const layout = chartLayout({
      from,
      to: from + minute,
      width: 400,
      height: 200,
      series: [{ id: "budget", label: "budget", color: "#000", points: [{ t: from, v: -14 }, { t: from + minute, v: 1 }] }],
      left: { label: "budget", format: String, include: [0, 1], ceiling: 1 },
    });
    // Ticks of -14..1 step 5: -15, -10, -5, 0, 5; 5 is above the ceiling, the plot's top is 1.
    expect(layout.leftTicks.map((t) => t.label)).toEqual(["-15", "-10", "-5", "0"]);
    // Domain -15..1 over y 178..22: -14 sits 1/16 of 156 above the bottom.
    expect(layout.lines[0]!.d).toBe("M56,168.3L384,22");
  });
});
