import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Database } from './database';
import { TABLES, WEBHOOK_TABLES } from './tables';

/** Tables rewritten on every poll or delivery: their dead row versions pile up fastest. */
const BUSY_TABLES = [TABLES.packagePollState, TABLES.repositoryPollState, WEBHOOK_TABLES.webhooks];

/**
 * The embedded database has no autovacuum: every poll leaves a dead row version behind, so the
 * busiest tables would grow by hundreds of megabytes a day and their queries slow down. Baton
 * vacuums and analyzes them itself, every ten minutes. PostgreSQL does this on its own.
 */
export class DatabaseMaintenance {
  private task: ScheduledTask | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly schedule = '*/10 * * * *',
  ) {}

  start(): void {
    if (this.db.kind !== 'embedded') return;
    this.task = cron.schedule(
      this.schedule,
      () => {
        this.running = this.vacuum();
      },
      { noOverlap: true },
    );
  }

  async stop(): Promise<void> {
    await this.task?.stop();
    this.task = null;
    await this.running;
  }

  async vacuum(): Promise<void> {
    const started = Date.now();
    try {
      await this.db.knex.raw(`VACUUM (ANALYZE) ${BUSY_TABLES.join(', ')}`);
      this.logger.debug({ ms: Date.now() - started }, 'busy tables vacuumed');
    } catch (error) {
      this.logger.warn({ err: error }, 'could not vacuum the busy tables');
    }
  }
}
