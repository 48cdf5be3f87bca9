import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { JobAssignment } from '../../agents/job-assignment';
import type { JobSource } from '../../agents/job-source';
import type { Database } from '../../db/database';
import type { JobAssignments, ClaimedJob } from './job-assignments';
import type { JobConsoleStore } from './job-console-store';
import { JobRunStore, type JobCondition } from './job-run-store';
import { RunStore } from '../runs/run-store';
import { StageRunStore } from '../runs/stage-run-store';
import type { StageMachine } from '../runs/stage-machine';
import { afterCommit, secondsBetween, type RunObserver } from '../runs/run-observer';

export interface JobQueueOptions {
  /** How long a running job's lease lasts without a heartbeat. */
  leaseSeconds: number;
}

/**
 * Told after a commit that moved a stage or a run on (its events are written): wake streams and
 * webhooks; and of each job made final, for the metrics.
 */
export interface JobQueueObserver extends Pick<RunObserver, 'jobCompleted'> {
  jobsChanged(): void;
}

export const AGENT_LOST = 'agent lost';
const REAP_BATCH = 100;
const RESULT_MAX_LENGTH = 1000;

/**
 * Scheduled jobs handed to agents over the database. A claim takes the scheduled jobs of the
 * oldest runs first, skipping rows another claimer holds, and marks them running under a lease (owner and expiry by
 * the database clock) that heartbeats renew. A job's final state and the stage machine's move
 * are one transaction; a job whose lease ran out (its process died) is failed as "agent lost" by
 * the reaper, so nothing stays running forever. Stage rows are locked before job rows, as
 * cancelling does, so the two never wait on each other in a circle.
 */
export class JobQueue implements JobSource {
  private readonly jobs = new JobRunStore();
  private readonly stageRuns = new StageRunStore();
  private readonly runs = new RunStore();

  constructor(
    private readonly db: Database,
    private readonly stages: StageMachine,
    private readonly assignments: JobAssignments,
    private readonly jobConsole: JobConsoleStore,
    private readonly options: JobQueueOptions,
    private readonly observer: JobQueueObserver,
    private readonly logger: Logger,
  ) {}

  async claim(owner: string, max: number): Promise<JobAssignment[]> {
    if (max <= 0) return [];
    const claimed = await this.db.knex.transaction((trx) => this.claimRows(trx, owner, max));
    const assigned: JobAssignment[] = [];
    // Assignments read the materials outside the claim: the embedded database has one connection.
    for (const job of claimed) {
      try {
        assigned.push(await this.assignments.build(job));
      } catch (error) {
        // A job that cannot be failed now is left to its lease; the others still run.
        await this.refuse(owner, job, error as Error).catch((refusal: unknown) => {
          this.logger.error({ err: refusal, job: job.job.id }, 'a job that cannot run could not be failed; its lease will expire');
        });
      }
    }
    return assigned;
  }

  async heartbeat(owner: string, jobIds: readonly string[]): Promise<string[]> {
    if (jobIds.length === 0) return [];
    const kept = new Set(await this.jobs.renewLeases(this.db.knex, owner, jobIds, this.leaseExpiry(this.db.knex)));
    return jobIds.filter((id) => !kept.has(id));
  }

  appendConsole(jobId: string, text: string): Promise<void> {
    return this.jobConsole.append(jobId, text);
  }

  async complete(owner: string, jobId: string, passed: boolean, result: string): Promise<boolean> {
    const completed = await this.finish(jobId, { state: passed ? 'passed' : 'failed', result }, (q) => q.andWhere({ lease_owner: owner }));
    if (completed) this.observer.jobsChanged();
    return completed;
  }

  /** Fails running jobs whose lease expired; answers how many. */
  async reapExpired(): Promise<number> {
    const expired = await this.jobs.expiredLeases(this.db.knex, REAP_BATCH);
    let reaped = 0;
    for (const job of expired) {
      const note = `[baton] ${AGENT_LOST}: the lease of ${job.lease_owner ?? 'its agent'} expired without a heartbeat; the job is failed and its stage can be run again\n`;
      const expiredNow = this.jobs.leaseExpired(this.db.knex);
      if (await this.finish(job.id, { state: 'failed', result: AGENT_LOST, note }, expiredNow)) reaped += 1;
    }
    if (reaped > 0) {
      this.logger.warn({ jobs: reaped }, 'jobs whose agent was lost are failed');
      this.observer.jobsChanged();
    }
    return reaped;
  }

  private async claimRows(trx: Knex.Transaction, owner: string, max: number): Promise<ClaimedJob[]> {
    const ids = await this.jobs.lockClaimable(trx, max);
    if (ids.length === 0) return [];
    const jobs = await this.jobs.markRunning(trx, ids, owner, this.leaseExpiry(trx));
    const stageIds = [...new Set(jobs.map((j) => j.stage_run_id))];
    for (const stageId of stageIds) await this.stages.jobStarted(trx, stageId);
    const stages = new Map((await this.stageRuns.byIds(trx, stageIds)).map((s) => [s.id, s]));
    const runIds = [...new Set([...stages.values()].map((s) => s.run_id))];
    const runs = new Map((await this.runs.byIds(trx, runIds)).map((r) => [r.id, r]));
    const order = new Map(ids.map((id, index) => [id, index]));
    return jobs
      .sort((a, b) => order.get(a.id)! - order.get(b.id)!)
      .map((job) => {
        const stage = stages.get(job.stage_run_id)!;
        return { job, stage, run: runs.get(stage.run_id)! };
      });
  }

  /** A claimed job that cannot be assigned fails at once, with the reason in its console. */
  private async refuse(owner: string, claimed: ClaimedJob, error: Error): Promise<void> {
    this.logger.warn({ err: error, job: claimed.job.id, pipeline: claimed.run.pipeline_name }, 'a job cannot run');
    const note = `[baton] the job cannot run: ${error.message}\n`;
    if (await this.finish(claimed.job.id, { state: 'failed', result: error.message, note }, (q) => q.andWhere({ lease_owner: owner }))) {
      this.observer.jobsChanged();
    }
  }

  /**
   * Makes a running job final, if `condition` still holds, and moves its stage on in the same
   * transaction. The stage row is locked first, in the order cancelling locks them.
   */
  private async finish(jobId: string, outcome: { state: 'passed' | 'failed'; result: string; note?: string }, condition: JobCondition): Promise<boolean> {
    return this.db.knex.transaction(async (trx) => {
      const stageRunId = await this.jobs.stageRunIdOf(trx, jobId);
      if (stageRunId === null) return false;
      await this.stageRuns.lock(trx, stageRunId);
      const finished = await this.jobs.finish(trx, jobId, { state: outcome.state, result: outcome.result.slice(0, RESULT_MAX_LENGTH) }, condition);
      if (!finished) return false;
      afterCommit(trx, () => this.observer.jobCompleted(outcome.state, secondsBetween(finished.started_at, finished.completed_at)));
      if (outcome.note) await this.jobConsole.append(jobId, outcome.note, trx);
      await this.stages.jobFinished(trx, stageRunId);
      return true;
    });
  }

  private leaseExpiry(knex: Knex | Knex.Transaction): Knex.Raw {
    return knex.raw('now() + make_interval(secs => ?)', [this.options.leaseSeconds]);
  }
}
