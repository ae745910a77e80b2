import { describe, expect, it } from "vitest";
import { burnTone, burnsByWindow, cardsOf, durationSeconds, formatBurn, historySeries } from "../src/views/slo-data";
import { history, list } from "./fixtures/slos";

describe("SLO cards", () => {
  it("makes one card per objective, and one for an SLO not evaluated yet", () => {
    expect(cardsOf(list).map((c) => [c.slo.name, c.objective?.name ?? null])).toEqual([
      ["reviews-latency", "p99-300ms"],
      ["reviews-latency", "p90-100ms"],
      ["ratings-availability", null],
    ]);
    expect(new Set(cardsOf(list).map((c) => c.key)).size).toBe(3);
  });

  it("orders burn rates from the shortest window to the longest", () => {
    const burns = burnsByWindow(list.slos[0]!.objectives[0]!.burnRates);
    expect(burns.map((b) => `${b.window} ${formatBurn(b.rate)}`)).toEqual(["5m 21×", "30m 7.9×", "1h 16×", "6h –", "3d 0.90×"]);
  });

  it("reads the API's durations", () => {
    expect(["250ms", "90s", "5m", "1h", "3d", "1w", "soon"].map(durationSeconds)).toEqual([0.25, 90, 300, 3600, 259_200, 604_800, Number.NaN]);
  });

  it("shows the burn state as text, tone and icon", () => {
    expect(["ok", "ticket", "page", "critical"].map(burnTone)).toEqual([
      { tone: "healthy", icon: "✓", text: "ok" },
      { tone: "degraded", icon: "▲", text: "ticket" },
      { tone: "failing", icon: "✖", text: "page" },
      { tone: "failing", icon: "✖", text: "critical" },
    ]);
  });
});

describe("SLO history", () => {
  it("splits one objective's points into SLI and budget series, gaps where there was no traffic", () => {
    const s = historySeries(history, "p99-300ms");
    const times = [Date.parse("2026-11-21T09:58:00Z"), Date.parse("2026-11-21T09:59:00Z"), Date.parse("2026-11-21T10:00:00Z")];
    expect(s.sli).toEqual([{ t: times[0], v: 0.995 }, { t: times[1], v: null }, { t: times[2], v: 0.9871 }]);
    expect(s.budget).toEqual([{ t: times[0], v: 0.2 }, { t: times[1], v: null }, { t: times[2], v: -0.29 }]);
    expect(historySeries(history, "p90-100ms").sli).toEqual([{ t: times[0], v: 0.9 }]);
    expect(historySeries(history, "none").sli).toEqual([]);
  });
});
