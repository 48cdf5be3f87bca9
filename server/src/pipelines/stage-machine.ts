import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { TABLES, type DbJobRunRow, type DbPipelineRunRow, type DbStageRunRow, type DbStageState } from '../db/tables';
import type { EventPayload } from '../events/event-catalogue';
import type { EventLog } from '../events/event-log';
import { approvalOf, type PipelineDefinition } from './definition';

type FinalStageState = EventPayload<'stage.run.completed'>['state'];

const FINAL_STAGE_STATES: readonly DbStageState[] = ['passed', 'failed', 'cancelled'];

/**
 * The life of a run's stages — promotion levels. Every move happens inside the caller's
 * transaction and writes its events there: a stage is scheduled (with its jobs) when the previous
 * one passes, or waits for approval when it is manual; it passes when all its jobs pass; a run is
 * complete when a stage fails or is cancelled, or the last one passes. A locked pipeline starts
 * its next waiting run then.
 */
export class StageMachine {
  constructor(private readonly events: EventLog) {}

  /** Opens a new run's first stage. */
  async startRun(trx: Knex.Transaction, run: DbPipelineRunRow): Promise<void> {
    await trx(TABLES.pipelineRuns).where({ id: run.id }).update({ status: 'active' });
    await this.enterStage(trx, run, 0, false);
  }

  /** A job reached a final state: moves its stage (and run) on when all its jobs are final. */
  async jobFinished(trx: Knex.Transaction, stageRunId: string): Promise<void> {
    const stage = (await trx(TABLES.stageRuns).where({ id: stageRunId }).forUpdate().first()) as DbStageRunRow | undefined;
    if (!stage || FINAL_STAGE_STATES.includes(stage.state)) return;
    const jobs = (await trx(TABLES.jobRuns).where({ stage_run_id: stageRunId })) as DbJobRunRow[];
    if (jobs.some((j) => j.state === 'scheduled' || j.state === 'running')) {
      if (stage.state === 'scheduled' && jobs.some((j) => j.state !== 'scheduled')) {
        await trx(TABLES.stageRuns).where({ id: stageRunId }).update({ state: 'running', started_at: trx.fn.now() });
      }
      return;
    }
    const state: FinalStageState = jobs.every((j) => j.state === 'passed') ? 'passed' : jobs.some((j) => j.state === 'failed') ? 'failed' : 'cancelled';
    await this.completeStage(trx, stage, state);
  }

  /** Marks a stage run as started (its first job was picked up). */
  async jobStarted(trx: Knex.Transaction, stageRunId: string): Promise<void> {
    await trx(TABLES.stageRuns).where({ id: stageRunId, state: 'scheduled' }).update({ state: 'running', started_at: trx.fn.now() });
  }

  /** Approval of a stage that waits for it: it is scheduled now. */
  async approve(trx: Knex.Transaction, stage: DbStageRunRow, approvedBy: string): Promise<void> {
    const run = await this.runOf(trx, stage.run_id);
    await trx(TABLES.stageRuns)
      .where({ id: stage.id })
      .update({ state: 'scheduled', approved_by: approvedBy, approved_at: trx.fn.now(), scheduled_at: trx.fn.now() });
    await this.createJobs(trx, run, stage.id, stage.stage_index);
  }

  /** Cancels a stage that has not finished; its running jobs are told to stop by their agents. */
  async cancel(trx: Knex.Transaction, stage: DbStageRunRow, cancelledBy: string): Promise<void> {
    await trx(TABLES.jobRuns)
      .where({ stage_run_id: stage.id })
      .whereIn('state', ['scheduled', 'running'])
      .update({ state: 'cancelled', result: `cancelled by ${cancelledBy}`, completed_at: trx.fn.now() });
    await trx(TABLES.stageRuns).where({ id: stage.id }).update({ cancelled_by: cancelledBy });
    await this.completeStage(trx, { ...stage, cancelled_by: cancelledBy }, 'cancelled');
  }

  /** Runs a stage again as a new attempt (counter + 1); when it passes, the next automatic stage runs. */
  async rerun(trx: Knex.Transaction, run: DbPipelineRunRow, stageIndex: number, requestedBy: string): Promise<DbStageRunRow> {
    await trx(TABLES.pipelineRuns).where({ id: run.id }).update({ status: 'active', completed_at: null });
    return this.enterStage(trx, run, stageIndex, true, requestedBy);
  }

  private async completeStage(trx: Knex.Transaction, stage: DbStageRunRow, state: FinalStageState): Promise<void> {
    await trx(TABLES.stageRuns).where({ id: stage.id }).update({ state, completed_at: trx.fn.now() });
    const run = await this.runOf(trx, stage.run_id);
    await this.events.append(trx, 'stage.run.completed', {
      pipeline: run.pipeline_name,
      counter: run.counter,
      label: run.label,
      run_id: run.id,
      stage: stage.stage_name,
      stage_counter: stage.counter,
      state,
      approved_by: stage.approved_by,
      cancelled_by: stage.cancelled_by,
    });
    const definition = run.definition as unknown as PipelineDefinition;
    if (state === 'passed' && stage.stage_index + 1 < definition.stages.length) {
      await this.enterStage(trx, run, stage.stage_index + 1, false);
      return;
    }
    await this.completeRun(trx, run);
  }

  /** Opens a stage: scheduled with its jobs, or waiting for approval when it is manual (unless forced). */
  private async enterStage(trx: Knex.Transaction, run: DbPipelineRunRow, index: number, forced: boolean, by: string | null = null): Promise<DbStageRunRow> {
    const definition = run.definition as unknown as PipelineDefinition;
    const stageDefinition = definition.stages[index];
    const manual = approvalOf(stageDefinition).type === 'manual';
    const previous = (await trx(TABLES.stageRuns).where({ run_id: run.id, stage_name: stageDefinition.name }).max('counter as counter').first()) as {
      counter: number | null;
    };
    const waits = manual && !forced;
    const [stage] = (await trx(TABLES.stageRuns)
      .insert({
        id: randomUUID(),
        run_id: run.id,
        stage_name: stageDefinition.name,
        stage_index: index,
        counter: Number(previous?.counter ?? 0) + 1,
        state: waits ? 'awaiting_approval' : 'scheduled',
        approval_type: manual ? 'manual' : 'success',
        approved_by: manual && forced ? by : null,
        approved_at: manual && forced ? trx.fn.now() : null,
        scheduled_at: waits ? null : trx.fn.now(),
      })
      .returning('*')) as DbStageRunRow[];
    if (waits) {
      await this.events.append(trx, 'stage.awaiting_approval', {
        pipeline: run.pipeline_name,
        counter: run.counter,
        label: run.label,
        run_id: run.id,
        stage: stage.stage_name,
        stage_counter: stage.counter,
      });
    } else {
      await this.createJobs(trx, run, stage.id, index);
    }
    return stage;
  }

  private async createJobs(trx: Knex.Transaction, run: DbPipelineRunRow, stageRunId: string, index: number): Promise<void> {
    const definition = run.definition as unknown as PipelineDefinition;
    const jobs = definition.stages[index].jobs;
    await trx(TABLES.jobRuns).insert(jobs.map((job) => ({ id: randomUUID(), stage_run_id: stageRunId, job_name: job.name, state: 'scheduled' })));
  }

  /** A run is complete; a locked pipeline starts its next waiting run. */
  private async completeRun(trx: Knex.Transaction, run: DbPipelineRunRow): Promise<void> {
    // The pipeline's row, as run creation takes it: a run created meanwhile either sees this one
    // completed (and starts at once) or is seen here waiting (and is started now).
    await trx(TABLES.pipelines).where({ name: run.pipeline_name }).forUpdate().first('name');
    await trx(TABLES.pipelineRuns).where({ id: run.id }).update({ status: 'completed', completed_at: trx.fn.now() });
    const next = (await trx(TABLES.pipelineRuns).where({ pipeline_name: run.pipeline_name, status: 'waiting' }).orderBy('counter').forUpdate().first()) as
      DbPipelineRunRow | undefined;
    if (next) await this.startRun(trx, next);
  }

  private async runOf(trx: Knex.Transaction, runId: string): Promise<DbPipelineRunRow> {
    return (await trx(TABLES.pipelineRuns).where({ id: runId }).first()) as DbPipelineRunRow;
  }
}
