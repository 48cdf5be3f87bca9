/**
 * Work that runs one at a time and is asked for again whenever there may be more of it (a tick,
 * a commit in this process): a request while a run is under way asks for exactly one more run
 * after it, so nothing asked for is missed and runs never pile up. With `spacingMs`, a run starts
 * no sooner than that after the one before started: a burst of requests (an event per poll while
 * thousands of packages are polled for the first time) costs a run per spacing, not one each.
 */
export class SerialWork {
  private running: Promise<void> | null = null;
  private again = false;
  private lastStart = Number.NEGATIVE_INFINITY;
  private delayed: NodeJS.Timeout | null = null;

  /** `work` must not throw: it reports its own failures. */
  constructor(
    private readonly work: () => Promise<void>,
    private readonly spacingMs = 0,
  ) {}

  /** Runs the work now (or once the spacing allows), or once more after the run under way. */
  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.delayed) return;
    this.startWhenSpaced();
  }

  /**
   * Resolves once no run is under way or asked for: the run under way, and the one asked for
   * during it, have ended; a run waiting for its spacing starts now.
   */
  async settled(): Promise<void> {
    for (;;) {
      if (this.delayed) this.start();
      if (this.running === null) return;
      await this.running;
    }
  }

  /**
   * Timers run by the event loop's millisecond clock and may fire a little before the spacing
   * has passed by `performance.now()`: such a run waits out the rest.
   */
  private startWhenSpaced(): void {
    const wait = this.lastStart + this.spacingMs - performance.now();
    if (wait > 0) {
      this.delayed = setTimeout(() => {
        this.delayed = null;
        this.startWhenSpaced();
      }, Math.ceil(wait));
      return;
    }
    this.start();
  }

  private start(): void {
    if (this.delayed) clearTimeout(this.delayed);
    this.delayed = null;
    this.lastStart = performance.now();
    this.running = this.work().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.request();
      }
    });
  }
}
