import type { PackagePollResult, PackageToPoll, PollOutcome } from './poll-model';
import { nextSlot, repositoryAnchor, transientBackoffMs } from './schedule';

/** A package's poll state after a poll, and the poll event it causes, if any. */
export interface NextPollState {
  packageId: string;
  status: 'ok' | 'failing';
  scheduleAnchor: Date;
  nextPollAt: Date;
  lastOutcome: PollOutcome;
  lastError: string | null;
  errorKind: 'transient' | 'permanent' | 'bug' | null;
  errorCode: string | null;
  consecutiveFailures: number;
  warnings: string[];
  /** Poll events are sent only when the state changes. */
  event: 'package.poll.failed' | 'package.poll.recovered' | null;
}

/**
 * How one poll's result moves a package on. A scheduled poll moves the package to its next
 * slot; a poll that was only requested (on demand, or a hint) leaves the schedule alone, unless
 * the package was failing. A transient failure backs off; a permanent one is retried at the
 * normal interval; recovery resets both.
 */
export function nextPollState(pkg: PackageToPoll, result: PackagePollResult, recordedNew: boolean, now: Date): NextPollState {
  const nowMs = now.getTime();
  const anchor = repositoryAnchor(pkg.repositoryId, pkg.intervalSeconds);
  const movesOn = pkg.scheduled || pkg.scheduleAnchor === null || pkg.status === 'failing';
  const onGrid = movesOn ? nextSlot(anchor, pkg.intervalSeconds, nowMs) : pkg.nextPollAt.getTime();
  if (result.kind === 'answer') {
    return {
      packageId: pkg.packageId,
      status: 'ok',
      scheduleAnchor: new Date(anchor),
      nextPollAt: new Date(onGrid),
      lastOutcome: recordedNew ? 'new_revision' : 'no_change',
      lastError: null,
      errorKind: null,
      errorCode: null,
      consecutiveFailures: 0,
      warnings: result.warnings,
      event: pkg.status === 'failing' ? 'package.poll.recovered' : null,
    };
  }
  const failures = pkg.consecutiveFailures + 1;
  const { error } = result;
  const retryAt = error.kind === 'transient' && movesOn ? nowMs + transientBackoffMs(failures, error.retry_after_seconds) : onGrid;
  return {
    packageId: pkg.packageId,
    status: 'failing',
    scheduleAnchor: new Date(anchor),
    nextPollAt: new Date(retryAt),
    lastOutcome: 'failed',
    lastError: error.message,
    errorKind: error.kind,
    errorCode: error.code,
    consecutiveFailures: failures,
    warnings: [],
    event: pkg.status === 'failing' ? null : 'package.poll.failed',
  };
}
