import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** What an open-loop run measured, in milliseconds. */
export interface LoadResult {
  /** From each request's scheduled send time to the end of its answer. */
  latencies: number[];
  /** How late each request left the generator: its own delays, counted in the latencies too. */
  sendDelays: number[];
  failures: number;
}

/**
 * An open-loop load generator: sends GET `path` at a fixed rate whatever the answers do, and
 * times each request from the moment it was due, so a stalled server cannot slow the load down
 * and hide its own stall (no coordinated omission).
 */
export class OpenLoopLoad {
  private readonly agent = new http.Agent({ keepAlive: true });
  private readonly pending = new Set<Promise<void>>();
  private readonly result: LoadResult = { latencies: [], sendDelays: [], failures: 0 };
  private timer: NodeJS.Timeout | null = null;
  private sent = 0;
  private startedAt = 0;

  constructor(
    private readonly url: URL,
    private readonly headers: Record<string, string>,
    private readonly perSecond: number,
    /** The path of the k-th request, when the requests go to several paths of `url`'s origin. */
    private readonly pathOf?: (k: number) => string,
  ) {}

  start(): void {
    this.startedAt = performance.now();
    this.tick();
  }

  /** Stops sending, waits for the answers still due, and hands over the measurements. */
  async stop(): Promise<LoadResult> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await Promise.all([...this.pending]);
    this.agent.destroy();
    return this.result;
  }

  private tick(): void {
    const interval = 1000 / this.perSecond;
    const now = performance.now();
    // Every request that has come due is sent, even when the timer fired late.
    while (this.startedAt + this.sent * interval <= now) {
      this.send(this.startedAt + this.sent * interval, this.pathOf ? new URL(this.pathOf(this.sent), this.url) : this.url);
      this.sent += 1;
    }
    this.timer = setTimeout(() => this.tick(), Math.max(0, this.startedAt + this.sent * interval - performance.now()));
  }

  private send(dueAt: number, url: URL): void {
    this.result.sendDelays.push(performance.now() - dueAt);
    const request = new Promise<void>((resolve) => {
      const finish = (ok: boolean) => {
        if (ok) this.result.latencies.push(performance.now() - dueAt);
        else this.result.failures += 1;
        resolve();
      };
      http
        .get(url, { agent: this.agent, headers: this.headers }, (response) => {
          response.resume();
          response.on('end', () => finish(response.statusCode === 200));
          response.on('error', () => finish(false));
        })
        .on('error', () => finish(false));
    });
    this.pending.add(request);
    void request.then(() => this.pending.delete(request));
  }
}
