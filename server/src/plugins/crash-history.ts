import type { RestartPolicy } from './plugin-host-options';

/** A plugin's recent crashes and hangs: how long to wait before the next restart, and when to give up. */
export class CrashHistory {
  private times: number[] = [];

  constructor(
    private readonly policy: RestartPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a crash; returns how many happened within the window, this one included. */
  record(): number {
    const now = this.now();
    this.times = [...this.times.filter((time) => now - time < this.policy.windowMs), now];
    return this.times.length;
  }

  /** Doubles with each crash in the window, so a plugin that keeps crashing does not spin. */
  backoffMs(): number {
    const doublings = Math.max(0, this.times.length - 1);
    return Math.min(this.policy.maxBackoffMs, this.policy.initialBackoffMs * 2 ** Math.min(doublings, 30));
  }

  clear(): void {
    this.times = [];
  }
}
