import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { TABLES, type DbJobRunRow, type DbJobState } from '../../db/tables';

type Queryable = Knex | Knex.Transaction;

/** Narrows which rows a change applies to (a lease owner, an expired lease). */
export type JobCondition = (q: Knex.QueryBuilder) => Knex.QueryBuilder;

/** The job runs of every stage run. Each method works in the connection or transaction it is given. */
export class JobRunStore {
  /** Creates the jobs of a stage run, all scheduled. */
  async schedule(trx: Knex.Transaction, stageRunId: string, jobNames: string[]): Promise<void> {
    await trx(TABLES.jobRuns).insert(jobNames.map((name) => ({ id: randomUUID(), stage_run_id: stageRunId, job_name: name, state: 'scheduled' })));
  }

  async ofStage(q: Queryable, stageRunId: string): Promise<DbJobRunRow[]> {
    return (await q(TABLES.jobRuns).where({ stage_run_id: stageRunId })) as DbJobRunRow[];
  }

  /** The jobs of these stage runs, by name. */
  async ofStages(q: Queryable, stageRunIds: string[]): Promise<DbJobRunRow[]> {
    // One array parameter: a dashboard reads thousands of stage runs, more than a statement's parameters may number.
    return (await q(TABLES.jobRuns).whereRaw('stage_run_id = ANY(?::uuid[])', [stageRunIds]).orderBy('job_name')) as DbJobRunRow[];
  }

  async idByName(q: Queryable, stageRunId: string, jobName: string): Promise<string | null> {
    const row = await q(TABLES.jobRuns).where({ stage_run_id: stageRunId, job_name: jobName }).first<{ id: string } | undefined>('id');
    return row?.id ?? null;
  }

  async stateOf(q: Queryable, id: string): Promise<{ state: DbJobState; started_at: Date | null } | undefined> {
    return q(TABLES.jobRuns).where({ id }).first<{ state: DbJobState; started_at: Date | null } | undefined>('state', 'started_at');
  }

  async stageRunIdOf(q: Queryable, id: string): Promise<string | null> {
    const row = await q(TABLES.jobRuns).where({ id }).first<Pick<DbJobRunRow, 'stage_run_id'> | undefined>('stage_run_id');
    return row?.stage_run_id ?? null;
  }

  /**
   * Ids of scheduled jobs of stages still in progress, those of the oldest runs first, each held
   * with its stage row until the transaction ends.
   */
  async lockClaimable(trx: Knex.Transaction, max: number): Promise<string[]> {
    const { rows } = await trx.raw<{ rows: { id: string }[] }>(CLAIM_SQL, [max]);
    return rows.map((row) => row.id);
  }

  /** Marks the jobs running under `owner`'s lease, which lasts until `leaseExpiry`. */
  async markRunning(trx: Knex.Transaction, ids: string[], owner: string, leaseExpiry: Knex.Raw): Promise<DbJobRunRow[]> {
    return (await trx(TABLES.jobRuns)
      .whereIn('id', ids)
      .update({ state: 'running', lease_owner: owner, lease_expires_at: leaseExpiry, started_at: trx.fn.now() })
      .returning('*')) as DbJobRunRow[];
  }

  /** Extends the leases `owner` holds on these running jobs; answers the ids renewed. */
  async renewLeases(q: Queryable, owner: string, ids: readonly string[], leaseExpiry: Knex.Raw): Promise<string[]> {
    const renewed = await q(TABLES.jobRuns)
      .whereIn('id', [...ids])
      .andWhere({ lease_owner: owner, state: 'running' })
      .update({ lease_expires_at: leaseExpiry })
      .returning<{ id: string }[]>('id');
    return renewed.map((row) => row.id);
  }

  /** Running jobs whose lease ran out (or never had one), oldest expiry first, at most `limit`. */
  async expiredLeases(q: Queryable, limit: number): Promise<Pick<DbJobRunRow, 'id' | 'lease_owner'>[]> {
    return q(TABLES.jobRuns)
      .where({ state: 'running' })
      .andWhere(leaseExpired(q))
      .orderBy('lease_expires_at')
      .limit(limit)
      .select<Pick<DbJobRunRow, 'id' | 'lease_owner'>[]>('id', 'lease_owner');
  }

  /** The condition that a job's lease ran out, by the database clock. */
  leaseExpired(q: Queryable): JobCondition {
    return (query) => query.andWhere(leaseExpired(q));
  }

  /** Makes a running job final if `condition` holds; answers when it started and ended, or null when it did not. */
  async finish(
    trx: Knex.Transaction,
    id: string,
    outcome: { state: 'passed' | 'failed'; result: string },
    condition: JobCondition,
  ): Promise<Pick<DbJobRunRow, 'started_at' | 'completed_at'> | null> {
    const [finished] = await condition(trx(TABLES.jobRuns).where({ id, state: 'running' }))
      .update({ state: outcome.state, result: outcome.result, lease_expires_at: null, completed_at: trx.fn.now() })
      .returning<Pick<DbJobRunRow, 'started_at' | 'completed_at'>[]>(['started_at', 'completed_at']);
    return finished ?? null;
  }

  /** How many jobs wait for an agent and how many run now, whichever process scheduled or claimed them. */
  async countActive(q: Queryable): Promise<{ scheduled: number; running: number }> {
    const rows = await q(TABLES.jobRuns)
      .whereIn('state', ['scheduled', 'running'])
      .groupBy('state')
      .select<{ state: DbJobState; count: number }[]>('state', q.raw('count(*)::integer as count'));
    const of = (state: DbJobState) => rows.find((row) => row.state === state)?.count ?? 0;
    return { scheduled: of('scheduled'), running: of('running') };
  }

  /** Cancels the stage run's jobs that have not finished. */
  async cancelUnfinished(trx: Knex.Transaction, stageRunId: string, result: string): Promise<void> {
    await trx(TABLES.jobRuns)
      .where({ stage_run_id: stageRunId })
      .whereIn('state', ['scheduled', 'running'])
      .update({ state: 'cancelled', result, completed_at: trx.fn.now() });
  }
}

function leaseExpired(q: Queryable) {
  return (w: Knex.QueryBuilder) => {
    w.whereNull('lease_expires_at').orWhere('lease_expires_at', '<', q.fn.now());
  };
}

// Scheduled jobs of stages still in progress, those of the oldest runs first: a run already under
// way moves on to its next stage before newer runs start, so promotions finish rather than pile up
// half done. Both the job and its stage row are taken without waiting (SKIP LOCKED): a stage being
// cancelled or moved on is left for later. The one query of this class that reads other tables:
// the order and the stage lock need them, in the same statement as the job's lock.
const CLAIM_SQL = `
  SELECT j.id
    FROM ${TABLES.jobRuns} j
    JOIN ${TABLES.stageRuns} s ON s.id = j.stage_run_id
    JOIN ${TABLES.pipelineRuns} r ON r.id = s.run_id
   WHERE j.state = 'scheduled' AND s.state IN ('scheduled', 'running')
   ORDER BY r.created_at, r.id, j.scheduled_at, j.id
   LIMIT ?
   FOR UPDATE OF j, s SKIP LOCKED`;
