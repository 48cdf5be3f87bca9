import type { EventEmitter } from 'node:events';
import type { Database } from '../../db/database';
import type { DbPackagePollStateRow } from '../../db/tables';
import { NotFound } from '../../domain-errors';
import { PollStateStore } from './poll-state-store';
import { RequestSharing } from './request-sharing';
import type { RecordedRevision, RevisionStore } from './revision-store';

/** The answer to "poll now": what the poll found, or that it is still under way. */
export interface PollAnswer {
  package_id: string;
  outcome: 'new_revision' | 'no_change' | 'failed' | 'pending';
  revision?: RecordedRevision;
  error?: { message: string; kind: string; code: string | null };
}

/** What the requests need of the scheduler: a wake-up to claim the requested repository, and word of finished polls. */
export interface PollTrigger {
  wake(repositoryId: string): void;
  /** Writes a poll request for every package of the repository (claiming it when it can); its time, null when there is no such live repository. */
  requestRepository(repositoryId: string): Promise<Date | null>;
  readonly finished: EventEmitter;
}

const RECHECK_MS = 500;

/**
 * Polls on request: marks the package (or the whole repository) as asked for, wakes the
 * scheduler, and waits for the poll that started after the request — in this process or any
 * other. Requests that arrive while another waits share one follow-up poll (`RequestSharing`).
 * A request does not move the package's schedule.
 */
export class PollRequests {
  private readonly sharing = new RequestSharing();
  private readonly states: PollStateStore;

  constructor(
    db: Database,
    private readonly trigger: PollTrigger,
    private readonly revisions: RevisionStore,
  ) {
    this.states = new PollStateStore(db);
  }

  /** `arrivedAt`: when the request arrived, on `performance.now()`'s clock. */
  async pollPackage(packageId: string, waitSeconds: number, arrivedAt = performance.now()): Promise<PollAnswer> {
    const served = await this.shared(
      `package:${packageId}`,
      arrivedAt,
      () => this.requestPackage(packageId),
      waitSeconds,
      async (requestedAt) => {
        const state = await this.states.ofPackage(packageId);
        return state && servedSince(state, requestedAt) ? state : null;
      },
    );
    return served ? this.answer(served) : { package_id: packageId, outcome: 'pending' };
  }

  private async requestPackage(packageId: string): Promise<Date> {
    const requested = await this.states.requestPackagePoll(packageId);
    if (requested === null) throw new NotFound(`no package with id ${packageId} to poll (archived packages are not polled)`);
    this.trigger.wake(requested.repositoryId);
    return requested.requestedAt;
  }

  /** Asks for a poll of every package of the repository (auto_update off too), as a hint does. */
  async requestRepository(repositoryId: string): Promise<Date> {
    const requestedAt = await this.trigger.requestRepository(repositoryId);
    if (requestedAt === null) throw new NotFound(`no repository with id ${repositoryId} to poll (archived repositories are not polled)`);
    return requestedAt;
  }

  async pollRepository(repositoryId: string, waitSeconds: number, arrivedAt = performance.now()): Promise<{ done: boolean; packages: PollAnswer[] }> {
    const states = await this.shared(
      `repository:${repositoryId}`,
      arrivedAt,
      () => this.requestRepository(repositoryId),
      waitSeconds,
      (requestedAt) => this.states.ofRepositoryPackagesServedSince(repositoryId, requestedAt),
    );
    if (!states) return { done: false, packages: [] };
    return { done: true, packages: await Promise.all(states.map((s) => this.answer(s))) };
  }

  private async answer(state: DbPackagePollStateRow): Promise<PollAnswer> {
    if (state.last_outcome === 'failed') {
      return {
        package_id: state.package_id,
        outcome: 'failed',
        error: { message: state.last_error ?? '', kind: state.error_kind ?? 'bug', code: state.error_code },
      };
    }
    if (state.last_outcome === 'new_revision') {
      const latest = (await this.revisions.latestOf([state.package_id])).get(state.package_id);
      return { package_id: state.package_id, outcome: 'new_revision', ...(latest ? { revision: latest } : {}) };
    }
    return { package_id: state.package_id, outcome: state.last_outcome ?? 'pending' };
  }

  /** A request shared with the others for the same thing, answered by `check` or null when the wait runs out. */
  private async shared<T>(
    key: string,
    arrivedAt: number,
    mark: () => Promise<Date>,
    waitSeconds: number,
    check: (requestedAt: Date) => Promise<T | null>,
  ): Promise<T | null> {
    const deadline = Date.now() + waitSeconds * 1000;
    const request = this.sharing.join(key, arrivedAt, mark);
    let result: T | null = null;
    try {
      const requestedAt = await beforeDeadline(request.marked, deadline);
      // A group's first member starts waiting before any poll that serves it can end: its first
      // look is then after a poll of this process, or at the periodic recheck.
      if (requestedAt !== null) result = await this.waitFor(deadline, () => check(requestedAt), !request.first);
      return result;
    } finally {
      request.leave(result !== null);
    }
  }

  /** Checks after every local poll and every half second (another process may be the one polling), and at once when `now`. */
  private waitFor<T>(deadlineMs: number, check: () => Promise<T | null>, now: boolean): Promise<T | null> {
    return new Promise((resolve) => {
      let settled = false;
      let checking = false;
      // A poll that ended during a check may be the one waited for: check again after it.
      let again = false;
      const finish = (value: T | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        clearInterval(recheck);
        this.trigger.finished.off('polled', onPolled);
        resolve(value);
      };
      const run = () => {
        if (settled) return;
        if (checking) {
          again = true;
          return;
        }
        checking = true;
        again = false;
        check()
          .then(
            (v) => (v !== null ? finish(v) : undefined),
            () => undefined,
          )
          .finally(() => {
            checking = false;
            if (again) run();
          });
      };
      const onPolled = () => run();
      const deadline = setTimeout(() => finish(null), Math.max(0, deadlineMs - Date.now()));
      const recheck = setInterval(run, RECHECK_MS);
      this.trigger.finished.on('polled', onPolled);
      if (now) run();
    });
  }
}

/** The promise's value, or null when the deadline comes first. */
async function beforeDeadline<T>(promise: Promise<T>, deadlineMs: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), Math.max(0, deadlineMs - Date.now()))));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A request made at `requestedAt` has been served once a poll that started after it finished:
 * that poll cleared the request (or a newer request replaced it).
 */
function servedSince(state: { poll_requested_at: Date | null; last_polled_at: Date | null }, requestedAt: Date): boolean {
  const cleared = state.poll_requested_at === null || state.poll_requested_at > requestedAt;
  return cleared && state.last_polled_at !== null && state.last_polled_at >= requestedAt;
}
