import type { Knex } from 'knex';
import type { Database } from '../../db/database';
import { TABLES, UNIQUE_VIOLATION, violatedConstraint, type DbJobConsoleRow, type DbJobState } from '../../db/tables';
import { NotFound } from '../../domain-errors';
import { JobRunStore } from './job-run-store';
import { RunStore } from '../runs/run-store';
import { StageRunStore } from '../runs/stage-run-store';

const FINAL_JOB_STATES: readonly DbJobState[] = ['passed', 'failed', 'cancelled'];
const APPEND_ATTEMPTS = 3;

/** Where a job is, by the names people use. */
export interface JobAddress {
  pipeline: string;
  counter: number;
  stage: string;
  /** Null: the latest attempt of the stage. */
  stageCounter: number | null;
  job: string;
}

export interface ConsolePage {
  pieces: { seq: number; content: string }[];
  /** The job was final before these pieces were read: no more will come once they are through… */
  final: boolean;
  /**
   * …except from the agent of a job cancelled while it ran: it stops the job's processes and
   * writes its last lines after the job became final.
   */
  cancelledWhileRunning: boolean;
}

/** A job's console log, stored in pieces in order, written by agents and read by any process. */
export class JobConsoleStore {
  private readonly runs = new RunStore();
  private readonly stageRuns = new StageRunStore();
  private readonly jobs = new JobRunStore();

  constructor(private readonly db: Database) {}

  /** Adds a piece after the last one. */
  async append(jobId: string, text: string, trx: Knex | Knex.Transaction = this.db.knex): Promise<void> {
    if (text === '') return;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await trx.raw(
          `INSERT INTO ${TABLES.jobConsole} (job_run_id, seq, content)
           SELECT ?, COALESCE(MAX(seq), 0) + 1, ? FROM ${TABLES.jobConsole} WHERE job_run_id = ?`,
          [jobId, text, jobId],
        );
        return;
      } catch (error) {
        // Two writers (an agent and the reaper) may take the same number; the next try takes the next one.
        if (attempt >= APPEND_ATTEMPTS || violatedConstraint(error, UNIQUE_VIOLATION) !== 'job_console_pkey' || trx !== this.db.knex) throw error;
      }
    }
  }

  /** The id of the addressed job; NotFound names what is missing. */
  async locate(address: JobAddress): Promise<string> {
    const runId = await this.runs.idByCounter(this.db.knex, address.pipeline, address.counter);
    if (runId === null) throw new NotFound(`no run ${address.counter} of pipeline '${address.pipeline}'`);
    const stageId = await this.stageRuns.attemptId(this.db.knex, runId, address.stage, address.stageCounter);
    const attempt = address.stageCounter === null ? '' : ` (attempt ${address.stageCounter})`;
    if (stageId === null) throw new NotFound(`${address.pipeline}/${address.counter} has no stage '${address.stage}'${attempt}`);
    const jobId = await this.jobs.idByName(this.db.knex, stageId, address.job);
    if (jobId === null) throw new NotFound(`stage '${address.stage}'${attempt} of ${address.pipeline}/${address.counter} has no job '${address.job}'`);
    return jobId;
  }

  /** Pieces after `afterSeq`, at most `limit`. The state is read first, so a final job's pieces are all there. */
  async read(jobId: string, afterSeq: number, limit: number): Promise<ConsolePage> {
    const job = await this.jobs.stateOf(this.db.knex, jobId);
    const rows = await this.db
      .knex(TABLES.jobConsole)
      .where({ job_run_id: jobId })
      .andWhere('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .select<Pick<DbJobConsoleRow, 'seq' | 'content'>[]>('seq', 'content');
    return {
      pieces: rows.map((r) => ({ seq: Number(r.seq), content: r.content })),
      final: !job || FINAL_JOB_STATES.includes(job.state),
      cancelledWhileRunning: job?.state === 'cancelled' && job.started_at !== null,
    };
  }

  /** The whole log as one text (for tests and small logs). */
  async text(jobId: string): Promise<string> {
    const rows = await this.db.knex(TABLES.jobConsole).where({ job_run_id: jobId }).orderBy('seq').select<{ content: string }[]>('content');
    return rows.map((r) => r.content).join('');
  }
}
