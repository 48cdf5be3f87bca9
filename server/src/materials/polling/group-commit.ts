/** At most this many items go into one write; more wait for the next. */
const MAX_BATCH = 64;

interface Waiting<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/**
 * Writes that arrive while one is under way are gathered and written together, in one
 * transaction, as soon as it ends: nothing waits for a timer, and under load each transaction
 * carries many polls' writes instead of one. When a write fails, every item in it fails with
 * the same error; a caller that wants its own item written alone writes it itself.
 */
export class GroupCommit<T, R> {
  private waiting: Waiting<T, R>[] = [];
  private writing = false;

  /** `write` answers one result per item, in their order. */
  constructor(private readonly write: (items: T[]) => Promise<R[]>) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MAX_BATCH);
      try {
        const results = await this.write(batch.map((w) => w.item));
        batch.forEach((w, k) => w.resolve(results[k]));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    this.writing = false;
  }
}
