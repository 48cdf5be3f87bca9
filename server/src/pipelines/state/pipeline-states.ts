import type { Database } from '../../db/database';
import { Conflict, InvalidInput, NotFound } from '../../domain-errors';
import type { EventStore } from '../../events/event-store';
import type { Signals } from '../../events/signals';
import type { AuditStore } from '../../security/audit-store';
import type { Actor } from '../../security/roles';
import type { StoredPipeline } from '../definitions/pipeline-store';
import { PipelineStore } from '../definitions/pipeline-store';
import { pauseOf, PipelineStateStore } from './pipeline-state-store';
import { PipelineStatusQueries, type PipelineStatus } from './pipeline-status-queries';

/**
 * Pausing and unpausing pipelines (each audited, with an event), and their status. A paused
 * pipeline withholds its automatic triggers, keeping the newest as pending; manual triggers still
 * run. Unpausing lets the trigger run the pending cause once.
 */
export class PipelineStates {
  private readonly states: PipelineStateStore;
  private readonly statusQueries: PipelineStatusQueries;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditStore,
    private readonly events: EventStore,
    private readonly signals: Signals,
  ) {
    this.states = new PipelineStateStore(db);
    this.statusQueries = new PipelineStatusQueries(db);
  }

  async pause(name: string, reason: string, actor: Actor): Promise<void> {
    if (reason.trim() === '') throw InvalidInput.field('reason', 'say why the pipeline is paused: people who find it paused read this');
    await this.db.knex.transaction(async (trx) => {
      // The row lock run creation takes: a cause is either run before the pause or withheld after it.
      await this.locked(trx, name);
      const current = pauseOf(await this.states.get(name, trx));
      if (current) throw new Conflict(`pipeline '${name}' is already paused, by ${current.by} since ${current.since.toISOString()}: ${current.reason}`);
      await this.states.pause(trx, name, actor.name, reason);
      await this.audit.record({ actor: actor.name, action: 'pipeline.pause', resourceType: 'pipeline', resourceId: name, details: { reason } }, trx);
      await this.events.append(trx, 'pipeline.paused', { pipeline: name, by: actor.name, reason });
    });
    this.signals.eventsWritten();
  }

  async unpause(name: string, actor: Actor): Promise<void> {
    await this.db.knex.transaction(async (trx) => {
      await this.locked(trx, name);
      const state = await this.states.get(name, trx);
      if (!pauseOf(state)) throw new Conflict(`pipeline '${name}' is not paused`);
      const withheld = state?.pending_cause ? state.pending_count : 0;
      await this.states.unpause(trx, name);
      await this.audit.record({ actor: actor.name, action: 'pipeline.unpause', resourceType: 'pipeline', resourceId: name, details: { withheld } }, trx);
      await this.events.append(trx, 'pipeline.unpaused', { pipeline: name, by: actor.name, withheld });
    });
    // The trigger, woken, runs the pending cause.
    this.signals.eventsWritten();
  }

  /** Wakes the trigger, which runs pending causes: a new pipeline's first run. */
  releasePending(): void {
    this.signals.eventsWritten();
  }

  /** The status of each of these pipelines, by name, read together. */
  statuses(pipelines: readonly StoredPipeline[]): Promise<Map<string, PipelineStatus>> {
    return this.statusQueries.statuses(pipelines);
  }

  private async locked(trx: Parameters<typeof PipelineStore.lock>[0], name: string): Promise<void> {
    const pipeline = await new PipelineStore(this.db).get(name, trx, true);
    if (!pipeline) throw new NotFound(`no pipeline named '${name}'`);
  }
}
