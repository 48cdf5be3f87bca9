/** At most this many items go into one write; more wait for the next. */
const MAX_BATCH = 64;

interface Waiting<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/**
 * Writes that arrive while one is under way are gathered and written together, in one
 * transaction, as soon as it ends; under load each transaction carries many polls' writes instead
 * of one. With `spacingMs`, writes also start at most once per that many milliseconds: what
 * arrives sooner after the last one started waits for the rest of the spacing, gathering what
 * comes meanwhile. An item after a quiet spell is written at once. When a write fails, every item
 * in it fails with the same error; a caller that wants its own item written alone writes it
 * itself.
 */
export class GroupCommit<T, R> {
  private waiting: Waiting<T, R>[] = [];
  private writing = false;
  private timer: NodeJS.Timeout | null = null;
  /** performance.now() when the last write started. */
  private lastStart = -Infinity;

  /** `write` answers one result per item, in their order. */
  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly spacingMs = 0,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.writing) this.schedule();
    });
  }

  /** Writes what waits now, or once the spacing since the last write has passed. */
  private schedule(): void {
    if (this.waiting.length === 0) return;
    const wait = this.lastStart + this.spacingMs - performance.now();
    if (wait <= 0 || this.waiting.length >= MAX_BATCH) void this.writeBatch();
    else this.timer ??= setTimeout(() => void this.writeBatch(), wait);
  }

  private async writeBatch(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.writing = true;
    const batch = this.waiting.splice(0, MAX_BATCH);
    this.lastStart = performance.now();
    try {
      const results = await this.write(batch.map((w) => w.item));
      batch.forEach((w, k) => w.resolve(results[k]));
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
    this.writing = false;
    this.schedule();
  }
}
