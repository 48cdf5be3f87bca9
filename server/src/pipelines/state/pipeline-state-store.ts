import type { Knex } from 'knex';
import type { Database } from '../../db/database';
import { TABLES, type DbPipelineStateRow } from '../../db/tables';
import { PipelineStore } from '../definitions/pipeline-store';
import type { TriggerCause } from '../runs/run-model';
import type { TriggerRequest } from '../triggers/material-resolver';

type Queryable = Knex | Knex.Transaction;

/**
 * A cause the pipeline has not run for yet, as the trigger would have used it: resolved again
 * when it is released, and run under its cause key, so that it makes one run however often it is
 * released. A manual trigger is never pending: it runs, paused or not.
 */
export interface PendingCause {
  request: Exclude<TriggerRequest, { kind: 'manual' }>;
  cause: TriggerCause;
  causeKey: string;
}

/** Who paused a pipeline, why and when. */
export interface Pause {
  by: string;
  reason: string;
  since: Date;
}

/**
 * The `pipeline_states` table: what a pipeline is doing apart from its definition. Pausing is
 * state, so it does not change the definition's version (its ETag), and pipelines defined in
 * files can be paused. A pipeline without a row is not paused and has nothing pending.
 */
export class PipelineStateStore {
  constructor(private readonly db: Database) {}

  /** A new pipeline's state, in the transaction that creates it: paused from the start or not, and the cause of its first run. */
  static async create(trx: Knex.Transaction, pipeline: string, pause: { by: string; reason: string } | null, pending: PendingCause | null): Promise<void> {
    await trx(TABLES.pipelineStates)
      .insert({
        pipeline_id: PipelineStore.liveId(trx, pipeline),
        ...pausedColumns(trx, pause),
        pending_cause: pending ? JSON.stringify(pending) : null,
        pending_count: pending ? 1 : 0,
        pending_since: pending ? trx.fn.now() : null,
      })
      .onConflict('pipeline_id')
      .merge();
  }

  async get(pipeline: string, q: Queryable = this.db.knex): Promise<DbPipelineStateRow | null> {
    return ((await q(TABLES.pipelineStates).where('pipeline_id', PipelineStore.liveId(q, pipeline)).first()) as DbPipelineStateRow | undefined) ?? null;
  }

  /** The states of these pipelines, by id; pipelines without one are absent. */
  static async ofPipelines(q: Queryable, ids: readonly string[]): Promise<Map<string, DbPipelineStateRow>> {
    if (ids.length === 0) return new Map();
    const rows = (await q(TABLES.pipelineStates).whereIn('pipeline_id', ids)) as DbPipelineStateRow[];
    return new Map(rows.map((row) => [row.pipeline_id, row]));
  }

  async pause(trx: Knex.Transaction, pipeline: string, by: string, reason: string): Promise<void> {
    await trx(TABLES.pipelineStates)
      .insert({ pipeline_id: PipelineStore.liveId(trx, pipeline), ...pausedColumns(trx, { by, reason }) })
      .onConflict('pipeline_id')
      .merge([...PAUSED_COLUMNS, 'updated_at']);
  }

  async unpause(trx: Knex.Transaction, pipeline: string): Promise<void> {
    await trx(TABLES.pipelineStates).where('pipeline_id', PipelineStore.liveId(trx, pipeline)).update(pausedColumns(trx, null));
  }

  /**
   * Records a cause a paused pipeline would have run for: the newest replaces the one before,
   * and each new cause (by its key) is counted.
   */
  async withhold(trx: Knex.Transaction, pipeline: string, pending: PendingCause): Promise<void> {
    await trx(TABLES.pipelineStates)
      .where('pipeline_id', PipelineStore.liveId(trx, pipeline))
      .update({
        pending_cause: JSON.stringify(pending),
        pending_count: trx.raw("pending_count + (CASE WHEN pending_cause ->> 'causeKey' IS DISTINCT FROM ? THEN 1 ELSE 0 END)", [pending.causeKey]),
        pending_since: trx.raw('coalesce(pending_since, now())'),
        updated_at: trx.fn.now(),
      });
  }

  /** The pending causes of pipelines that are not paused: each is to run once. */
  async releasable(q: Queryable = this.db.knex): Promise<{ pipeline: string; pending: PendingCause }[]> {
    const rows = await q(TABLES.pipelineStates)
      .whereNotNull('pending_cause')
      .whereNull('paused_at')
      .orderBy('pending_since')
      .select<Pick<DbPipelineStateRow, 'pipeline_id' | 'pending_cause'>[]>('pipeline_id', 'pending_cause');
    // A deleted pipeline's pending cause stays with it, never to run.
    const names = await PipelineStore.liveNames(
      q,
      rows.map((row) => row.pipeline_id),
    );
    return rows.flatMap((row) => {
      const pipeline = names.get(row.pipeline_id);
      return pipeline === undefined ? [] : [{ pipeline, pending: row.pending_cause as unknown as PendingCause }];
    });
  }

  /** Forgets the pending cause once it has run (or cannot), unless a newer one replaced it meanwhile. */
  async clearPending(pipeline: string, causeKey: string, q: Queryable = this.db.knex): Promise<void> {
    await q(TABLES.pipelineStates)
      .where('pipeline_id', PipelineStore.liveId(q, pipeline))
      .whereRaw("pending_cause ->> 'causeKey' = ?", [causeKey])
      .update({ pending_cause: null, pending_count: 0, pending_since: null, updated_at: q.fn.now() });
  }
}

const PAUSED_COLUMNS = ['paused_by', 'paused_reason', 'paused_at'] as const;

function pausedColumns(q: Queryable, pause: { by: string; reason: string } | null) {
  return pause
    ? { paused_by: pause.by, paused_reason: pause.reason, paused_at: q.fn.now(), updated_at: q.fn.now() }
    : { paused_by: null, paused_reason: null, paused_at: null, updated_at: q.fn.now() };
}

/** The pause a state row records, if it is paused. */
export function pauseOf(row: DbPipelineStateRow | null | undefined): Pause | null {
  if (!row?.paused_at || row.paused_by === null || row.paused_reason === null) return null;
  return { by: row.paused_by, reason: row.paused_reason, since: row.paused_at };
}
