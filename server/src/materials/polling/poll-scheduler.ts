import { EventEmitter } from 'node:events';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { ClaimedRepository } from './poll-model';
import type { PollClaims } from './poll-claims';
import type { RepositoryPollReport, RepositoryPoller } from './repository-poller';
import { SerialWork } from '../../serial-work';

export interface PollSchedulerOptions {
  /** Identifies this process's leases. */
  owner: string;
  leaseSeconds: number;
  /** Polls (repositories) under way at once in this process, and per repository host. */
  concurrency: number;
  hostConcurrency: number;
  /** node-cron expression of the claim tick (every second by default). */
  tick?: string;
  /**
   * Each tick, and each wake-up after a poll, claims after a random delay of up to this many
   * milliseconds. Processes sharing one database tick on the same second; without it the quickest
   * one would win every due slot, and a process busy with polls, waking as each one ends, would
   * take the slots that fell due meanwhile before the others' ticks came.
   */
  tickJitterMs?: number;
}

/** Told about each finished poll: metrics, events, waiters. */
export interface PollObserver {
  claimed?(claim: ClaimedRepository): void;
  polled?(claim: ClaimedRepository, report: RepositoryPollReport, durationSeconds: number): void;
  leasesHeld?(count: number): void;
}

/**
 * The server's poll loop: a node-cron tick (and a wake-up after every poll or request) claims
 * due repositories within the process's caps, polls them, renews their leases meanwhile, and
 * gives them back. Plugins never schedule anything.
 */
export class PollScheduler {
  private task: ScheduledTask | null = null;
  private stopped = true;
  private readonly inFlight = new Map<string, { claim: ClaimedRepository; done: Promise<void> }>();
  private readonly perHost = new Map<string, number>();
  private renewTimer: NodeJS.Timeout | null = null;
  private abandon = new AbortController();
  private readonly claiming = new SerialWork(() => this.claimAndRun());
  /** Emits 'polled' with the package ids of every poll this process finished. */
  readonly finished = new EventEmitter();

  constructor(
    private readonly claims: PollClaims,
    private readonly poller: RepositoryPoller,
    private readonly options: PollSchedulerOptions,
    private readonly observer: PollObserver,
    private readonly logger: Logger,
  ) {
    this.finished.setMaxListeners(0);
  }

  start(): void {
    this.stopped = false;
    this.abandon = new AbortController();
    this.task = cron.schedule(this.options.tick ?? '* * * * * *', () => this.wakeShortly(), { noOverlap: true });
    const renewEveryMs = Math.max(1000, (this.options.leaseSeconds * 1000) / 3);
    this.renewTimer = setInterval(() => void this.renewLeases(), renewEveryMs);
    this.renewTimer.unref();
    this.wake();
  }

  /** A wake-up after the jitter that gives every process sharing the database an even chance. */
  private wakeShortly(): void {
    const jitter = this.options.tickJitterMs ?? 0;
    if (jitter <= 0) return this.wake();
    setTimeout(() => this.wake(), Math.random() * jitter).unref();
  }

  /** Looks for work now rather than at the next tick (after a request, a hint, or a poll). */
  wake(): void {
    if (!this.stopped) this.claiming.request();
  }

  /** Stops claiming, lets polls under way finish (up to `deadlineMs`), gives every lease back. */
  async stop(deadlineMs: number): Promise<void> {
    this.stopped = true;
    await this.task?.stop();
    this.task = null;
    if (this.renewTimer) clearInterval(this.renewTimer);
    // A claim under way still starts its polls: they are waited for like the others, not left
    // running against a closed database.
    await this.claiming.settled();
    const running = [...this.inFlight.values()].map((f) => f.done);
    await Promise.race([Promise.allSettled(running), new Promise((resolve) => setTimeout(resolve, deadlineMs).unref())]);
    // Polls still running are about to have their plugin calls cut by the shutdown: that is no
    // answer from the repository, so they record nothing and the next process asks again.
    this.abandon.abort();
    const released = await this.claims.releaseAll(this.options.owner);
    this.logger.info({ released }, 'poll leases given back');
  }

  private async claimAndRun(): Promise<void> {
    try {
      const claimed = await this.claims.claim(this.options.owner, this.options.leaseSeconds, {
        max: this.options.concurrency - this.inFlight.size,
        hostRoom: (host) => this.options.hostConcurrency - (this.perHost.get(host) ?? 0),
      });
      for (const claim of claimed) this.run(claim);
      if (claimed.length > 0) this.observer.leasesHeld?.(this.inFlight.size);
    } catch (error) {
      if (!this.stopped) this.logger.error({ err: error }, 'could not claim poll work');
    }
  }

  private run(claim: ClaimedRepository): void {
    this.observer.claimed?.(claim);
    this.perHost.set(claim.host, (this.perHost.get(claim.host) ?? 0) + 1);
    const started = process.hrtime.bigint();
    let report = null as RepositoryPollReport | null;
    const done = this.poller
      .poll(claim, this.abandon.signal)
      .then((answer) => {
        report = answer;
        this.observer.polled?.(claim, answer, Number(process.hrtime.bigint() - started) / 1e9);
      })
      .catch((error: unknown) => this.logger.error({ err: error, repository: claim.repositoryId }, 'poll failed'))
      // Once a stop has given every lease back, an abandoned poll leaves the database alone.
      .then(() => (this.abandon.signal.aborted ? undefined : this.claims.release(this.options.owner, claim)))
      .catch((error: unknown) => this.logger.error({ err: error, repository: claim.repositoryId }, 'could not give the lease back'))
      // Waiters learn of the poll once the release has marked the requests it served.
      .then(() => {
        this.finished.emit('polled', report?.packageIds ?? []);
      })
      .finally(() => {
        this.inFlight.delete(claim.repositoryId);
        const left = (this.perHost.get(claim.host) ?? 1) - 1;
        if (left > 0) this.perHost.set(claim.host, left);
        else this.perHost.delete(claim.host);
        this.observer.leasesHeld?.(this.inFlight.size);
        this.wakeShortly();
      });
    this.inFlight.set(claim.repositoryId, { claim, done });
  }

  private async renewLeases(): Promise<void> {
    const ids = [...this.inFlight.keys()];
    if (ids.length === 0) return;
    try {
      const lost = await this.claims.renew(this.options.owner, ids, this.options.leaseSeconds);
      if (lost.length > 0) this.logger.warn({ repositories: lost }, 'poll leases were lost while polling (expired and taken over)');
    } catch (error) {
      this.logger.warn({ err: error }, 'could not renew poll leases');
    }
  }
}
