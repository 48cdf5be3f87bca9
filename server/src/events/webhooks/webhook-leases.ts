import type { Database } from '../../db/database';
import type { DeliveryAttempt, WebhookDeliveryStore } from './webhook-delivery-store';
import type { Webhook } from './webhook';
import { WebhookStore, type FailureChange } from './webhook-store';

/**
 * Delivery work on webhooks. A process claims a webhook with a lease (owner and expiry by the
 * database clock); every later write is fenced by the owner, so a process whose lease ran out
 * learns it from a write that changes nothing, and stops. An attempt's record and the webhook's
 * new state are one transaction.
 */
export class WebhookLeases {
  private readonly webhooks: WebhookStore;

  constructor(
    private readonly db: Database,
    private readonly deliveries: WebhookDeliveryStore,
  ) {
    this.webhooks = new WebhookStore(db);
  }

  /** Claims up to `limit` enabled webhooks that are due and have events after their cursor. */
  claim(owner: string, leaseMs: number, limit: number): Promise<Webhook[]> {
    return this.webhooks.claimDue(owner, leaseMs, limit);
  }

  /** Moves the cursor past unwanted events and renews the lease; null when the lease is lost. */
  skipTo(id: string, owner: string, eventId: number, leaseMs: number): Promise<Webhook | null> {
    return this.webhooks.skipTo(id, owner, eventId, leaseMs);
  }

  /** Records a delivered event and moves the cursor to it, in one transaction; renews the lease. */
  async delivered(owner: string, attempt: DeliveryAttempt, leaseMs: number): Promise<Webhook | null> {
    return this.db.knex.transaction(async (trx) => {
      const webhook = await this.webhooks.markDelivered(trx, attempt.webhookId, owner, attempt.eventId, leaseMs);
      if (webhook) await this.deliveries.record(trx, attempt);
      return webhook;
    });
  }

  /**
   * Records a failed attempt without moving past the event, schedules the retry and lets go of
   * the webhook. Failures that have lasted longer than the maximum age mark it failing.
   */
  async failed(owner: string, attempt: DeliveryAttempt, change: FailureChange): Promise<Webhook | null> {
    return this.db.knex.transaction(async (trx) => {
      const webhook = await this.webhooks.markFailed(trx, attempt.webhookId, owner, attempt.error, change);
      if (webhook) await this.deliveries.record(trx, attempt);
      return webhook;
    });
  }

  /** Lets go of one webhook, so that any process may claim it when it is due. */
  release(id: string, owner: string): Promise<void> {
    return this.webhooks.release(id, owner);
  }
}
