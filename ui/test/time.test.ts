import { describe, expect, it } from "vitest";
import { defaultStep, durationParameter, fromInputValue, lastMinutes, parseDuration, toInputValue } from "../src/time/range";
import { sparklinePaths } from "../src/charts/sparkline";

describe("replay ranges", () => {
  it("reads and writes durations", () => {
    expect([parseDuration("10s"), parseDuration("1m"), parseDuration("250ms"), parseDuration("2h"), parseDuration("1d")]).toEqual([
      10_000, 60_000, 250, 7_200_000, 86_400_000,
    ]);
    expect([parseDuration("10"), parseDuration("1.5s"), parseDuration(null), parseDuration("s")]).toEqual([null, null, null, null]);
    expect([durationParameter(10_000), durationParameter(60_000), durationParameter(90_000), durationParameter(3_600_000), durationParameter(1500)]).toEqual([
      "10s", "1m", "90s", "1h", "1500ms",
    ]);
  });

  it("picks a step of whole 10 s giving at most 180 frames", () => {
    expect(defaultStep("2026-11-21T10:00:00Z", "2026-11-21T10:15:00Z")).toBe("10s");
    expect(defaultStep("2026-11-21T10:00:00Z", "2026-11-21T10:30:00Z")).toBe("10s");
    expect(defaultStep("2026-11-21T10:00:00Z", "2026-11-21T10:30:10Z")).toBe("20s");
    expect(defaultStep("2026-11-21T10:00:00Z", "2026-11-21T16:00:00Z")).toBe("2m");
    expect(defaultStep("2026-11-21T10:00:00Z", "2026-11-21T10:00:00Z")).toBe("10s");
  });

  it("ends the default range at the last whole 10 s", () => {
    expect(lastMinutes(Date.parse("2026-11-21T10:15:07.300Z"), 15)).toEqual({ from: "2026-11-21T10:00:00Z", to: "2026-11-21T10:15:00Z" });
  });

  it("reads datetime-local values as UTC and back", () => {
    expect(toInputValue("2026-11-21T10:15:00Z")).toBe("2026-11-21T10:15:00");
    expect(toInputValue("2026-11-21T12:15:00+02:00")).toBe("2026-11-21T10:15:00");
    expect(toInputValue("yesterday")).toBe("");
    expect(fromInputValue("2026-11-21T10:15")).toBe("2026-11-21T10:15:00Z");
    expect(fromInputValue("2026-11-21T10:15:42")).toBe("2026-11-21T10:15:42Z");
    expect(fromInputValue("")).toBeNull();
    expect(fromInputValue("2026-13-45T99:00")).toBeNull();
  });
});

describe("sparkline", () => {
  it("scales from zero to the maximum and breaks the line at gaps", () => {
    expect(sparklinePaths([0, 5, 10, null, 10], 40, 10)).toEqual(["0.0,10.0 10.0,5.0 20.0,0.0", "40.0,0.0"]);
    expect(sparklinePaths([null, null], 40, 10)).toEqual([]);
    expect(sparklinePaths([3], 40, 10)).toEqual(["20.0,0.0"]);
  });
});
