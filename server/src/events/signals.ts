/**
 * In-process wake-ups after a commit: whoever wrote events or scheduled jobs says so, and the
 * parts that read them (event streams, webhooks, the pipeline trigger, the agent) look at once
 * instead of at their next tick. Other processes find the same work on their own ticks.
 */
export class Signals {
  private readonly eventListeners: (() => void)[] = [];
  private readonly jobListeners: (() => void)[] = [];

  onEvents(listener: () => void): void {
    this.eventListeners.push(listener);
  }

  onJobs(listener: () => void): void {
    this.jobListeners.push(listener);
  }

  eventsWritten(): void {
    for (const listener of this.eventListeners) listener();
  }

  jobsScheduled(): void {
    for (const listener of this.jobListeners) listener();
  }
}
