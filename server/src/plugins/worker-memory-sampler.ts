import type { WorkerMemorySample } from './protocol';

/**
 * Inside a worker: samples the worker's own isolate while calls run (an idle worker's memory does
 * not grow, so no timer runs then), after a call unless it sampled within the interval, once more
 * when the worker has been idle for a while (so the host sees what it keeps), and once at the start.
 * `process.memoryUsage()` in a worker thread reports that thread's isolate for the heap, external
 * and array buffer figures (only `rss` is the whole process's), and external includes array buffers.
 */
export class WorkerMemorySampler {
  private peak = 0;
  private running = 0;
  private timer: NodeJS.Timeout | null = null;
  private settleTimer: NodeJS.Timeout | null = null;
  private lastSampleAt = Number.NEGATIVE_INFINITY;
  /** When the last call ended with none left running; null while one runs. */
  private idleSince: number | null = null;

  /** `settleMs`: once the last call has ended, one more sample this much later, whether memory was let go. */
  constructor(
    private readonly intervalMs: number,
    private readonly report: (sample: WorkerMemorySample) => void,
    private readonly settleMs = 1000,
  ) {}

  callStarted(): void {
    this.running += 1;
    this.idleSince = null;
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    // A sampler must never be what keeps a worker alive.
    this.timer.unref();
  }

  /**
   * Samples a call's end unless a sample was taken within the interval: a stream of short calls
   * (a poll a few milliseconds long, dozens a second) costs a sample per interval, not one each.
   */
  callEnded(): void {
    this.running = Math.max(0, this.running - 1);
    if (this.running === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
    if (performance.now() - this.lastSampleAt >= this.intervalMs) this.sample();
    if (this.running > 0) return;
    this.idleSince = performance.now();
    if (this.settleTimer === null) this.settleIn(this.settleMs);
  }

  /** One timer for the settle sample, moved on (not replaced) while calls keep ending. */
  private settleIn(ms: number): void {
    this.settleTimer = setTimeout(() => {
      this.settleTimer = null;
      // A call runs: its end starts the wait again.
      if (this.idleSince === null) return;
      const left = this.idleSince + this.settleMs - performance.now();
      if (left > 0) this.settleIn(left);
      else this.sample();
    }, Math.ceil(ms));
    this.settleTimer.unref();
  }

  sample(): void {
    this.lastSampleAt = performance.now();
    const { heapUsed, external, arrayBuffers } = process.memoryUsage();
    this.peak = Math.max(this.peak, heapUsed + external);
    this.report({ heap_used: heapUsed, external, array_buffers: arrayBuffers, peak_total: this.peak, sampled_at: new Date().toISOString() });
  }
}
