import { describe, expect, it } from "vitest";
import { defaults, formatState, parseState } from "../src/url";

describe("URL state", () => {
  it("round-trips every field", () => {
    const state = {
      ...defaults,
      view: "topology" as const,
      mode: "replay" as const,
      from: "2026-11-21T10:00:00Z",
      to: "2026-11-21T10:15:00Z",
      frame: 42,
      speed: 60 as const,
      step: "10s",
      groupBy: "version" as const,
      byZone: false,
      filter: "rt > 200 and zone != a",
      label: "p99" as const,
      node: "workload:c/bookinfo/reviews/v3@a",
      trace: "0123456789abcdef0123456789abcdef",
      slo: "reviews-latency",
      policy: "bookinfo/reviews-v1",
      history: "24h",
    };
    expect(parseState(formatState(state))).toEqual(state);
  });

  it("writes nothing for the defaults and falls back on nonsense", () => {
    expect(formatState(defaults)).toBe("");
    expect(parseState("?view=nope&speed=7&frame=-3&groupBy=x&label=y")).toEqual(defaults);
  });
});
