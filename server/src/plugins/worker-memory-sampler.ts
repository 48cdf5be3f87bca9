import type { WorkerMemorySample } from './protocol';

/**
 * Inside a worker: samples the worker's own isolate while calls run (an idle worker's memory does
 * not grow, so no timer runs then), once after each call and once more when the worker has been
 * idle for a while (so the host sees what it keeps), and once at the start.
 * `process.memoryUsage()` in a worker thread reports that thread's isolate for the heap, external
 * and array buffer figures (only `rss` is the whole process's), and external includes array buffers.
 */
export class WorkerMemorySampler {
  private peak = 0;
  private running = 0;
  private timer: NodeJS.Timeout | null = null;
  private settleTimer: NodeJS.Timeout | null = null;

  /** `settleMs`: once the last call has ended, one more sample this much later, whether memory was let go. */
  constructor(
    private readonly intervalMs: number,
    private readonly report: (sample: WorkerMemorySample) => void,
    private readonly settleMs = 1000,
  ) {}

  callStarted(): void {
    this.running += 1;
    if (this.settleTimer !== null) clearTimeout(this.settleTimer);
    this.settleTimer = null;
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    // A sampler must never be what keeps a worker alive.
    this.timer.unref();
  }

  callEnded(): void {
    this.running = Math.max(0, this.running - 1);
    if (this.running === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
    this.sample();
    if (this.running > 0) return;
    if (this.settleTimer !== null) clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => {
      this.settleTimer = null;
      this.sample();
    }, this.settleMs);
    this.settleTimer.unref();
  }

  sample(): void {
    const { heapUsed, external, arrayBuffers } = process.memoryUsage();
    this.peak = Math.max(this.peak, heapUsed + external);
    this.report({ heap_used: heapUsed, external, array_buffers: arrayBuffers, peak_total: this.peak, sampled_at: new Date().toISOString() });
  }
}
