import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Database } from '../../db/database';
import type { EventPayload } from '../../events/event-catalogue';
import { EventConsumerStore } from '../../events/event-consumer-store';
import type { BatonEvent, EventStore } from '../../events/event-store';
import type { PipelineDefinition } from '../definitions/definition';
import type { MaterialResolver } from './material-resolver';
import { loadPipelineGraph } from '../definitions/pipeline-definitions';
import type { RunCreator } from '../runs/run-creator';
import type { TriggerCause } from '../runs/run-model';
import { SerialWork } from '../../serial-work';
import { PendingCauses } from '../state/pending-causes';
import type { PendingCause } from '../state/pipeline-state-store';

const CONSUMER = 'pipeline-triggers';
const LEASE_SECONDS = 30;
const PAGE = 100;
const TRIGGER_EVENTS = ['package.revision.detected', 'stage.run.completed'];

/**
 * Pipelines learn of new revisions and passed stages from the event log, through a durable
 * cursor: an event is handled at least once, across restarts, and the run it causes is created
 * at most once (its cause is the run's unique key). One process at a time holds the consumer's
 * lease; the others take over when it lapses.
 */
/** The payloads of the two events this consumer reads, as their writers append them. */
// Events are read back as the catalogue declares them; the log holds nothing else.
type RevisionDetected = EventPayload<'package.revision.detected'>;
type StageFinished = EventPayload<'stage.run.completed'>;

const WAKE_SPACING_MS = 100;

export class PipelineTriggers {
  private task: ScheduledTask | null = null;
  // Woken after every commit of events in this process: runs at most every 100 ms, so that a burst
  // of events is read in pages rather than one run each.
  private readonly consuming = new SerialWork(
    () => this.consume().catch((error: unknown) => this.logger.error({ err: error }, 'pipeline triggers failed; retrying')),
    WAKE_SPACING_MS,
  );
  private stopped = true;
  private readonly consumers: EventConsumerStore;
  private readonly pending: PendingCauses;

  constructor(
    private readonly db: Database,
    private readonly events: EventStore,
    private readonly resolver: MaterialResolver,
    private readonly creator: RunCreator,
    private readonly owner: string,
    private readonly runCreated: () => void,
    private readonly logger: Logger,
    /** How often to look without being woken: events from other processes sharing the database. */
    private readonly tick = '* * * * * *',
  ) {
    this.consumers = new EventConsumerStore(db);
    this.pending = new PendingCauses(db, resolver, creator, logger);
  }

  async start(): Promise<void> {
    this.stopped = false;
    // A new installation starts from now: events from before there were pipelines trigger nothing.
    const latest = await this.events.latestId();
    await this.consumers.register(CONSUMER, latest);
    this.task = cron.schedule(this.tick, () => this.wake(), { noOverlap: true });
    this.wake();
  }

  wake(): void {
    if (!this.stopped) this.consuming.request();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.task?.stop();
    await this.consuming.settled();
    await this.consumers.release(CONSUMER, this.owner);
  }

  private async consume(): Promise<void> {
    for (;;) {
      const cursor = await this.lease();
      if (cursor === null || this.stopped) return;
      if ((await this.pending.release()) > 0) this.runCreated();
      // Read before the batch: every event up to here was visible when the batch was read, so a
      // batch without trigger events may move the cursor this far without skipping one.
      const ceiling = await this.events.latestId();
      const batch = await this.events.after(cursor, PAGE, TRIGGER_EVENTS);
      const last = batch.length > 0 ? batch[batch.length - 1].id : null;
      if (last === null) {
        if (ceiling > cursor) await this.advance(ceiling);
        return;
      }
      const { graph, createdAt } = await loadPipelineGraph(this.db);
      for (const event of batch) await this.handle(event, graph, createdAt);
      await this.advance(last);
    }
  }

  private async handle(event: BatonEvent, graph: Awaited<ReturnType<typeof loadPipelineGraph>>['graph'], createdAt: Map<string, Date>): Promise<void> {
    const eventTime = new Date(event.occurred_at);
    const born = (p: PipelineDefinition) => (createdAt.get(p.name) ?? eventTime) <= eventTime;
    if (event.type === 'package.revision.detected') {
      const data = event.data as RevisionDetected;
      const { revision } = data;
      for (const { pipeline } of graph.consumersOf(data.repository_name, data.package_name).filter((c) => born(c.pipeline))) {
        const cause: TriggerCause = { kind: 'revision', by: 'system', message: `${data.package_name} ${revision.revision} detected`, event_id: event.id };
        await this.trigger(pipeline, { kind: 'revision', packageId: data.package_id, revisionId: revision.id }, cause, `revision:${revision.id}`);
      }
      return;
    }
    const data = event.data as StageFinished;
    if (data.state !== 'passed') return;
    const upstream = { pipeline: data.pipeline, counter: data.counter, stage: data.stage, stage_counter: data.stage_counter };
    for (const { pipeline } of graph.dependentsOf(upstream.pipeline, upstream.stage).filter((d) => born(d.pipeline))) {
      const cause: TriggerCause = {
        kind: 'upstream',
        by: 'system',
        message: `${upstream.pipeline}/${upstream.counter} ${upstream.stage} passed`,
        event_id: event.id,
        upstream,
      };
      const request: PendingCause['request'] = {
        kind: 'upstream',
        pipeline: upstream.pipeline,
        stage: upstream.stage,
        counter: upstream.counter,
        stageCounter: upstream.stage_counter,
      };
      await this.trigger(pipeline, request, cause, `upstream:${upstream.pipeline}/${upstream.counter}/${upstream.stage}/${upstream.stage_counter}`);
    }
  }

  private async trigger(pipeline: PipelineDefinition, request: PendingCause['request'], cause: TriggerCause, causeKey: string): Promise<void> {
    const resolution = await this.resolver.resolve(pipeline, request);
    if (!resolution.ok) {
      this.logger.info({ pipeline: pipeline.name, cause: causeKey }, `not triggered: ${resolution.reason}`);
      return;
    }
    const input = { pipeline: pipeline.name, resolution, cause, causeKey, idempotency: null, environmentOverrides: {} };
    const result = await this.creator.createUnlessPaused(input, request);
    if ('withheld' in result) {
      this.logger.info({ pipeline: pipeline.name, cause: causeKey }, 'not triggered: the pipeline is paused; the cause is kept for when it is unpaused');
    } else if (result.created) {
      this.logger.info({ pipeline: pipeline.name, counter: result.run.counter, cause: causeKey }, 'run created');
      this.runCreated();
    }
  }

  /** Takes or renews the consumer's lease; answers its cursor, or null when another process holds it. */
  private lease(): Promise<number | null> {
    return this.consumers.lease(CONSUMER, this.owner, LEASE_SECONDS);
  }

  private advance(cursor: number): Promise<void> {
    return this.consumers.advance(CONSUMER, this.owner, cursor);
  }
}
