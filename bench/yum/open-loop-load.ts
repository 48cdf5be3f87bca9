import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** What an open-loop run measured, in milliseconds. */
export interface LoadResult {
  /** From each request's scheduled send time to the end of its answer. */
  latencies: number[];
  /** How late each request left the generator: its own delays, counted in the latencies too. */
  sendDelays: number[];
  failures: number;
  /** Why requests failed ("status 503", "ECONNRESET"), with how many each. */
  failureCauses: Record<string, number>;
}

/** The failures and their causes, for a report line: "2 failed (status 503 x1, ECONNRESET x1)". */
export function failuresText(result: LoadResult): string {
  const causes = Object.entries(result.failureCauses).map(([cause, n]) => `${cause} x${n}`);
  return `${result.failures} failed${causes.length > 0 ? ` (${causes.join(', ')})` : ''}`;
}

/**
 * An open-loop load generator: sends GET `path` at a fixed rate whatever the answers do, and
 * times each request from the moment it was due, so a stalled server cannot slow the load down
 * and hide its own stall (no coordinated omission).
 */
export class OpenLoopLoad {
  private readonly agent = new http.Agent({ keepAlive: true });
  private readonly pending = new Set<Promise<void>>();
  private readonly result: LoadResult = { latencies: [], sendDelays: [], failures: 0, failureCauses: {} };
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
      const finish = (failure: string | null) => {
        if (failure === null) this.result.latencies.push(performance.now() - dueAt);
        else {
          this.result.failures += 1;
          this.result.failureCauses[failure] = (this.result.failureCauses[failure] ?? 0) + 1;
        }
        resolve();
      };
      const causeOf = (error: Error) => (error as NodeJS.ErrnoException).code ?? error.message;
      http
        .get(url, { agent: this.agent, headers: this.headers }, (response) => {
          response.resume();
          response.on('end', () => finish(response.statusCode === 200 ? null : `status ${response.statusCode}`));
          response.on('error', (error) => finish(causeOf(error)));
        })
        .on('error', (error) => finish(causeOf(error)));
    });
    this.pending.add(request);
    void request.then(() => this.pending.delete(request));
  }
}
