import { EventEmitter } from 'node:events';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { ClaimedRepository } from './poll-model';
import type { Claimed, ClaimLimits, PollClaims } from './poll-claims';
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
  /**
   * The only process on its database (the embedded one): it always claims ahead, and holds more
   * of one host than others would. Processes sharing a database claim ahead only when their own
   * cap is full, so that one of them does not hold a small installation's work.
   */
  alone?: boolean;
}

/**
 * How many repositories a process holds per poll slot while due work outnumbers its slots:
 * claimed ones wait in the process for a slot, so that one claim serves several polls. Claiming
 * once per poll, with a statement that looks at every due package, cost more than the polls
 * themselves with thousands of repositories (on one host, whose cap lets one poll start as each
 * ends). Without such a backlog a process sharing its database claims only what its free slots
 * take, so that processes sharing a database share a small installation's work.
 */
const CLAIM_AHEAD = 4;

/**
 * How many times its host cap a process alone on its database (the embedded one) may hold of one
 * host, within {@link CLAIM_AHEAD} times its process cap in all: it always claims ahead. Nobody
 * else could poll what it holds, and each claim reads every due package: with thousands of
 * repositories on one host, whose cap lets four polls run, claims of about eleven made claiming
 * a fifth of all the polling's CPU.
 */
const CLAIM_AHEAD_ALONE = 16;

/** How many repositories a process may hold at once, in all and of any one host. */
interface Holding {
  total: number;
  perHost: number;
}

/** Told about each finished poll: metrics, events, waiters. */
export interface PollObserver {
  /** A claimed repository's poll starts, `waitedSeconds` after its claim (waiting for a slot). */
  claimed?(claim: ClaimedRepository, waitedSeconds: number): void;
  polled?(claim: ClaimedRepository, report: RepositoryPollReport, durationSeconds: number): void;
  leasesHeld?(count: number): void;
}

/**
 * The server's poll loop: a node-cron tick (and a wake-up after a request, or when the claimed
 * repositories have all started) claims due repositories — up to {@link CLAIM_AHEAD} times the
 * process's caps — polls them as slots free up (requested ones first), renews their leases
 * meanwhile, and gives them back. Plugins never schedule anything.
 */
export class PollScheduler {
  private task: ScheduledTask | null = null;
  private stopped = true;
  private readonly inFlight = new Map<string, { claim: ClaimedRepository; done: Promise<void> }>();
  /**
   * Polls whose plugin call is under way, in all and per host: the slots the caps count. A poll
   * being written has let go of its slot (its lease it keeps until written).
   */
  private asking = 0;
  /** Polls whose plugin has answered, being written: they keep their lease, not their room. */
  private readonly recording = new Set<string>();
  private readonly perHost = new Map<string, number>();
  /** Claimed repositories waiting for a slot, with when they were claimed (this process's clock). */
  private queued: { claim: ClaimedRepository; at: number }[] = [];
  /** Claimed repositories per host, waiting or asking their plugin. */
  private readonly heldPerHost = new Map<string, number>();
  private renewTimer: NodeJS.Timeout | null = null;
  private abandon = new AbortController();
  private readonly claiming = new SerialWork(() => this.claimAndRun());
  /** The last claim took all it asked for: more may be due than the slots take, so claim ahead. */
  private backlog = false;
  /** The last claim left repositories with work behind: claim again as each poll ends. */
  private leftBehind = false;
  /** A wake-up asked for the look at every repository with work (a tick, a poll's end). */
  private lookWanted = false;
  /** Requested repositories to claim by id. One under way here stays until its poll ends, then is claimed again. */
  private readonly targets = new Set<string>();
  /** Requests being written with their claim: each counts against the caps until the write answers. */
  private readonly reserved = new Map<string, Promise<unknown>>();
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

  /**
   * Looks for work now rather than at the next tick. With `repositoryId` (a poll request of it or
   * of one of its packages), claims just that repository; without, every repository with work.
   */
  wake(repositoryId?: string): void {
    if (this.stopped) return;
    if (repositoryId === undefined) this.lookWanted = true;
    else this.targets.add(repositoryId);
    this.claiming.request();
  }

  /**
   * Asks for a poll of every package of the repository. When this process can poll it now (its
   * caps have room and it does not hold the repository already), the request and the claim are
   * one write, and the poll starts as it answers; otherwise the request is written and the
   * repository claimed as usual. Answers the request's time, null when there is no such live
   * repository.
   */
  async requestRepository(repositoryId: string): Promise<Date | null> {
    if (this.stopped || this.holds(repositoryId) || this.roomForAny(this.ahead()) < 1) {
      const requestedAt = await this.claims.request(repositoryId);
      if (requestedAt !== null) this.wake(repositoryId);
      return requestedAt;
    }
    const writing = this.claims.requestAndClaim(repositoryId, this.options.owner, this.options.leaseSeconds);
    this.reserved.set(repositoryId, writing);
    let answer: Awaited<typeof writing>;
    try {
      answer = await writing;
    } finally {
      this.reserved.delete(repositoryId);
    }
    if (answer === null) return null;
    // Leased by another process: it is claimed here once free, unless that process polls it first.
    if (answer.claimed === null) this.wake(repositoryId);
    // Stopping: the lease goes back with the others.
    else if (!this.stopped) this.add([answer.claimed]);
    return answer.requestedAt;
  }

  /** Stops claiming, lets polls under way finish (up to `deadlineMs`), gives every lease back. */
  async stop(deadlineMs: number): Promise<void> {
    this.stopped = true;
    await this.task?.stop();
    this.task = null;
    if (this.renewTimer) clearInterval(this.renewTimer);
    // Repositories claimed but not started (a claim under way included) are not polled: their
    // leases are given back with the others below.
    await this.claiming.settled();
    await Promise.allSettled([...this.reserved.values()]);
    for (const { claim } of this.queued) this.letGo(claim.host);
    this.queued = [];
    const running = [...this.inFlight.values()].map((f) => f.done);
    await Promise.race([Promise.allSettled(running), new Promise((resolve) => setTimeout(resolve, deadlineMs).unref())]);
    // Polls still running are about to have their plugin calls cut by the shutdown: that is no
    // answer from the repository, so they record nothing and the next process asks again.
    this.abandon.abort();
    const released = await this.claims.releaseAll(this.options.owner);
    this.logger.info({ released }, 'poll leases given back');
  }

  private async claimAndRun(): Promise<void> {
    let look = this.lookWanted;
    this.lookWanted = false;
    // Requested repositories held here are claimed again once their poll ends.
    const targets = [...this.targets].filter((id) => !this.holds(id));
    for (const id of targets) this.targets.delete(id);
    try {
      // Claimed by id when the caps have room for every one, whatever its host; else by the look.
      if (targets.length > 0 && this.roomForAny(this.ahead()) >= targets.length) {
        this.add(await this.claims.claimRequested(this.options.owner, this.options.leaseSeconds, targets));
      } else if (targets.length > 0) {
        look = true;
      }
      if (look) {
        const limits = this.limits(this.ahead());
        const found = await this.claims.claim(this.options.owner, this.options.leaseSeconds, limits);
        // Filled to the process's cap: more may be due than its slots take. (A host's cap filling
        // says nothing of the others': processes sharing one host's few repositories share them.)
        if (limits.max > 0) this.backlog = found.claimed.length >= limits.max;
        this.leftBehind = found.leftBehind;
        this.add(found.claimed);
      }
    } catch (error) {
      if (!this.stopped) this.logger.error({ err: error }, 'could not claim poll work');
    }
  }

  /** How many repositories the process may hold now: more than its caps when alone, or while its last claim filled them. */
  private ahead(): Holding {
    const { concurrency, hostConcurrency, alone } = this.options;
    if (alone === true) {
      const total = concurrency * CLAIM_AHEAD;
      return { total, perHost: Math.min(total, hostConcurrency * CLAIM_AHEAD_ALONE) };
    }
    const ahead = this.backlog ? CLAIM_AHEAD : 1;
    return { total: concurrency * ahead, perHost: hostConcurrency * ahead };
  }

  /** How many more repositories `most` lets the process hold on any one host. */
  private roomForAny(most: Holding): number {
    const busiest = Math.max(0, ...this.heldPerHost.values());
    return Math.min(most.total - this.holding(), most.perHost - busiest);
  }

  /** Whether this process holds the repository or is taking it: running, waiting for a slot, or being claimed with its request. */
  private holds(repositoryId: string): boolean {
    return this.inFlight.has(repositoryId) || this.reserved.has(repositoryId) || this.queued.some((q) => q.claim.repositoryId === repositoryId);
  }

  /**
   * Repositories this process holds or is taking, but for those being written: asking their
   * plugin, waiting for a slot, or being claimed with their request.
   */
  private holding(): number {
    return this.inFlight.size - this.recording.size + this.queued.length + this.reserved.size;
  }

  /** The room `most` leaves. */
  private limits(most: Holding): ClaimLimits {
    return {
      max: most.total - this.holding(),
      hostRoom: (host) => most.perHost - (this.heldPerHost.get(host) ?? 0),
    };
  }

  /** Queues claimed repositories (requested ones first) and starts those that have a slot. */
  private add(claimed: Claimed['claimed']): void {
    const at = Date.now();
    // Someone waits for a requested repository: it goes before those only due.
    const requested = claimed.filter((c) => c.requested).map((claim) => ({ claim, at }));
    const due = claimed.filter((c) => !c.requested).map((claim) => ({ claim, at }));
    this.queued = [...requested, ...this.queued, ...due];
    this.poller.readAheadFor(claimed);
    for (const { claim } of [...requested, ...due]) this.heldPerHost.set(claim.host, (this.heldPerHost.get(claim.host) ?? 0) + 1);
    this.startQueued();
    if (claimed.length > 0) this.observer.leasesHeld?.(this.inFlight.size + this.queued.length);
  }

  /** Starts the claimed repositories that have a slot, in their order. */
  private startQueued(): void {
    if (this.stopped) return;
    const waiting: typeof this.queued = [];
    for (const entry of this.queued) {
      const { host } = entry.claim;
      if (this.asking < this.options.concurrency && (this.perHost.get(host) ?? 0) < this.options.hostConcurrency) {
        this.run(entry.claim, (Date.now() - entry.at) / 1000);
      } else waiting.push(entry);
    }
    this.queued = waiting;
  }

  private letGo(host: string): void {
    const left = (this.heldPerHost.get(host) ?? 1) - 1;
    if (left > 0) this.heldPerHost.set(host, left);
    else this.heldPerHost.delete(host);
  }

  private run(claim: ClaimedRepository, waitedSeconds: number): void {
    this.observer.claimed?.(claim, waitedSeconds);
    this.asking += 1;
    this.perHost.set(claim.host, (this.perHost.get(claim.host) ?? 0) + 1);
    let asking = true;
    // The slot, and the room the poll took in the caps' look-ahead, are free once the plugin has
    // answered (or the poll ended without an answer): the next poll may start while this one is
    // written. Claimed repositories still waiting make a look now needless, and so does a last
    // look that left nothing behind: the tick finds what falls due.
    const freeSlot = () => {
      asking = false;
      this.asking -= 1;
      const left = (this.perHost.get(claim.host) ?? 1) - 1;
      if (left > 0) this.perHost.set(claim.host, left);
      else this.perHost.delete(claim.host);
      this.letGo(claim.host);
      this.startQueued();
      if (this.queued.length === 0 && this.leftBehind) this.wakeShortly();
    };
    const answered = () => {
      if (!asking) return;
      this.recording.add(claim.repositoryId);
      freeSlot();
    };
    const started = process.hrtime.bigint();
    let report = null as RepositoryPollReport | null;
    const done = this.poller
      .poll(claim, this.abandon.signal, this.options.owner, answered)
      .then((answer) => {
        report = answer;
        this.observer.polled?.(claim, answer, Number(process.hrtime.bigint() - started) / 1e9);
      })
      .catch((error: unknown) => this.logger.error({ err: error, repository: claim.repositoryId }, 'poll failed'))
      // Once a stop has given every lease back, an abandoned poll leaves the database alone. A
      // poll written whole gave its lease back as it was written.
      .then(() => (this.abandon.signal.aborted || report?.released === true ? undefined : this.claims.release(this.options.owner, claim)))
      .catch((error: unknown) => this.logger.error({ err: error, repository: claim.repositoryId }, 'could not give the lease back'))
      // Waiters learn of the poll once the release has marked the requests it served.
      .then(() => {
        this.finished.emit('polled', report?.packageIds ?? []);
      })
      .finally(() => {
        this.inFlight.delete(claim.repositoryId);
        this.recording.delete(claim.repositoryId);
        if (asking) freeSlot();
        this.observer.leasesHeld?.(this.inFlight.size + this.queued.length);
        // A request of this repository that came during its poll is served now.
        if (this.targets.has(claim.repositoryId)) this.wake(claim.repositoryId);
      });
    this.inFlight.set(claim.repositoryId, { claim, done });
  }

  private async renewLeases(): Promise<void> {
    const ids = [...this.inFlight.keys(), ...this.queued.map((q) => q.claim.repositoryId)];
    if (ids.length === 0) return;
    try {
      const lost = await this.claims.renew(this.options.owner, ids, this.options.leaseSeconds);
      if (lost.length === 0) return;
      // A waiting repository whose lease is gone is another process's to poll now.
      const gone = new Set(lost);
      for (const { claim } of this.queued.filter((q) => gone.has(q.claim.repositoryId))) this.letGo(claim.host);
      this.queued = this.queued.filter((q) => !gone.has(q.claim.repositoryId));
      this.logger.warn({ repositories: lost }, 'poll leases were lost while polling (expired and taken over)');
    } catch (error) {
      this.logger.warn({ err: error }, 'could not renew poll leases');
    }
  }
}
