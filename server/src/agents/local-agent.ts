import fs from 'node:fs';
import type { Logger } from 'pino';
import { maskSecrets } from '../materials/secret-mask';
import { SerialWork } from '../serial-work';
import { ProcessRegistry } from './process-registry';
import { DEFAULT_CONSOLE_LIMITS, type ConsoleLimits } from './console-writer';
import type { JobAssignment } from './job-assignment';
import { JobRunner, type JobResult } from './job-runner';
import type { JobSource } from './job-source';
import type { TaskSettings } from './task-context';

export interface LocalAgentOptions {
  /** Identifies this process's leases: host, pid and a random part. */
  owner: string;
  concurrency: number;
  workDir: string;
  /** The job lease; heartbeats come well within it. */
  leaseSeconds: number;
  /** Jobs under way at a stop get this long to finish before they are killed. */
  shutdownGraceMs: number;
  tasks: TaskSettings;
  /** How often to look for jobs without being woken (other processes schedule jobs too). */
  claimIntervalMs?: number;
  console?: ConsoleLimits;
  /** Leave job folders in place when jobs end (default: removed). */
  keepFolders?: boolean;
}

const CANCELLED = 'the job was cancelled (or its lease was lost)';
const SHUT_DOWN = 'the server shut down while the job ran';
const MAX_HEARTBEAT_MS = 5000;
/** A wake-up also checks for cancelled jobs, at most this often. */
const EAGER_HEARTBEAT_MS = 500;
const REPORT_ATTEMPTS = 3;
const REPORT_RETRY_MS = 1000;

interface RunningJob {
  assignment: JobAssignment;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * The built-in agent: claims up to `concurrency` jobs from the queue (when woken, and on a short
 * timer), runs each in its own folder, and heartbeats their leases; a job the heartbeat reports
 * as cancelled has its processes killed. At a stop, jobs get the shutdown grace to finish; the
 * ones still running are then killed and recorded as failed with that reason — the agent knows
 * what happened to them, so it says so rather than leaving them to the lease expiry, which
 * ("agent lost") covers a process that died without a word.
 */
export class LocalAgent {
  private readonly running = new Map<string, RunningJob>();
  private readonly runner: JobRunner;
  private readonly processes: ProcessRegistry;
  private stopped = true;
  private readonly claiming = new SerialWork(() => this.claimAndRun());
  private stopping: Promise<void> | null = null;
  private claimTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private lastHeartbeat = 0;

  constructor(
    private readonly source: JobSource,
    private readonly options: LocalAgentOptions,
    private readonly logger: Logger,
  ) {
    const consoleLimits = options.console ?? DEFAULT_CONSOLE_LIMITS;
    this.processes = new ProcessRegistry(options.workDir);
    const tasks = { ...options.tasks, processes: this.processes };
    const runnerOptions = { owner: options.owner, workDir: options.workDir, tasks, console: consoleLimits, keepFolders: options.keepFolders ?? false };
    this.runner = new JobRunner(source, runnerOptions, logger);
  }

  start(): void {
    if (!this.stopped || this.stopping) return;
    fs.mkdirSync(this.options.workDir, { recursive: true });
    // Jobs of a server that died here are failed by their leases; their processes are stopped now.
    this.processes.killOrphans(this.logger);
    this.stopped = false;
    this.claimTimer = setInterval(() => this.wake(), this.options.claimIntervalMs ?? 2000);
    this.claimTimer.unref();
    const heartbeatMs = Math.min(MAX_HEARTBEAT_MS, (this.options.leaseSeconds * 1000) / 3);
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), heartbeatMs);
    this.heartbeatTimer.unref();
    this.logger.info({ owner: this.options.owner, concurrency: this.options.concurrency, workDir: this.options.workDir }, 'local agent started');
    this.wake();
  }

  /**
   * Looks for jobs now (after a trigger, an approval or a finished job) rather than at the next
   * tick; and for cancelled ones, so that a cancel in this process stops its job at once.
   */
  wake(): void {
    if (this.stopped) return;
    if (this.running.size > 0 && Date.now() - this.lastHeartbeat >= EAGER_HEARTBEAT_MS) void this.heartbeat();
    this.claiming.request();
  }

  /** Stops claiming; jobs under way get the shutdown grace, then are killed and recorded as failed. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  /** Jobs running now, by id. */
  runningJobs(): string[] {
    return [...this.running.keys()];
  }

  private async shutdown(): Promise<void> {
    this.stopped = true;
    if (this.claimTimer) clearInterval(this.claimTimer);
    await this.claiming.settled();
    const jobs = [...this.running.values()];
    let graceTimer: NodeJS.Timeout | undefined;
    const grace = new Promise((resolve) => (graceTimer = setTimeout(resolve, this.options.shutdownGraceMs)));
    await Promise.race([Promise.allSettled(jobs.map((j) => j.done)), grace]);
    clearTimeout(graceTimer);
    for (const job of this.running.values()) job.controller.abort(SHUT_DOWN);
    await Promise.allSettled(jobs.map((j) => j.done));
    // Leases are renewed until the last job is recorded, so none expires while it is still ours.
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.logger.info({ owner: this.options.owner }, 'local agent stopped');
  }

  private async claimAndRun(): Promise<void> {
    const free = this.options.concurrency - this.running.size;
    if (free <= 0) return;
    try {
      for (const assignment of await this.source.claim(this.options.owner, free)) this.run(assignment);
    } catch (error) {
      if (!this.stopped) this.logger.error({ err: error }, 'could not claim jobs');
    }
  }

  private run(assignment: JobAssignment): void {
    const controller = new AbortController();
    const log = this.logger.child({ job: assignment.jobId, pipeline: assignment.pipeline, counter: assignment.counter, stage: assignment.stage });
    log.info('job started');
    const done = this.runner
      .run(assignment, controller.signal)
      .then((result) => this.report(assignment, controller.signal, result))
      .catch((error: unknown) => log.error({ err: error }, 'job could not be run or recorded; its lease will expire'))
      .finally(() => {
        this.running.delete(assignment.jobId);
        this.wake();
      });
    this.running.set(assignment.jobId, { assignment, controller, done });
  }

  /** Records the job's end, unless it was cancelled: then it is final already. */
  private async report(assignment: JobAssignment, signal: AbortSignal, result: JobResult): Promise<void> {
    if (signal.aborted && signal.reason === CANCELLED) return;
    const passed = result.passed && !signal.aborted;
    // A reason may quote what a task was given (a URL with a password): it is shown and logged masked.
    const text = maskSecrets(signal.aborted ? `stopped: ${String(signal.reason)}` : result.result, assignment.secrets);
    const recorded = await this.complete(assignment.jobId, passed, text);
    this.logger.info({ job: assignment.jobId, passed, result: text, recorded }, recorded ? 'job finished' : 'job finished, but it was no longer this agent’s');
  }

  /** A brief database outage is tried again; a longer one leaves the job to the lease expiry. */
  private async complete(jobId: string, passed: boolean, result: string): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.source.complete(this.options.owner, jobId, passed, result);
      } catch (error) {
        if (attempt >= REPORT_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, REPORT_RETRY_MS));
      }
    }
  }

  private async heartbeat(): Promise<void> {
    const ids = [...this.running.keys()];
    if (ids.length === 0) return;
    this.lastHeartbeat = Date.now();
    try {
      for (const id of await this.source.heartbeat(this.options.owner, ids)) {
        const job = this.running.get(id);
        if (job && !job.controller.signal.aborted) {
          this.logger.info({ job: id }, 'job cancelled meanwhile: stopping it');
          job.controller.abort(CANCELLED);
        }
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not renew job leases');
    }
  }
}
