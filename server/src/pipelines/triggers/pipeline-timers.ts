import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Database } from '../../db/database';
import type { TimerDefinition } from '../definitions/definition';
import type { MaterialResolver } from './material-resolver';
import { PipelineStore } from '../definitions/pipeline-store';
import type { RunCreator } from '../runs/run-creator';

const SYNC_EVERY_MS = 10_000;

/**
 * Timer-triggered runs. Every process schedules every pipeline's timer; the fire time is the
 * run's cause, so however many processes fire, one run is created. With `only_on_changes`, a
 * timer whose materials hold nothing the pipeline has not run with creates nothing.
 */
export class PipelineTimers {
  private readonly tasks = new Map<string, { key: string; task: ScheduledTask }>();
  private sync: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Database,
    private readonly resolver: MaterialResolver,
    private readonly creator: RunCreator,
    private readonly runCreated: () => void,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.sync = setInterval(
      () => void this.refresh().catch((error: unknown) => this.logger.warn({ err: error }, 'timers could not be refreshed')),
      SYNC_EVERY_MS,
    );
    this.sync.unref();
  }

  async stop(): Promise<void> {
    if (this.sync) clearInterval(this.sync);
    for (const { task } of this.tasks.values()) await task.stop();
    this.tasks.clear();
  }

  /** Brings the schedules in line with the current definitions. */
  async refresh(): Promise<void> {
    const rows = await new PipelineStore(this.db).definitions();
    const wanted = new Map<string, TimerDefinition>();
    for (const row of rows) {
      const timer = row.definition.timer;
      if (timer) wanted.set(row.name, timer);
    }
    for (const [name, scheduled] of this.tasks) {
      const timer = wanted.get(name);
      if (!timer || keyOf(timer) !== scheduled.key) {
        await scheduled.task.stop();
        this.tasks.delete(name);
      }
    }
    for (const [name, timer] of wanted) {
      if (this.tasks.has(name)) continue;
      const task = cron.schedule(timer.spec, (context) => void this.fire(name, context.date), { timezone: timer.timezone ?? 'UTC', noOverlap: true });
      this.tasks.set(name, { key: keyOf(timer), task });
    }
  }

  /** One fire of a pipeline's timer; public so that the rule can be exercised without waiting for the clock. */
  async fire(name: string, at: Date): Promise<boolean> {
    const definition = (await new PipelineStore(this.db).get(name))?.definition;
    if (!definition?.timer) return false;
    const firedAt = new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString();
    try {
      const resolution = await this.resolver.resolve(definition, { kind: 'timer' });
      if (!resolution.ok) return this.skipped(name, resolution.reason);
      if (definition.timer.only_on_changes && !(await this.resolver.hasNewRevision(name, resolution.materials))) {
        return this.skipped(name, 'every material is at a revision the pipeline has run with');
      }
      const result = await this.creator.createUnlessPaused(
        {
          pipeline: name,
          resolution,
          cause: { kind: 'timer', by: 'system', message: `timer ${definition.timer.spec}`, fired_at: firedAt },
          causeKey: `timer:${firedAt}`,
          idempotency: null,
          environmentOverrides: {},
        },
        { kind: 'timer' },
      );
      if ('withheld' in result) return this.skipped(name, 'the pipeline is paused; the fire is kept for when it is unpaused');
      if (result.created) this.runCreated();
      return result.created;
    } catch (error) {
      this.logger.error({ err: error, pipeline: name }, 'timer trigger failed');
      return false;
    }
  }

  private skipped(name: string, reason: string): false {
    this.logger.info({ pipeline: name }, `timer did not trigger: ${reason}`);
    return false;
  }
}

function keyOf(timer: TimerDefinition): string {
  return `${timer.spec}|${timer.timezone ?? 'UTC'}|${timer.only_on_changes ?? false}`;
}
