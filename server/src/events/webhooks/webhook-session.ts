import type { Logger } from 'pino';
import type { SecretBox } from '../../security/secret-box';
import type { BatonEvent, EventStore } from '../event-store';
import { eventTypeMatches } from './event-type-filter';
import type { DeliveryAttempt } from './webhook-delivery-store';
import type { WebhookLeases } from './webhook-leases';
import type { SendOutcome, WebhookSender } from './webhook-sender';
import { secretContextOf, type Webhook } from './webhook';

/** Told of every finished delivery attempt, e.g. to count them for metrics. */
export interface DeliveryObserver {
  deliveryFinished(outcome: 'delivered' | 'failed'): void;
}

export interface WebhookSessionOptions {
  owner: string;
  leaseMs: number;
  batchSize: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  maxFailingMs: number;
}

export interface WebhookSessionParts {
  leases: WebhookLeases;
  events: EventStore;
  sender: WebhookSender;
  secretBox: SecretBox;
  logger: Logger;
  observer?: DeliveryObserver;
}

/** `halt`: start no further delivery. `cut`: abort the one in flight. */
export interface SessionSignals {
  halt: AbortSignal;
  cut: AbortSignal;
}

/**
 * Delivers the events after a claimed webhook's cursor, one at a time and in order, until it has
 * caught up, an attempt fails (the retry is scheduled and the webhook let go), its lease is lost,
 * or delivery stops. Only a 2xx moves the cursor, so nothing is skipped: at least once, in order.
 */
export class WebhookSession {
  constructor(
    private readonly parts: WebhookSessionParts,
    private readonly options: WebhookSessionOptions,
  ) {}

  async run(claimed: Webhook, stop: SessionSignals): Promise<void> {
    let webhook: Webhook | null = claimed;
    try {
      while (webhook && !stop.halt.aborted) {
        const events = await this.parts.events.after(webhook.cursor, this.options.batchSize);
        if (events.length === 0) break;
        webhook = await this.deliverBatch(webhook, events, stop);
      }
    } finally {
      await this.parts.leases.release(claimed.id, this.options.owner);
    }
  }

  /** Answers the webhook as it now stands, or null when this session must end. */
  private async deliverBatch(start: Webhook, events: BatonEvent[], stop: SessionSignals): Promise<Webhook | null> {
    let webhook = start;
    let skipTo = webhook.cursor;
    for (const event of events) {
      if (stop.halt.aborted) break;
      if (!eventTypeMatches(webhook.eventTypes, event.type)) {
        skipTo = event.id;
        continue;
      }
      const next = await this.deliverOne(webhook, event, skipTo, stop);
      if (!next || !next.enabled || next.deliveryStatus !== 'ok') return null;
      webhook = next;
      skipTo = webhook.cursor;
    }
    if (skipTo <= webhook.cursor) return stop.halt.aborted ? null : webhook;
    return this.parts.leases.skipTo(webhook.id, this.options.owner, skipTo, this.options.leaseMs);
  }

  private async deliverOne(webhook: Webhook, event: BatonEvent, skipTo: number, stop: SessionSignals): Promise<Webhook | null> {
    const outcome = await this.send(webhook, event, stop.cut);
    if (outcome.interrupted) return null;
    const attempt: DeliveryAttempt = {
      webhookId: webhook.id,
      eventId: event.id,
      eventType: event.type,
      attempt: webhook.attempts + 1,
      status: outcome.delivered ? 'delivered' : 'failed',
      responseStatus: outcome.responseStatus,
      error: outcome.error,
      durationMs: outcome.durationMs,
    };
    this.parts.observer?.deliveryFinished(attempt.status);
    if (outcome.delivered) return this.parts.leases.delivered(this.options.owner, attempt, this.options.leaseMs);
    const retryInMs = Math.min(this.options.initialBackoffMs * 2 ** webhook.attempts, this.options.maxBackoffMs);
    const after = await this.parts.leases.failed(this.options.owner, attempt, { skipTo, retryInMs, maxFailingMs: this.options.maxFailingMs });
    this.reportFailure(webhook, attempt, after, retryInMs);
    return null;
  }

  private async send(webhook: Webhook, event: BatonEvent, cut: AbortSignal): Promise<SendOutcome> {
    let secret: string;
    try {
      secret = this.parts.secretBox.decrypt(webhook.encryptedSecret, secretContextOf(webhook.id));
    } catch (error) {
      return {
        delivered: false,
        responseStatus: null,
        error: `the secret cannot be decrypted (${(error as Error).message}); set it again`,
        durationMs: 0,
        interrupted: false,
      };
    }
    return this.parts.sender.send(webhook.url, secret, event, cut);
  }

  private reportFailure(before: Webhook, attempt: DeliveryAttempt, after: Webhook | null, retryInMs: number): void {
    const fields = { webhook: before.id, event: attempt.eventId, attempt: attempt.attempt, error: attempt.error };
    if (after?.deliveryStatus === 'failing' && before.deliveryStatus === 'ok') {
      this.parts.logger.error(
        { ...fields, failing_since: after.failingSince },
        'webhook deliveries have failed for too long: marked failing until it is enabled again',
      );
    } else {
      this.parts.logger.warn({ ...fields, retry_in_ms: retryInMs }, 'webhook delivery failed; it will be retried');
    }
  }
}
