import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DbTriggerKind } from '../db/tables';
import type { JobResult, RunObserver, StageResult } from '../pipelines/runs/run-observer';

/** How many jobs wait for an agent and how many run, as the database holds them now. */
export interface ActiveJobs {
  waiting: number;
  running: number;
}
export type ActiveJobsSource = () => Promise<ActiveJobs>;

export interface PipelineMetricsOptions {
  /** Read when scraped; without it the job gauges are left out. */
  activeJobs: ActiveJobsSource | null;
  /** Distinct pipeline/stage pairs that get series of their own; later pairs share `(other)`. */
  stageSeriesLimit: number;
}

/** The label values of the pairs beyond the limit: not a valid pipeline or stage name, so never mistaken for one. */
export const OTHER_STAGES = '(other)';
export const STAGE_SERIES_LIMIT = 200;

const TRIGGERS: readonly DbTriggerKind[] = ['revision', 'upstream', 'timer', 'manual'];
const STAGE_RESULTS: readonly StageResult[] = ['passed', 'failed', 'cancelled'];
const JOB_RESULTS: readonly JobResult[] = ['passed', 'failed'];
// From a job that only copies a file (1 s) to a long test suite or a slow deployment (4 h).
const WORK_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400];
// From an approval given at once to one given after a weekend (3 days) or a week.
const APPROVAL_BUCKETS = [60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 259200, 604800];
// Both job gauges, and scrapes close together, share one query.
const ACTIVE_JOBS_MAX_AGE_MS = 1000;

/**
 * Runs, stages and jobs for Prometheus. Counters and histograms count what this process did (sum
 * them over processes); the job gauges are the database's state, the same from every process.
 */
export class PipelineMetrics implements RunObserver {
  private readonly runs: Counter<'trigger'>;
  private readonly stages: Counter<'pipeline' | 'stage' | 'result'>;
  private readonly stageDuration: Histogram<'pipeline' | 'stage' | 'result'>;
  private readonly approvalWait: Histogram<'pipeline' | 'stage'>;
  private readonly jobDuration: Histogram<'result'>;
  private readonly stagesLabelled = new Set<string>();
  private lastReading: { readAt: number; counts: Promise<ActiveJobs | null> } | null = null;

  constructor(
    registry: Registry,
    prefix: string,
    private readonly options: PipelineMetricsOptions,
  ) {
    const registers = [registry];
    this.runs = new Counter({ name: `${prefix}pipeline_runs_created_total`, help: 'Pipeline runs created, by trigger.', labelNames: ['trigger'], registers });
    this.stages = new Counter({
      name: `${prefix}stage_runs_completed_total`,
      help: 'Stage attempts that ended, by pipeline, stage and result.',
      labelNames: ['pipeline', 'stage', 'result'],
      registers,
    });
    this.stageDuration = new Histogram({
      name: `${prefix}stage_duration_seconds`,
      help: 'From a stage attempt being scheduled (after its approval) to its end, by pipeline, stage and result.',
      labelNames: ['pipeline', 'stage', 'result'],
      buckets: WORK_BUCKETS,
      registers,
    });
    this.approvalWait = new Histogram({
      name: `${prefix}stage_approval_wait_seconds`,
      help: 'How long a manual stage waited for its approval, observed when approved, by pipeline and stage.',
      labelNames: ['pipeline', 'stage'],
      buckets: APPROVAL_BUCKETS,
      registers,
    });
    this.jobDuration = new Histogram({
      name: `${prefix}job_duration_seconds`,
      help: 'From a job being claimed by an agent to its result, by result.',
      labelNames: ['result'],
      buckets: WORK_BUCKETS,
      registers,
    });
    if (options.activeJobs) this.registerJobGauges(registers, prefix, options.activeJobs);
    // Known values start at zero, so that rate() sees the first of each.
    for (const trigger of TRIGGERS) this.runs.labels(trigger).inc(0);
    for (const result of JOB_RESULTS) this.jobDuration.zero({ result });
  }

  runCreated(trigger: DbTriggerKind): void {
    this.runs.labels(trigger).inc();
  }

  stageCompleted(pipeline: string, stage: string, result: StageResult, seconds: number | null): void {
    const [p, s] = this.stageLabels(pipeline, stage);
    this.stages.labels(p, s, result).inc();
    if (seconds !== null) this.stageDuration.labels(p, s, result).observe(seconds);
  }

  stageApproved(pipeline: string, stage: string, waitedSeconds: number): void {
    const [p, s] = this.stageLabels(pipeline, stage);
    this.approvalWait.labels(p, s).observe(waitedSeconds);
  }

  jobCompleted(result: JobResult, seconds: number | null): void {
    if (seconds !== null) this.jobDuration.labels(result).observe(seconds);
  }

  /**
   * A pair's own labels while fewer than the limit have been seen, `(other)` for both after: the
   * names come from definitions, but pipelines made and deleted all day must not grow the series
   * without bound. A pair's results start at zero when it is first seen.
   */
  private stageLabels(pipeline: string, stage: string): [string, string] {
    const key = JSON.stringify([pipeline, stage]);
    if (this.stagesLabelled.has(key)) return [pipeline, stage];
    if (this.stagesLabelled.size >= this.options.stageSeriesLimit) return [OTHER_STAGES, OTHER_STAGES];
    this.stagesLabelled.add(key);
    for (const result of STAGE_RESULTS) this.stages.labels(pipeline, stage, result).inc(0);
    return [pipeline, stage];
  }

  private registerJobGauges(registers: Registry[], prefix: string, source: ActiveJobsSource): void {
    const gauge = (name: string, help: string, pick: (counts: ActiveJobs) => number) => {
      const read = () => this.readActiveJobs(source);
      return new Gauge({
        name: `${prefix}${name}`,
        help,
        registers,
        async collect() {
          const counts = await read();
          // Not a number when the database could not answer: a 0 would say there is no work.
          this.set(counts === null ? Number.NaN : pick(counts));
        },
      });
    };
    gauge('jobs_waiting', 'Jobs scheduled and waiting for an agent, in the whole database.', (c) => c.waiting);
    gauge('jobs_running', 'Jobs running on an agent, in the whole database.', (c) => c.running);
  }

  /** The counts, read again when the last reading is older than a second; null when the database did not answer. */
  private readActiveJobs(source: ActiveJobsSource): Promise<ActiveJobs | null> {
    const now = Date.now();
    if (this.lastReading === null || now - this.lastReading.readAt > ACTIVE_JOBS_MAX_AGE_MS) {
      this.lastReading = { readAt: now, counts: source().catch(() => null) };
    }
    return this.lastReading.counts;
  }
}
