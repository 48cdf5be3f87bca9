import { getHeapStatistics } from 'node:v8';
import type { WorkerMemorySample } from './protocol';

/**
 * Inside a worker: samples the worker's own isolate while calls run (an idle worker's memory does
 * not grow, so no timer runs then), once after each call (the sample goes with the call's answer)
 * and once more when the worker has been idle for a while (so the host sees what it keeps), and
 * once at the start.
 *
 * The heap and external figures come from V8's heap statistics, which are the isolate's own
 * counters. `process.memoryUsage()` reports the same two, and is the only source of the array
 * buffer figure, but it also reads the process's resident size from the kernel: a tenth of a
 * yum worker's time when it ran after every poll. It is read at most once per sampling interval
 * and at every sample taken on the timers; a call's end otherwise carries the array buffer figure
 * of the last such read. External (which includes array buffers) is always current, and it is
 * what the host checks against its limit.
 */
export class WorkerMemorySampler {
  private peak = 0;
  private running = 0;
  private timer: NodeJS.Timeout | null = null;
  private settleTimer: NodeJS.Timeout | null = null;
  private arrayBuffers = 0;
  /** performance.now() of the last full read; -Infinity before the first. */
  private fullReadAt = -Infinity;

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

  /** Ends a call and answers its sample, for the caller to send with the call's answer. */
  callEnded(): WorkerMemorySample {
    this.running = Math.max(0, this.running - 1);
    if (this.running === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
    const sample = this.take(performance.now() - this.fullReadAt >= this.intervalMs);
    if (this.running > 0) return sample;
    if (this.settleTimer !== null) clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => {
      this.settleTimer = null;
      this.sample();
    }, this.settleMs);
    this.settleTimer.unref();
    return sample;
  }

  /** Takes a full sample and reports it. */
  sample(): void {
    this.report(this.take(true));
  }

  private take(full: boolean): WorkerMemorySample {
    let heapUsed: number;
    let external: number;
    if (full) {
      ({ heapUsed, external, arrayBuffers: this.arrayBuffers } = process.memoryUsage());
      this.fullReadAt = performance.now();
    } else {
      ({ used_heap_size: heapUsed, external_memory: external } = getHeapStatistics());
    }
    this.peak = Math.max(this.peak, heapUsed + external);
    return { heap_used: heapUsed, external, array_buffers: Math.min(this.arrayBuffers, external), peak_total: this.peak, sampled_at: new Date().toISOString() };
  }
}
