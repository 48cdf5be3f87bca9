import { quantile } from '../polling/prometheus';
import { STAGES, type JobView, type RunView } from './pipelines-api';

/**
 * One run's moments, in epoch ms, as the API answers them: all are the database's clock, so
 * differences between them hold no skew between processes.
 */
export interface RunTimes {
  /** The revision that caused the run was recorded. */
  detected: number;
  created: number;
  buildStarted: number;
  buildCompleted: number;
  qaStarted: number;
  /** The run's last job ended. */
  lastJobCompleted: number;
}

/** A run's moments; throws unless both stages passed, as the timings of a broken run mean nothing. */
export function timesOf(run: RunView, detected: number): RunTimes {
  const [build, qa] = STAGES.map((name) => run.stages.find((s) => s.name === name));
  const name = `${run.pipeline}/${run.counter}`;
  if (!build || !qa || build.state !== 'passed' || qa.state !== 'passed') {
    throw new Error(
      `run ${name} did not pass: ${run.stages.map((s) => `${s.name} ${s.state} (${s.jobs.map((j) => j.result ?? j.state).join(', ')})`).join('; ')}`,
    );
  }
  const jobs = [...build.jobs, ...qa.jobs];
  return {
    detected,
    created: Date.parse(run.created_at),
    buildStarted: startOf(build.jobs[0], name),
    buildCompleted: Date.parse(build.completed_at!),
    qaStarted: startOf(qa.jobs[0], name),
    lastJobCompleted: Math.max(...jobs.map((j) => Date.parse(j.completed_at!))),
  };
}

function startOf(job: JobView | undefined, run: string): number {
  if (!job?.started_at) throw new Error(`run ${run} has a job that never started`);
  return Date.parse(job.started_at);
}

/** Revision recorded → run created, in seconds. */
export const triggerSeconds = (t: RunTimes) => (t.created - t.detected) / 1000;
/** Run created → its first job started, in seconds. */
export const pickupSeconds = (t: RunTimes) => (t.buildStarted - t.created) / 1000;
/** First stage completed → the next stage's job started, in seconds. */
export const handOffSeconds = (t: RunTimes) => (t.qaStarted - t.buildCompleted) / 1000;

export interface Spread {
  p50: number;
  p99: number;
  max: number;
}

export function spreadOf(values: readonly number[]): Spread {
  return { p50: quantile(values, 0.5), p99: quantile(values, 0.99), max: quantile(values, 1) };
}

/** Jobs per second over a round: from its first run created to its last job ended. */
export function throughputOf(times: readonly RunTimes[]): { jobs: number; seconds: number; perSecond: number } {
  const jobs = times.length * STAGES.length;
  const seconds = (Math.max(...times.map((t) => t.lastJobCompleted)) - Math.min(...times.map((t) => t.created))) / 1000;
  return { jobs, seconds, perSecond: jobs / seconds };
}
