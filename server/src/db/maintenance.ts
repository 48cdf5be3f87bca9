import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Database } from './database';
import { TABLES, WEBHOOK_TABLES } from './tables';

/** Tables rewritten on every poll or delivery: their dead row versions pile up fastest. */
const BUSY_TABLES = [TABLES.packagePollState, TABLES.repositoryPollState, WEBHOOK_TABLES.webhooks];

/** How often the embedded database's tables are checked for growth since their last analysis. */
const GROWTH_CHECK_MS = 15_000;

/**
 * A table is analyzed again once it has more than twice the pages its statistics describe, and
 * at least this many: below that every plan reads the whole table anyway.
 */
const GROWTH_FLOOR_PAGES = 8;

/**
 * The embedded database has no autovacuum: every poll leaves a dead row version behind, so the
 * busiest tables would grow by hundreds of megabytes a day and their queries slow down. Baton
 * vacuums and analyzes them itself, every minute: each poll also leaves a dead entry in the
 * next-poll index, and the claim's scan of the due packages walks every one of them until a
 * vacuum removes them (thousands a minute with thousands of repositories; vacuuming 5,000
 * repositories' tables takes about 30 ms). PostgreSQL does this on its own.
 *
 * Nor does it analyze on its own: without statistics the planner takes every table for a few
 * rows, and the poll claim, joining the poll states, packages and repositories, turns into nested
 * loops whose cost grows with the square of the repositories — while the one connection it holds
 * is also the one every API request waits for. So the tables are analyzed at start, and again
 * whenever one has grown to more than twice the size its statistics knew (registering thousands of
 * packages does that within a minute), a check that reads only the catalog.
 */
export class DatabaseMaintenance {
  private task: ScheduledTask | null = null;
  private growthTimer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly schedule = '* * * * *',
    private readonly growthCheckMs = GROWTH_CHECK_MS,
  ) {}

  start(): void {
    if (this.db.kind !== 'embedded') return;
    this.task = cron.schedule(
      this.schedule,
      () => {
        this.running = this.running.then(() => this.vacuum());
      },
      { noOverlap: true },
    );
    this.running = this.running.then(() => this.analyzeGrownQuietly());
    this.growthTimer = setInterval(() => {
      this.running = this.running.then(() => this.analyzeGrownQuietly());
    }, this.growthCheckMs);
    this.growthTimer.unref();
  }

  async stop(): Promise<void> {
    await this.task?.stop();
    this.task = null;
    if (this.growthTimer) clearInterval(this.growthTimer);
    this.growthTimer = null;
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

  private async analyzeGrownQuietly(): Promise<void> {
    await this.analyzeGrown();
  }

  /**
   * Analyzes the tables of the current schema that have outgrown their statistics (or have none
   * and hold more than a few pages); answers their names.
   */
  async analyzeGrown(): Promise<string[]> {
    const started = Date.now();
    try {
      const result = await this.db.knex.raw<{ rows: { name: string }[] }>(
        `SELECT c.relname AS name
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = current_schema() AND c.relkind = 'r'
            AND pg_relation_size(c.oid) / current_setting('block_size')::int > greatest(2 * c.relpages, ?)`,
        [GROWTH_FLOOR_PAGES],
      );
      const names = result.rows.map((r) => r.name);
      if (names.length === 0) return [];
      await this.db.knex.raw(`ANALYZE ${names.map((n) => `"${n.replace(/"/g, '""')}"`).join(', ')}`);
      this.logger.debug({ ms: Date.now() - started, tables: names }, 'grown tables analyzed');
      return names;
    } catch (error) {
      this.logger.warn({ err: error }, 'could not analyze the grown tables');
      return [];
    }
  }
}
