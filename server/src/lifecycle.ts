import type { Logger } from 'pino';

/** A part of the running server that is started once and stopped once. */
export interface LifecyclePart {
  readonly name: string;
  /** Absent for a part that only needs stopping (it starts with its first use). */
  start?(): unknown;
  /** Absent for a part that only needs starting (it holds nothing to let go). */
  stop?(): unknown;
}

/**
 * The server's parts in their start order, each declared once with its start and its stop. Parts
 * stop in the reverse order; parts added together stop concurrently (they start in the order
 * given). Parts may be added after a start: the next start starts only those. When a start fails,
 * the parts already started are stopped, in reverse, and the failure is thrown on.
 */
export class Lifecycle {
  private readonly stages: LifecyclePart[][] = [];
  private startedStages = 0;
  private startedInStage = 0;
  private stopping: Promise<void> | null = null;

  constructor(private readonly logger: Logger) {}

  /** Places parts after those added before; several at once stop together. */
  add(...parts: LifecyclePart[]): this {
    if (this.stopping) throw new Error('parts cannot be added to a lifecycle that is stopping');
    if (parts.length > 0) this.stages.push(parts);
    return this;
  }

  /** Starts the parts not started yet, in order. */
  async start(): Promise<void> {
    if (this.stopping) throw new Error('a lifecycle that is stopping cannot start');
    try {
      while (this.startedStages < this.stages.length) {
        const stage = this.stages[this.startedStages];
        for (; this.startedInStage < stage.length; this.startedInStage += 1) await this.startPart(stage[this.startedInStage]);
        this.startedStages += 1;
        this.startedInStage = 0;
      }
    } catch (error) {
      // The failure to start is the one worth reporting; stop failures are logged as they occur.
      this.stopping = this.stopStarted().catch(() => undefined);
      await this.stopping;
      throw error;
    }
  }

  /**
   * Stops what was started, last started first. A part that fails to stop does not keep the
   * others running: every part is stopped, then the first failure is thrown.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopStarted();
    return this.stopping;
  }

  private async stopStarted(): Promise<void> {
    const started = this.stages.slice(0, this.startedStages);
    if (this.startedInStage > 0) started.push(this.stages[this.startedStages].slice(0, this.startedInStage));
    this.startedStages = 0;
    this.startedInStage = 0;
    const failures: unknown[] = [];
    for (const stage of started.reverse()) {
      const outcomes = await Promise.allSettled(stage.map((part) => this.stopPart(part)));
      for (const outcome of outcomes) if (outcome.status === 'rejected') failures.push(outcome.reason);
    }
    if (failures.length > 0) throw failures[0];
  }

  private async startPart(part: LifecyclePart): Promise<void> {
    this.logger.debug({ part: part.name }, 'starting');
    await part.start?.();
    this.logger.debug({ part: part.name }, 'started');
  }

  private async stopPart(part: LifecyclePart): Promise<void> {
    this.logger.debug({ part: part.name }, 'stopping');
    try {
      await part.stop?.();
    } catch (error) {
      this.logger.error({ part: part.name, err: error }, 'could not stop cleanly');
      throw error;
    }
    this.logger.debug({ part: part.name }, 'stopped');
  }
}
