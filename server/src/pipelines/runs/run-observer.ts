import type { Knex } from 'knex';
import type { DbTriggerKind } from '../../db/tables';

export type StageResult = 'passed' | 'failed' | 'cancelled';
export type JobResult = 'passed' | 'failed';

/**
 * What runs, stages and jobs tell an onlooker (the metrics) about changes this process made,
 * each once the transaction that made it has committed: a change rolled back is never told.
 * Durations are between two times the database wrote, so several processes' clocks never mix.
 */
export interface RunObserver {
  runCreated(trigger: DbTriggerKind): void;
  /** A stage attempt ended; `seconds` from its scheduling (after approval) to its end, null when it was never scheduled. */
  stageCompleted(pipeline: string, stage: string, result: StageResult, seconds: number | null): void;
  /** A manual stage was approved after waiting `waitedSeconds` for it. */
  stageApproved(pipeline: string, stage: string, waitedSeconds: number): void;
  /** A job ran to a result on an agent (or was failed for its lost agent); `seconds` from its claim to its end. */
  jobCompleted(result: JobResult, seconds: number | null): void;
}

/** For parts built without an onlooker (tests of other behaviour). */
export const UNOBSERVED: RunObserver = {
  runCreated: () => undefined,
  stageCompleted: () => undefined,
  stageApproved: () => undefined,
  jobCompleted: () => undefined,
};

/** Calls `tell` once `trx` and every transaction it is nested in have committed; never when one rolls back. */
export function afterCommit(trx: Knex.Transaction, tell: () => void): void {
  const commits: Promise<unknown>[] = [];
  for (let t: Knex.Transaction | undefined = trx; t; t = t.parentTransaction) commits.push(t.executionPromise);
  Promise.all(commits).then(tell, () => undefined);
}

/** Seconds from `from` to `to`, null when either is missing. */
export function secondsBetween(from: Date | null, to: Date | null): number | null {
  if (from === null || to === null) return null;
  return Math.max(0, (to.getTime() - from.getTime()) / 1000);
}
