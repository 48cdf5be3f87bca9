import type { Knex } from 'knex';
import type { Database } from '../../db/database';
import { TABLES, type DbRunStatus, type DbStageState } from '../../db/tables';
import type { PipelineDefinition } from '../definitions/definition';
import { StageRunStore } from '../runs/stage-run-store';
import { pauseOf, PipelineStateStore, type Pause } from './pipeline-state-store';

type Queryable = Knex | Knex.Transaction;

/** What a pipeline is doing, shown next to its definition. */
export interface PipelineStatus {
  paused: Pause | null;
  /** Causes withheld while paused (or a first run waiting for the unpause), not run yet. */
  withheldCauses: number;
  /** The pipeline runs one run at a time and one has not finished: new runs wait for it. */
  locked: boolean;
  latestRun: LatestRun | null;
  runsAwaitingApproval: number;
}

export interface LatestRun {
  counter: number;
  label: string;
  status: DbRunStatus;
  /** Every stage of the run's definition, with its latest attempt's state and counter. */
  stages: { name: string; state: DbStageState; counter: number | null }[];
}

/**
 * The status of pipelines, read for a whole page at once: one query per part (the states, the
 * latest runs, their stages, the unfinished runs, the runs waiting for approval), however many
 * pipelines the page holds. A read model: what one table answers, it asks of that table's store.
 */
export class PipelineStatusQueries {
  constructor(private readonly db: Database) {}

  /** The statuses of these (live) pipelines, by name. */
  statuses(pipelines: readonly StatusOf[], q: Queryable = this.db.knex): Promise<Map<string, PipelineStatus>> {
    return pipelineStatuses(q, pipelines);
  }
}

/** A pipeline whose status is read: by id, since a deleted pipeline of the same name keeps its own runs. */
interface StatusOf {
  id: string;
  name: string;
  definition: PipelineDefinition;
}

async function pipelineStatuses(q: Queryable, pipelines: readonly StatusOf[]): Promise<Map<string, PipelineStatus>> {
  const ids = pipelines.map((p) => p.id);
  if (ids.length === 0) return new Map();
  // One after another: `q` may be a transaction, which has one connection.
  const states = await PipelineStateStore.ofPipelines(q, ids);
  const latest = await latestRuns(q, ids);
  const unfinished = await countByPipeline(
    q,
    q.from(TABLES.pipelineRuns).whereIn('pipeline_id', ids).whereIn('status', ['active', 'waiting']),
    'pipeline_id',
    'count(*)',
  );
  const awaiting = await countByPipeline(
    q,
    q
      .from(`${TABLES.stageRuns} as s`)
      .join(`${TABLES.pipelineRuns} as r`, 'r.id', 's.run_id')
      .where('s.state', 'awaiting_approval')
      .whereIn('r.pipeline_id', ids),
    'r.pipeline_id',
    'count(DISTINCT r.id)',
  );
  const stages =
    latest.length > 0
      ? await new StageRunStore().ofRuns(
          q,
          latest.map((run) => run.id),
        )
      : [];
  const runs = new Map(latest.map((run) => [run.pipeline_id, run]));
  return new Map(
    pipelines.map((pipeline) => {
      const state = states.get(pipeline.id);
      const run = runs.get(pipeline.id);
      const paused = pauseOf(state);
      const status: PipelineStatus = {
        paused,
        // Not paused, a pending cause is only on its way to the trigger: nothing is withheld.
        withheldCauses: paused && state?.pending_cause ? state.pending_count : 0,
        locked: pipeline.definition.lock === true && (unfinished.get(pipeline.id) ?? 0) > 0,
        latestRun: run ? latestRunOf(run, stages) : null,
        runsAwaitingApproval: awaiting.get(pipeline.id) ?? 0,
      };
      return [pipeline.name, status];
    }),
  );
}

interface LatestRunRow {
  id: string;
  pipeline_id: string;
  counter: number;
  label: string;
  status: DbRunStatus;
  definition: PipelineDefinition;
}

/** Each pipeline's newest run: one index lookup per pipeline, in one statement. */
async function latestRuns(q: Queryable, ids: readonly string[]): Promise<LatestRunRow[]> {
  const values = ids.map(() => '(?::uuid)').join(', ');
  const result = await q.raw<{ rows: LatestRunRow[] }>(
    `SELECT r.id, r.pipeline_id, r.counter, r.label, r.status, r.definition
       FROM (VALUES ${values}) AS p(id)
       CROSS JOIN LATERAL (
         SELECT id, pipeline_id, counter, label, status, definition FROM ${TABLES.pipelineRuns}
          WHERE pipeline_id = p.id ORDER BY counter DESC LIMIT 1
       ) AS r`,
    [...ids],
  );
  return result.rows;
}

async function countByPipeline(q: Queryable, query: Knex.QueryBuilder, column: string, count: string): Promise<Map<string, number>> {
  const rows = await query.groupBy(column).select<{ pipeline_id: string; n: string | number }[]>(`${column} as pipeline_id`, q.raw(`${count} AS n`));
  return new Map(rows.map((row) => [row.pipeline_id, Number(row.n)]));
}

function latestRunOf(run: LatestRunRow, attempts: readonly { run_id: string; stage_name: string; state: DbStageState; counter: number }[]): LatestRun {
  const latest = new Map<string, { state: DbStageState; counter: number }>();
  // Oldest attempt first: the last one seen is the latest.
  for (const attempt of attempts) if (attempt.run_id === run.id) latest.set(attempt.stage_name, attempt);
  return {
    counter: run.counter,
    label: run.label,
    status: run.status,
    // A run's stored definition is what it ran with; one without stages (imported, hand-made) shows none.
    stages: (run.definition.stages ?? []).map((stage) => {
      const attempt = latest.get(stage.name);
      return { name: stage.name, state: attempt?.state ?? 'not_run', counter: attempt?.counter ?? null };
    }),
  };
}
