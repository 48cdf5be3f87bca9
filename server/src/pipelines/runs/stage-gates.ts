import type { DbStageRunRow } from '../../db/tables';

/** The latest attempt of each stage of a run that has been reached, by stage name. */
export type LatestAttempts = ReadonlyMap<string, Pick<DbStageRunRow, 'state' | 'counter'>>;

/** Stages with jobs to run or running: work in progress. A stage waiting for approval is not. */
const WORKING: readonly string[] = ['scheduled', 'running'];

/**
 * Why a stage that waits for approval cannot be approved now, or null when it can. Approval
 * promotes what every earlier stage passed with, so it needs each earlier stage's latest attempt
 * to have passed: while one runs again, the approval is withdrawn until it passes; when that
 * attempt fails it stays withdrawn, so nobody promotes over a failed level.
 */
export function approvalWithdrawn(stageNames: readonly string[], index: number, latest: LatestAttempts): string | null {
  for (const name of stageNames.slice(0, index)) {
    const attempt = latest.get(name);
    if (attempt?.state === 'passed') continue;
    if (!attempt) return `stage '${name}' has not run`;
    if (WORKING.includes(attempt.state)) return `stage '${name}' is running again (attempt ${attempt.counter}); approve once it has passed`;
    if (attempt.state === 'awaiting_approval') return `stage '${name}' waits for approval (attempt ${attempt.counter}); approve it first`;
    return `stage '${name}' ${attempt.state} on its latest attempt (${attempt.counter}); approve once a rerun of '${name}' has passed`;
  }
  return null;
}

/**
 * Why a stage cannot run again now, or null when it can. Work in progress anywhere in the run
 * must finish (or be cancelled) first; a later stage that only waits for approval is no work, and
 * the rerun withdraws its approval (see `approvalWithdrawn`). A stage that itself waits for
 * approval is approved, not rerun; and every earlier stage must have passed.
 */
export function rerunRefused(stageNames: readonly string[], index: number, latest: LatestAttempts): string | null {
  for (const [name, attempt] of latest) {
    if (WORKING.includes(attempt.state)) return `stage '${name}' is in progress (${attempt.state}); wait for it or cancel it first`;
  }
  const name = stageNames[index];
  if (latest.get(name)?.state === 'awaiting_approval') return `stage '${name}' waits for approval; approve it (or cancel it) instead of running it again`;
  const failing = stageNames.slice(0, index).find((earlier) => latest.get(earlier)?.state !== 'passed');
  return failing === undefined ? null : `stage '${failing}' has not passed, so '${name}' cannot run`;
}
