import { describe, expect, it } from "vitest";
import { budgetBar } from "../src/charts/budget";

describe("budget bar", () => {
  it("fills with the budget left and turns degraded below half", () => {
    expect(budgetBar(0.625, 27)).toEqual({ fill: 0.625, overspent: 0, tone: "healthy", label: "62.5% left (27 min)" });
    expect(budgetBar(0.5)).toEqual({ fill: 0.5, overspent: 0, tone: "healthy", label: "50% left" });
    expect(budgetBar(0.2, 0.5)).toEqual({ fill: 0.2, overspent: 0, tone: "degraded", label: "20% left (30 s)" });
    expect(budgetBar(1, 4320)).toEqual({ fill: 1, overspent: 0, tone: "healthy", label: "100% left (72 h)" });
  });

  it("shows a spent budget as failing and an overspent one by how much", () => {
    expect(budgetBar(0)).toEqual({ fill: 0, overspent: 0, tone: "failing", label: "0% left" });
    expect(budgetBar(-0.3, -12.96)).toEqual({ fill: 0, overspent: 0.3, tone: "failing", label: "overspent by 30% (13 min over)" });
    // Beyond a whole budget overspent, the bar is full; the label keeps the real figure.
    expect(budgetBar(-2.5)).toEqual({ fill: 0, overspent: 1, tone: "failing", label: "overspent by 250%" });
  });

  it("says there is no traffic rather than showing a full budget", () => {
    expect(budgetBar(null, null)).toEqual({ fill: 0, overspent: 0, tone: "idle", label: "no traffic yet: no budget spent" });
  });
});
