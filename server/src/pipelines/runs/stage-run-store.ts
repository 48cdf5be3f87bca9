import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { TABLES, type DbStageRunRow, type DbStageState } from '../../db/tables';

type Queryable = Knex | Knex.Transaction;

/** The columns a new attempt of a stage is written with; the rest take their defaults. */
export interface NewStageRunRow {
  run_id: string;
  stage_name: string;
  stage_index: number;
  counter: number;
  state: 'awaiting_approval' | 'scheduled';
  approval_type: 'success' | 'manual';
  approved_by: string | null;
  approved_at: Knex.Raw | null;
  scheduled_at: Knex.Raw | null;
}

/** The stage runs: every attempt of every stage of a run. Each method works in the connection or transaction it is given. */
export class StageRunStore {
  async byId(q: Queryable, id: string): Promise<DbStageRunRow> {
    return (await q(TABLES.stageRuns).where({ id }).first()) as DbStageRunRow;
  }

  async byIds(q: Queryable, ids: string[]): Promise<DbStageRunRow[]> {
    return (await q(TABLES.stageRuns).whereIn('id', ids)) as DbStageRunRow[];
  }

  /** The stage run, held until the transaction ends. */
  async lock(trx: Knex.Transaction, id: string): Promise<DbStageRunRow | undefined> {
    return (await trx(TABLES.stageRuns).where({ id }).forUpdate().first()) as DbStageRunRow | undefined;
  }

  /** The latest attempt of a stage of a run, held until the transaction ends. */
  async lockLatestAttempt(trx: Knex.Transaction, runId: string, stageName: string): Promise<DbStageRunRow | undefined> {
    return (await trx(TABLES.stageRuns).where({ run_id: runId, stage_name: stageName }).orderBy('counter', 'desc').forUpdate().first()) as
      DbStageRunRow | undefined;
  }

  /** The id of one attempt of a stage of a run (by its counter), or of its latest attempt when `counter` is null. */
  async attemptId(q: Queryable, runId: string, stageName: string, counter: number | null): Promise<string | null> {
    const query = q(TABLES.stageRuns).where({ run_id: runId, stage_name: stageName });
    if (counter !== null) query.andWhere({ counter });
    const row = await query.orderBy('counter', 'desc').first<{ id: string } | undefined>('id');
    return row?.id ?? null;
  }

  /** Every attempt of every stage of these runs, by stage and attempt. */
  async ofRuns(q: Queryable, runIds: string[]): Promise<DbStageRunRow[]> {
    // One array parameter: a dashboard reads thousands of runs, more than a statement's parameters may number.
    return (await q(TABLES.stageRuns).whereRaw('run_id = ANY(?::uuid[])', [runIds]).orderBy(['stage_index', 'counter'])) as DbStageRunRow[];
  }

  /** Every attempt of the run's stages, oldest attempt first. */
  async ofRun(q: Queryable, runId: string): Promise<DbStageRunRow[]> {
    return (await q(TABLES.stageRuns).where({ run_id: runId }).orderBy('counter')) as DbStageRunRow[];
  }

  /** The latest attempt of each stage of the run that has been reached, by stage name. */
  async latestAttempts(q: Queryable, runId: string): Promise<Map<string, DbStageRunRow>> {
    const rows = await this.ofRun(q, runId);
    return new Map(rows.map((row) => [row.stage_name, row]));
  }

  async insert(trx: Knex.Transaction, stage: NewStageRunRow): Promise<DbStageRunRow> {
    const [row] = (await trx(TABLES.stageRuns)
      .insert({ id: randomUUID(), ...stage })
      .returning('*')) as DbStageRunRow[];
    return row;
  }

  /** Any stage run, whatever its state, is running now. */
  async markRunning(trx: Knex.Transaction, id: string): Promise<void> {
    await trx(TABLES.stageRuns).where({ id }).update({ state: 'running', started_at: trx.fn.now() });
  }

  /** A scheduled stage run is running now (its first job was picked up); a stage in another state is left. */
  async markStarted(trx: Knex.Transaction, id: string): Promise<void> {
    await trx(TABLES.stageRuns).where({ id, state: 'scheduled' }).update({ state: 'running', started_at: trx.fn.now() });
  }

  async markApproved(trx: Knex.Transaction, id: string, approvedBy: string): Promise<void> {
    await trx(TABLES.stageRuns).where({ id }).update({ state: 'scheduled', approved_by: approvedBy, approved_at: trx.fn.now(), scheduled_at: trx.fn.now() });
  }

  async markCancelledBy(trx: Knex.Transaction, id: string, cancelledBy: string): Promise<void> {
    await trx(TABLES.stageRuns).where({ id }).update({ cancelled_by: cancelledBy });
  }

  async markCompleted(trx: Knex.Transaction, id: string, state: DbStageState): Promise<void> {
    await trx(TABLES.stageRuns).where({ id }).update({ state, completed_at: trx.fn.now() });
  }
}
