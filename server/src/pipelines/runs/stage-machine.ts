import type { Knex } from 'knex';
import type { DbPipelineRunRow, DbStageRunRow, DbStageState } from '../../db/tables';
import type { EventPayload } from '../../events/event-catalogue';
import type { EventStore } from '../../events/event-store';
import { approvalOf, type PipelineDefinition } from '../definitions/definition';
import { JobRunStore } from '../jobs/job-run-store';
import { PipelineStore } from '../definitions/pipeline-store';
import { afterCommit, secondsBetween, UNOBSERVED, type RunObserver } from './run-observer';
import { RunStore } from './run-store';
import { StageRunStore } from './stage-run-store';

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
  private readonly runs = new RunStore();
  private readonly stageRuns = new StageRunStore();
  private readonly jobs = new JobRunStore();

  constructor(
    private readonly events: EventStore,
    private readonly observer: RunObserver = UNOBSERVED,
  ) {}

  /** Opens a new run's first stage. */
  async startRun(trx: Knex.Transaction, run: DbPipelineRunRow): Promise<void> {
    await this.runs.markActive(trx, run.id);
    await this.enterStage(trx, run, 0, false);
  }

  /** A job reached a final state: moves its stage (and run) on when all its jobs are final. */
  async jobFinished(trx: Knex.Transaction, stageRunId: string): Promise<void> {
    const stage = await this.stageRuns.lock(trx, stageRunId);
    if (!stage || FINAL_STAGE_STATES.includes(stage.state)) return;
    const jobs = await this.jobs.ofStage(trx, stageRunId);
    if (jobs.some((j) => j.state === 'scheduled' || j.state === 'running')) {
      if (stage.state === 'scheduled' && jobs.some((j) => j.state !== 'scheduled')) {
        await this.stageRuns.markRunning(trx, stageRunId);
      }
      return;
    }
    const state: FinalStageState = jobs.every((j) => j.state === 'passed') ? 'passed' : jobs.some((j) => j.state === 'failed') ? 'failed' : 'cancelled';
    await this.completeStage(trx, stage, state);
  }

  /** Marks a stage run as started (its first job was picked up). */
  async jobStarted(trx: Knex.Transaction, stageRunId: string): Promise<void> {
    await this.stageRuns.markStarted(trx, stageRunId);
  }

  /** Approval of a stage that waits for it: it is scheduled now. */
  async approve(trx: Knex.Transaction, stage: DbStageRunRow, approvedBy: string): Promise<void> {
    const run = await this.runOf(trx, stage.run_id);
    await this.stageRuns.markApproved(trx, stage.id, approvedBy);
    const { approved_at } = await this.stageRuns.byId(trx, stage.id);
    const waited = secondsBetween(stage.created_at, approved_at) ?? 0;
    afterCommit(trx, () => this.observer.stageApproved(run.pipeline_name, stage.stage_name, waited));
    await this.createJobs(trx, run, stage.id, stage.stage_index);
  }

  /** Cancels a stage that has not finished; its running jobs are told to stop by their agents. */
  async cancel(trx: Knex.Transaction, stage: DbStageRunRow, cancelledBy: string): Promise<void> {
    await this.jobs.cancelUnfinished(trx, stage.id, `cancelled by ${cancelledBy}`);
    await this.stageRuns.markCancelledBy(trx, stage.id, cancelledBy);
    await this.completeStage(trx, { ...stage, cancelled_by: cancelledBy }, 'cancelled');
  }

  /** Runs a stage again as a new attempt (counter + 1); when it passes, the next automatic stage runs. */
  async rerun(trx: Knex.Transaction, run: DbPipelineRunRow, stageIndex: number, requestedBy: string): Promise<DbStageRunRow> {
    await this.runs.reopen(trx, run.id);
    return this.enterStage(trx, run, stageIndex, true, requestedBy);
  }

  private async completeStage(trx: Knex.Transaction, stage: DbStageRunRow, state: FinalStageState): Promise<void> {
    const run = await this.closeStage(trx, stage, state);
    const definition = run.definition as unknown as PipelineDefinition;
    if (state === 'passed' && stage.stage_index + 1 < definition.stages.length) {
      await this.enterStage(trx, run, stage.stage_index + 1, false);
      return;
    }
    const latest = await this.stageRuns.latestAttempts(trx, run.id);
    await this.withdrawLaterApprovals(trx, latest, stage.stage_index);
    // A later stage cancelled while an earlier one runs again: the run ends when that one does.
    if ([...latest.values()].some((s) => s.state === 'scheduled' || s.state === 'running')) return;
    await this.completeRun(trx, run);
  }

  private async closeStage(trx: Knex.Transaction, stage: DbStageRunRow, state: FinalStageState): Promise<DbPipelineRunRow> {
    await this.stageRuns.markCompleted(trx, stage.id, state);
    const run = await this.runOf(trx, stage.run_id);
    const { scheduled_at, completed_at } = await this.stageRuns.byId(trx, stage.id);
    afterCommit(trx, () => this.observer.stageCompleted(run.pipeline_name, stage.stage_name, state, secondsBetween(scheduled_at, completed_at)));
    await this.events.append(trx, 'stage.run.completed', {
      ...stageOfRun(run, stage),
      state,
      approved_by: stage.approved_by,
      cancelled_by: stage.cancelled_by,
    });
    return run;
  }

  /**
   * The run ends at a stage that did not pass: a later stage still waiting for approval (its
   * approval withdrawn while this one ran again) is cancelled, so that no run ends with a stage
   * waiting and nobody promotes over the failed level. A rerun that passes asks for approval anew.
   */
  private async withdrawLaterApprovals(trx: Knex.Transaction, latest: Map<string, DbStageRunRow>, index: number): Promise<void> {
    for (const stage of latest.values()) {
      if (stage.stage_index > index && stage.state === 'awaiting_approval') await this.closeStage(trx, stage, 'cancelled');
    }
  }

  /**
   * Opens a stage: scheduled with its jobs, or waiting for approval when it is manual (unless
   * forced). A manual stage still waiting from before an earlier stage ran again keeps its
   * attempt: that stage passed, so it may be approved again, and waiting for approval is announced anew.
   */
  private async enterStage(trx: Knex.Transaction, run: DbPipelineRunRow, index: number, forced: boolean, by: string | null = null): Promise<DbStageRunRow> {
    const definition = run.definition as unknown as PipelineDefinition;
    const stageDefinition = definition.stages[index];
    const manual = approvalOf(stageDefinition).type === 'manual';
    const previous = (await this.stageRuns.latestAttempts(trx, run.id)).get(stageDefinition.name);
    const waits = manual && !forced;
    if (waits && previous?.state === 'awaiting_approval') {
      await this.events.append(trx, 'stage.awaiting_approval', stageOfRun(run, previous));
      return previous;
    }
    const stage = await this.stageRuns.insert(trx, {
      run_id: run.id,
      stage_name: stageDefinition.name,
      stage_index: index,
      counter: (previous?.counter ?? 0) + 1,
      state: waits ? 'awaiting_approval' : 'scheduled',
      approval_type: manual ? 'manual' : 'success',
      approved_by: manual && forced ? by : null,
      approved_at: manual && forced ? trx.fn.now() : null,
      scheduled_at: waits ? null : trx.fn.now(),
    });
    if (waits) {
      await this.events.append(trx, 'stage.awaiting_approval', stageOfRun(run, stage));
    } else {
      await this.createJobs(trx, run, stage.id, index);
    }
    return stage;
  }

  private async createJobs(trx: Knex.Transaction, run: DbPipelineRunRow, stageRunId: string, index: number): Promise<void> {
    const definition = run.definition as unknown as PipelineDefinition;
    const jobs = definition.stages[index].jobs;
    await this.jobs.schedule(
      trx,
      stageRunId,
      jobs.map((job) => job.name),
    );
  }

  /** A run is complete; a locked pipeline starts its next waiting run. */
  private async completeRun(trx: Knex.Transaction, run: DbPipelineRunRow): Promise<void> {
    // The pipeline's row, as run creation takes it: a run created meanwhile either sees this one
    // completed (and starts at once) or is seen here waiting (and is started now).
    await PipelineStore.lock(trx, run.pipeline_name);
    await this.runs.markCompleted(trx, run.id);
    const next = await this.runs.nextWaiting(trx, run.pipeline_id);
    if (next) await this.startRun(trx, next);
  }

  private async runOf(trx: Knex.Transaction, runId: string): Promise<DbPipelineRunRow> {
    return this.runs.byId(trx, runId);
  }
}

/** What every stage event says of the stage and its run. */
function stageOfRun(run: DbPipelineRunRow, stage: DbStageRunRow) {
  return {
    pipeline: run.pipeline_name,
    counter: run.counter,
    label: run.label,
    run_id: run.id,
    stage: stage.stage_name,
    stage_counter: stage.counter,
  };
}
