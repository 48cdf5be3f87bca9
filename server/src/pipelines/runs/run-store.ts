import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { keysetPage, type Page, type PageRequest } from '../../db/pagination';
import { TABLES, type DbPipelineRunRow, type DbRunPackageRevisionRow, type DbTriggerKind } from '../../db/tables';
import { PipelineStore } from '../definitions/pipeline-store';

type Queryable = Knex | Knex.Transaction;

const NEWEST_RUN_FIRST = {
  expression: 'counter',
  idColumn: 'id',
  direction: 'desc' as const,
  valueOf: (row: Record<string, unknown>) => Number(row['counter']),
  kinds: { value: 'integer' as const, id: 'uuid' as const },
};

/** The columns a new run is written with; the rest take their defaults. */
export interface NewRunRow {
  pipeline_id: string;
  pipeline_name: string;
  counter: number;
  label: string;
  definition: string;
  build_cause: string;
  environment_overrides: string;
  cause_key: string | null;
  idempotency_key: string | null;
  idempotency_token_id: string | null;
  idempotency_body_sha256: string | null;
  trigger_kind: DbTriggerKind;
  triggered_by: string;
  status: 'active' | 'waiting';
}

/**
 * The pipeline runs and the package revisions each run carries. Every method takes the connection
 * or transaction to work in, so that a run's moves stay inside their caller's transaction.
 *
 * A run belongs to one pipeline (`pipeline_id`), and a name may have had several: what decides the
 * next run (causes, keys, locks, what changed) asks about the live pipeline of the name only.
 * Counters go on across the pipelines of a name, so a name and a counter find one run of any.
 */
export class RunStore {
  async byId(q: Queryable, id: string): Promise<DbPipelineRunRow> {
    return (await q(TABLES.pipelineRuns).where({ id }).first()) as DbPipelineRunRow;
  }

  async byIds(q: Queryable, ids: string[]): Promise<DbPipelineRunRow[]> {
    return (await q(TABLES.pipelineRuns).whereIn('id', ids)) as DbPipelineRunRow[];
  }

  async byCounter(q: Queryable, pipeline: string, counter: number): Promise<DbPipelineRunRow | null> {
    return ((await q(TABLES.pipelineRuns).where({ pipeline_name: pipeline, counter }).first()) as DbPipelineRunRow | undefined) ?? null;
  }

  async idByCounter(q: Queryable, pipeline: string, counter: number): Promise<string | null> {
    const row = await q(TABLES.pipelineRuns).where({ pipeline_name: pipeline, counter }).first<{ id: string } | undefined>('id');
    return row?.id ?? null;
  }

  async byCauseKey(q: Queryable, pipeline: string, causeKey: string): Promise<DbPipelineRunRow | undefined> {
    return liveRuns(q, pipeline).where({ cause_key: causeKey }).first<DbPipelineRunRow | undefined>();
  }

  async byIdempotencyKey(q: Queryable, pipeline: string, key: string): Promise<DbPipelineRunRow | undefined> {
    return (await liveRuns(q, pipeline).where({ idempotency_key: key }).first()) as DbPipelineRunRow | undefined;
  }

  /** The pipeline's newest run, to tell which materials changed. */
  async latest(q: Queryable, pipeline: string): Promise<DbPipelineRunRow | null> {
    return ((await liveRuns(q, pipeline).orderBy('counter', 'desc').first()) as DbPipelineRunRow | undefined) ?? null;
  }

  /** The newest runs of the pipeline, at most `limit`. */
  async newest(q: Queryable, pipeline: string, limit: number): Promise<DbPipelineRunRow[]> {
    return (await liveRuns(q, pipeline).orderBy('counter', 'desc').limit(limit)) as DbPipelineRunRow[];
  }

  /**
   * The newest runs of each of these pipelines (by id: a deleted one's runs stay its own), at most
   * `limit` each, newest first within each: one index lookup per pipeline, in one statement.
   */
  async newestOfEach(q: Queryable, pipelineIds: readonly string[], limit: number): Promise<DbPipelineRunRow[]> {
    if (pipelineIds.length === 0) return [];
    const values = pipelineIds.map(() => '(?::uuid, ?::integer)').join(', ');
    const result = await q.raw<{ rows: DbPipelineRunRow[] }>(
      `SELECT r.* FROM (VALUES ${values}) AS p(id, position)
         CROSS JOIN LATERAL (
           SELECT * FROM ${TABLES.pipelineRuns} WHERE pipeline_id = p.id ORDER BY counter DESC, id DESC LIMIT ?
         ) AS r
        ORDER BY p.position, r.counter DESC, r.id DESC`,
      [...pipelineIds.flatMap((id, position) => [id, position]), limit],
    );
    return result.rows;
  }

  /** Runs of the name, newest first, a page at a time: of one pipeline of it, or (null) of every one. */
  page(q: Queryable, pipeline: string, pipelineId: string | null, page: PageRequest): Promise<Page<DbPipelineRunRow & Record<string, unknown>>> {
    const query = q(TABLES.pipelineRuns).where({ pipeline_name: pipeline });
    if (pipelineId !== null) query.where({ pipeline_id: pipelineId });
    return keysetPage<DbPipelineRunRow & Record<string, unknown>>(query.select('*'), NEWEST_RUN_FIRST, page);
  }

  /** The oldest run of the pipeline, other than `exceptId`, that is active or waiting. */
  async firstUnfinished(q: Queryable, pipeline: string, exceptId: string | null = null): Promise<{ id: string; counter: number } | undefined> {
    const query = liveRuns(q, pipeline).whereIn('status', ['active', 'waiting']);
    if (exceptId !== null) query.whereNot({ id: exceptId });
    return query.orderBy('counter').first<{ id: string; counter: number } | undefined>('id', 'counter');
  }

  /** The oldest run of the pipeline (by id: live or deleted) waiting for its lock, held until the transaction ends. */
  async nextWaiting(trx: Knex.Transaction, pipelineId: string): Promise<DbPipelineRunRow | undefined> {
    return (await trx(TABLES.pipelineRuns).where({ pipeline_id: pipelineId, status: 'waiting' }).orderBy('counter').forUpdate().first()) as
      DbPipelineRunRow | undefined;
  }

  /**
   * Whether some run of the pipeline had this material at this revision: `match` is one entry of
   * the build cause's materials (or the part of it that identifies the revision).
   */
  async hasRunWithMaterial(q: Queryable, pipeline: string, match: Record<string, unknown>): Promise<boolean> {
    const row = await liveRuns(q, pipeline)
      .whereRaw("build_cause->'materials' @> ?::jsonb", [JSON.stringify([match])])
      .first<{ id: string } | undefined>('id');
    return row !== undefined;
  }

  async insert(trx: Knex.Transaction, run: NewRunRow): Promise<DbPipelineRunRow> {
    const [row] = (await trx(TABLES.pipelineRuns)
      .insert({ id: randomUUID(), ...run })
      .returning('*')) as DbPipelineRunRow[];
    return row;
  }

  /** Holds the run's row until the transaction ends. */
  async lock(trx: Knex.Transaction, id: string): Promise<void> {
    await trx(TABLES.pipelineRuns).where({ id }).forUpdate();
  }

  async markActive(trx: Knex.Transaction, id: string): Promise<void> {
    await trx(TABLES.pipelineRuns).where({ id }).update({ status: 'active' });
  }

  /** A completed run becomes active again (a stage of it runs again). */
  async reopen(trx: Knex.Transaction, id: string): Promise<void> {
    await trx(TABLES.pipelineRuns).where({ id }).update({ status: 'active', completed_at: null });
  }

  async markCompleted(trx: Knex.Transaction, id: string): Promise<void> {
    await trx(TABLES.pipelineRuns).where({ id }).update({ status: 'completed', completed_at: trx.fn.now() });
  }

  /** Records the package revisions a new run carries. */
  async carry(trx: Knex.Transaction, carried: DbRunPackageRevisionRow[]): Promise<void> {
    if (carried.length > 0) await trx(TABLES.runPackageRevisions).insert(carried);
  }

  /** Package id → revision id of every package a run carries. */
  async carried(q: Queryable, runId: string): Promise<Map<string, number>> {
    const rows = (await q(TABLES.runPackageRevisions).where({ run_id: runId })) as { package_id: string; revision_id: number }[];
    return new Map(rows.map((r) => [r.package_id, Number(r.revision_id)]));
  }

  /** Every run that carried this package revision, oldest first. */
  async carrying(q: Queryable, revisionId: number): Promise<DbPipelineRunRow[]> {
    return (await q(`${TABLES.pipelineRuns} as r`)
      .join(`${TABLES.runPackageRevisions} as c`, 'c.run_id', 'r.id')
      .where('c.revision_id', revisionId)
      .select('r.*')
      .orderBy([{ column: 'r.created_at' }, { column: 'r.pipeline_name' }, { column: 'r.counter' }])) as DbPipelineRunRow[];
  }
}

/** The runs of the live pipeline of this name. */
function liveRuns(q: Queryable, pipeline: string): Knex.QueryBuilder {
  return q(TABLES.pipelineRuns).where({ pipeline_name: pipeline }).whereIn('pipeline_id', PipelineStore.liveId(q, pipeline));
}
