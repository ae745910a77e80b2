// The live graph over SignalR: subscribe, take the snapshot, then apply diffs in order. A diff
// that does not follow the last sequence means one was missed, so the view subscribes again and
// starts over from a fresh snapshot rather than showing a graph that silently drifted.

import { HttpTransportType, HubConnectionBuilder, HubConnectionState, LogLevel, type HubConnection } from "@microsoft/signalr";
import type { GraphDiff, ServiceGraph } from "../api";
import type { Grouping } from "../url";

export interface LiveHandlers {
  snapshot(sequence: number, graph: ServiceGraph): void;
  diff(diff: GraphDiff): void;
  /** `live · 42` while connected, otherwise why not. */
  status(text: string, connected: boolean): void;
  /** Every hub message, counted for the tests (window.__observe.liveMessages). */
  message(): void;
}

export interface LiveSubscription {
  groupBy: Grouping;
  byZone: boolean;
}

/** How long to wait before connecting again after a failed start (the hub's own reconnects back off the same way). */
export const retryDelaysMs = [500, 1000, 2000, 5000, 10_000];

export class LiveFeed {
  private readonly connection: HubConnection;
  private sequence: number | null = null;
  private stopped = false;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private attempts = 0;
  private starting: Promise<void> | null = null;

  constructor(
    private readonly subscription: LiveSubscription,
    private readonly handlers: LiveHandlers,
    url = "/hubs/topology",
  ) {
    this.connection = new HubConnectionBuilder()
      .withUrl(url, { transport: HttpTransportType.WebSockets, skipNegotiation: true })
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (c) => retryDelaysMs[Math.min(c.previousRetryCount, retryDelaysMs.length - 1)]! })
      // The page shows the connection's state itself; the client's own console logging would be
      // console errors on every dropped connection.
      .configureLogging(LogLevel.None)
      .build();
    this.connection.on("snapshot", (message: { sequence: number; graph: ServiceGraph }) => {
      handlers.message();
      this.sequence = message.sequence;
      handlers.snapshot(message.sequence, message.graph);
      handlers.status(`live · ${message.sequence}`, true);
    });
    this.connection.on("diff", (diff: GraphDiff) => {
      handlers.message();
      if (this.sequence === null) return; // a new snapshot is on its way
      if (diff.sequence !== this.sequence + 1) {
        handlers.status(`missed diff ${this.sequence + 1} (got ${diff.sequence}); subscribing again`, false);
        void this.subscribe();
        return;
      }
      this.sequence = diff.sequence;
      handlers.diff(diff);
      handlers.status(`live · ${diff.sequence}`, true);
    });
    this.connection.onreconnecting((error) => {
      this.sequence = null;
      handlers.status(`reconnecting: ${error?.message ?? "the connection was lost"}`, false);
    });
    this.connection.onreconnected(() => void this.subscribe());
    this.connection.onclose((error) => {
      this.sequence = null;
      if (this.stopped) return;
      handlers.status(`disconnected: ${error?.message ?? "the connection closed"}`, false);
      this.schedule();
    });
  }

  start(): void {
    this.handlers.status("connecting…", false);
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry !== null) clearTimeout(this.retry);
    // Closing a WebSocket that is still opening makes the browser log an error; let it open first.
    if (this.starting !== null) await this.starting.catch(() => {});
    try {
      await this.connection.stop();
    } catch {
      // stopping a connection that never started has nothing to undo
    }
  }

  private schedule(): void {
    if (this.stopped || this.retry !== null) return;
    const delay = retryDelaysMs[Math.min(this.attempts, retryDelaysMs.length - 1)]!;
    this.attempts++;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, delay);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.connection.state === HubConnectionState.Disconnected) {
        this.starting = this.connection.start();
        try {
          await this.starting;
        } finally {
          this.starting = null;
        }
      }
      if (this.stopped) return;
      if (await this.subscribe()) this.attempts = 0;
    } catch (e) {
      if (this.stopped) return;
      this.handlers.status(`disconnected: ${(e as Error).message}`, false);
      this.schedule();
    }
  }

  /** Subscribes; on failure schedules connect() again, which also restarts a connection that closed meanwhile. */
  private async subscribe(): Promise<boolean> {
    this.sequence = null;
    try {
      await this.connection.invoke("Subscribe", { groupBy: this.subscription.groupBy, byZone: this.subscription.byZone });
      return true;
    } catch (e) {
      if (this.stopped) return false;
      this.handlers.status(`subscribe failed: ${(e as Error).message}`, false);
      this.schedule();
      return false;
    }
  }
}
