// The SLO and autoscaler views read their data now and again every so often; a new read aborts
// the one in flight, so a slow answer never overwrites a newer one.

import { isAbort } from "../states";

export interface Refresher {
  /** Reads now (the periodic reads go on from here). */
  now(): void;
  stop(): void;
}

/**
 * @param read reads and shows the data; it may return early (nothing to show).
 * @param failed shows a failed read (not an abort).
 * @param settled after each read that was not superseded; `first` on the first.
 */
export function refresher(
  everyMs: number,
  read: (signal: AbortSignal) => Promise<void>,
  failed: (error: unknown) => void,
  settled: (first: boolean) => void,
): Refresher {
  let controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let first = true;
  async function run(): Promise<void> {
    clearTimeout(timer);
    controller.abort();
    controller = new AbortController();
    const signal = controller.signal;
    try {
      await read(signal);
    } catch (error) {
      if (!isAbort(error)) failed(error);
    } finally {
      if (!signal.aborted) {
        settled(first);
        first = false;
        timer = setTimeout(() => void run(), everyMs);
      }
    }
  }
  return {
    now: () => void run(),
    stop: () => {
      clearTimeout(timer);
      controller.abort();
    },
  };
}
