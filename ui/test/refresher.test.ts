import { afterEach, describe, expect, it, vi } from "vitest";
import { refresher } from "../src/views/refresher";

afterEach(() => vi.useRealTimers());

describe("refresher", () => {
  it("reads now and then every interval, saying which read was the first", async () => {
    vi.useFakeTimers();
    const settled: boolean[] = [];
    let reads = 0;
    const r = refresher(1000, async () => void reads++, () => {}, (first) => settled.push(first));
    r.now();
    await vi.advanceTimersByTimeAsync(0);
    expect([reads, settled]).toEqual([1, [true]]);
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect([reads, settled]).toEqual([3, [true, false, false]]);
    r.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(reads).toBe(3);
  });

  it("aborts a read in flight when a new one starts, without reporting it as a failure", async () => {
    vi.useFakeTimers();
    const signals: AbortSignal[] = [];
    const failures: unknown[] = [];
    const settled: boolean[] = [];
    const r = refresher(
      1000,
      (signal) =>
        new Promise<void>((done, fail) => {
          signals.push(signal);
          signal.addEventListener("abort", () => fail(new DOMException("aborted", "AbortError")));
          if (signals.length === 2) done();
        }),
      (error) => failures.push(error),
      (first) => settled.push(first),
    );
    r.now();
    r.now();
    await vi.advanceTimersByTimeAsync(0);
    expect(signals.map((s) => s.aborted)).toEqual([true, false]);
    expect(failures).toEqual([]);
    expect(settled).toEqual([true]); // the superseded read does not count
    r.stop();
  });

  it("reports a failed read and keeps refreshing", async () => {
    vi.useFakeTimers();
    const failures: string[] = [];
    let reads = 0;
    const r = refresher(
      1000,
      async () => {
        reads++;
        throw new Error(`read ${reads} failed`);
      },
      (error) => failures.push((error as Error).message),
      () => {},
    );
    r.now();
    await vi.advanceTimersByTimeAsync(1000);
    expect(failures).toEqual(["read 1 failed", "read 2 failed"]);
    r.stop();
  });
});
