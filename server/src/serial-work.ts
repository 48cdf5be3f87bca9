/**
 * Work that runs one at a time and is asked for again whenever there may be more of it (a tick,
 * a commit in this process): a request while a run is under way asks for exactly one more run
 * after it, so nothing asked for is missed and runs never pile up.
 */
export class SerialWork {
  private running: Promise<void> | null = null;
  private again = false;

  /** `work` must not throw: it reports its own failures. */
  constructor(private readonly work: () => Promise<void>) {}

  /** Runs the work now, or once more after the run under way. */
  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.work().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.request();
      }
    });
  }

  /** Resolves once the run under way (if any) has ended; a run asked for meanwhile may follow. */
  async settled(): Promise<void> {
    await this.running;
  }
}
