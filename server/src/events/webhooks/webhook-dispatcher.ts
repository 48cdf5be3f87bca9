import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import type { SecretBox } from '../../security/secret-box';
import { defaultOutboundPolicy, type OutboundPolicy } from '../../security/outbound-policy';
import type { EventStore } from '../event-store';
import type { EventRetention } from './event-retention';
import type { WebhookLeases } from './webhook-leases';
import { WebhookSender } from './webhook-sender';
import { WebhookSession, type DeliveryObserver } from './webhook-session';
import type { Webhook } from './webhook';
import { SerialWork } from '../../serial-work';

export interface WebhookDispatcherParts {
  leases: WebhookLeases;
  events: EventStore;
  secretBox: SecretBox;
  retention: EventRetention;
  logger: Logger;
}

export interface WebhookDispatcherOptions {
  /** `Baton/<version>`. */
  userAgent: string;
  /** Deliveries failing for this long mark a webhook failing. */
  maxFailingMs: number;
  /** Names this process in leases; unique per dispatcher by default. */
  owner?: string;
  tickMs?: number;
  /** Webhooks delivered for at once by this process. */
  concurrency?: number;
  leaseMs?: number;
  timeoutMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  batchSize?: number;
  pruneIntervalMs?: number;
  /** How long `stop` waits for deliveries in flight before cutting them. */
  stopDeadlineMs?: number;
  /** The addresses a receiver may not be at; the default deny list when not given. */
  outbound?: OutboundPolicy;
}

const DEFAULTS = {
  tickMs: 500,
  concurrency: 8,
  leaseMs: 60_000,
  timeoutMs: 10_000,
  initialBackoffMs: 5_000,
  maxBackoffMs: 600_000,
  batchSize: 100,
  pruneIntervalMs: 300_000,
  stopDeadlineMs: 5_000,
};

/**
 * Delivers events to webhooks. A short timer (and `wake()`, after events are committed) claims
 * due webhooks with a lease, so that processes sharing one PostgreSQL never deliver for the same
 * webhook at once; each claimed webhook gets a session that delivers its events in order. The
 * same loop prunes old events and deliveries now and then.
 */
const WAKE_SPACING_MS = 100;

export class WebhookDispatcher {
  private readonly settings: Required<Omit<WebhookDispatcherOptions, 'outbound'>>;
  private readonly session: WebhookSession;
  private readonly sessions = new Map<string, Promise<void>>();
  private readonly halt = new AbortController();
  private readonly cut = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private readonly claiming: SerialWork;
  private pruning: Promise<void> | null = null;
  private lastPruneAt = 0;

  constructor(
    private readonly parts: WebhookDispatcherParts,
    options: WebhookDispatcherOptions,
    observer?: DeliveryObserver,
  ) {
    const owner = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.settings = { ...DEFAULTS, owner, ...definedOnly(options) } as Required<Omit<WebhookDispatcherOptions, 'outbound'>>;
    const sender = new WebhookSender({
      userAgent: this.settings.userAgent,
      timeoutMs: this.settings.timeoutMs,
      outbound: options.outbound ?? defaultOutboundPolicy(),
    });
    this.session = new WebhookSession({ ...parts, sender, ...(observer ? { observer } : {}) }, this.settings);
    // Woken after every commit of events in this process: a burst of them costs a claim per
    // spacing (never longer than the tick), not one each.
    this.claiming = new SerialWork(() => this.tick(), Math.min(WAKE_SPACING_MS, this.settings.tickMs));
  }

  get owner(): string {
    return this.settings.owner;
  }

  start(): void {
    if (this.timer || this.halt.signal.aborted) return;
    this.timer = setInterval(() => this.wake(), this.settings.tickMs);
    this.timer.unref();
    this.wake();
  }

  /** Looks for work now, e.g. right after events were committed. */
  wake(): void {
    if (this.timer && !this.halt.signal.aborted) this.claiming.request();
  }

  /** Starts no new delivery, waits for those in flight up to the deadline, then cuts them. */
  async stop(): Promise<void> {
    if (this.halt.signal.aborted) return;
    this.halt.abort();
    if (this.timer) clearInterval(this.timer);
    await this.claiming.settled();
    const settled = Promise.allSettled([...this.sessions.values(), this.pruning]).then(() => 'settled');
    let deadline: NodeJS.Timeout | undefined;
    const late = new Promise((resolve) => (deadline = setTimeout(resolve, this.settings.stopDeadlineMs, 'late')));
    if ((await Promise.race([settled, late])) === 'late') this.cut.abort();
    await settled;
    clearTimeout(deadline);
  }

  private async tick(): Promise<void> {
    // A run asked for before the stop may still come: it claims nothing.
    if (this.halt.signal.aborted) return;
    try {
      this.pruneWhenDue();
      const free = this.settings.concurrency - this.sessions.size;
      if (free <= 0) return;
      const claimed = await this.parts.leases.claim(this.settings.owner, this.settings.leaseMs, free);
      for (const webhook of claimed) this.startSession(webhook);
    } catch (error) {
      this.parts.logger.error({ err: error }, 'webhooks could not be claimed; trying again shortly');
    }
  }

  private startSession(webhook: Webhook): void {
    const run: Promise<void> = this.session.run(webhook, { halt: this.halt.signal, cut: this.cut.signal }).then(
      // It may have more to do (events that came while it let go), or others may be waiting.
      () => this.finishSession(webhook.id, run, true),
      (error: unknown) => {
        this.parts.logger.error({ err: error, webhook: webhook.id }, 'webhook delivery stopped on an error; trying again on the next tick');
        this.finishSession(webhook.id, run, false);
      },
    );
    this.sessions.set(webhook.id, run);
  }

  private finishSession(webhookId: string, run: Promise<void>, wake: boolean): void {
    // Released just before this; a newer session for the same webhook may already run.
    if (this.sessions.get(webhookId) === run) this.sessions.delete(webhookId);
    if (wake) this.wake();
  }

  private pruneWhenDue(): void {
    if (this.pruning || Date.now() - this.lastPruneAt < this.settings.pruneIntervalMs) return;
    this.lastPruneAt = Date.now();
    this.pruning = this.parts.retention
      .pruneOld()
      .then((pruned) => {
        if (pruned.events + pruned.deliveries > 0) this.parts.logger.info(pruned, 'old events and webhook deliveries pruned');
      })
      .catch((error: unknown) => this.parts.logger.error({ err: error }, 'old events could not be pruned'))
      .finally(() => (this.pruning = null));
  }
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
