import type { Static } from '@sinclair/typebox';
import type { Knex } from 'knex';
import type { DbJobRunRow, DbPipelineRunRow, DbStageRunRow } from '../../db/tables';
import type { PipelineDefinition } from '../definitions/definition';
import { PipelineStore } from '../definitions/pipeline-store';
import { JobRunStore } from '../jobs/job-run-store';
import type { BuildCause } from './run-model';
import type { Run, StageRun } from './run-schemas';
import { approvalWithdrawn } from './stage-gates';
import { StageRunStore } from './stage-run-store';

/** A run as the API shows it: its build cause and every stage (attempts of the latest counter), with jobs. */
export type RunView = Static<typeof Run>;

export type StageView = Static<typeof StageRun>;

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** Builds the views of several runs with three queries for all of them. */
export async function runViews(q: Knex | Knex.Transaction, runs: DbPipelineRunRow[]): Promise<RunView[]> {
  if (runs.length === 0) return [];
  const deletions = await PipelineStore.deletions(
    q,
    runs.map((r) => r.pipeline_id),
  );
  const stages = await new StageRunStore().ofRuns(
    q,
    runs.map((r) => r.id),
  );
  const jobs = stages.length
    ? await new JobRunStore().ofStages(
        q,
        stages.map((s) => s.id),
      )
    : [];
  // Grouped once: a dashboard asks for the views of a thousand runs at a time.
  const stagesOfRun = groupBy(stages, (s) => s.run_id);
  const jobsOfStage = groupBy(jobs, (j) => j.stage_run_id);
  return runs.map((run) => {
    const definition = run.definition as unknown as PipelineDefinition;
    const latest = new Map<string, DbStageRunRow>();
    for (const stage of stagesOfRun.get(run.id) ?? []) latest.set(stage.stage_name, stage);
    const deletedAt = deletions.get(run.pipeline_id) ?? null;
    const names = definition.stages.map((s) => s.name);
    return {
      pipeline: run.pipeline_name,
      pipeline_deleted: deletedAt !== null,
      pipeline_deleted_at: iso(deletedAt),
      counter: run.counter,
      label: run.label,
      status: run.status,
      created_at: run.created_at.toISOString(),
      completed_at: iso(run.completed_at),
      build_cause: run.build_cause as unknown as BuildCause,
      stages: definition.stages.map((stage, index) => {
        const view = stageView(stage.name, stage.approval?.type ?? 'success', latest.get(stage.name), jobsOfStage);
        return { ...view, approvable: view.state === 'awaiting_approval' && approvalWithdrawn(names, index, latest) === null };
      }),
    };
  });
}

/** The items by key, each list in the order the items came. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

function stageView(
  name: string,
  approval: 'success' | 'manual',
  stage: DbStageRunRow | undefined,
  jobsOfStage: Map<string, DbJobRunRow[]>,
): Omit<StageView, 'approvable'> {
  if (!stage) {
    return {
      name,
      counter: null,
      state: 'not_run',
      approval_type: approval,
      approved_by: null,
      approved_at: null,
      cancelled_by: null,
      scheduled_at: null,
      started_at: null,
      completed_at: null,
      jobs: [],
    };
  }
  return {
    name,
    counter: stage.counter,
    state: stage.state,
    approval_type: stage.approval_type,
    approved_by: stage.approved_by,
    approved_at: iso(stage.approved_at),
    cancelled_by: stage.cancelled_by,
    scheduled_at: iso(stage.scheduled_at),
    started_at: iso(stage.started_at),
    completed_at: iso(stage.completed_at),
    jobs: (jobsOfStage.get(stage.id) ?? []).map((j) => ({
      name: j.job_name,
      state: j.state,
      result: j.result,
      started_at: iso(j.started_at),
      completed_at: iso(j.completed_at),
    })),
  };
}
