import type { Logger } from 'pino';
import type { JobQueue } from './job-queue';

/**
 * Fails jobs whose lease expired, periodically. Every process runs it, with or without a local
 * agent: the process whose agent died cannot.
 */
export class JobReaper {
  private timer: NodeJS.Timeout | null = null;
  private reaping: Promise<void> = Promise.resolve();
  private busy = false;

  constructor(
    private readonly queue: JobQueue,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.reapNow(), this.intervalMs);
    this.timer.unref();
    this.reapNow();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.reaping;
  }

  private reapNow(): void {
    if (this.busy) return;
    this.busy = true;
    this.reaping = this.queue
      .reapExpired()
      .then(
        () => undefined,
        (error: unknown) => this.logger.error({ err: error }, 'could not fail jobs whose agent was lost'),
      )
      .finally(() => {
        this.busy = false;
      });
  }
}
