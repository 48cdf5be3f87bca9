import type { Knex } from 'knex';
import type { Database } from '../../db/database';
import { TABLES, WEBHOOK_TABLES, type DbWebhookRow } from '../../db/tables';
import type { DeliveryAttempt, WebhookDeliveryLog } from './webhook-delivery-log';
import { toWebhook, type Webhook } from './webhook';

const W = WEBHOOK_TABLES.webhooks;
const MILLISECONDS = "?::double precision * interval '1 millisecond'";

/** How a failed attempt changes a webhook. */
export interface FailureChange {
  /** Events before the failed one that the webhook did not want; the cursor may move past them. */
  skipTo: number;
  /** Wait this long before the next attempt. */
  retryInMs: number;
  /** Mark the webhook failing once its failures have lasted this long. */
  maxFailingMs: number;
}

/**
 * Delivery work on the webhooks table. A process claims a webhook with a lease (owner and expiry
 * by the database clock); every later write is fenced by the owner, so a process whose lease ran
 * out learns it from a write that changes nothing, and stops.
 */
export class WebhookLeases {
  constructor(
    private readonly db: Database,
    private readonly deliveries: WebhookDeliveryLog,
  ) {}

  /** Claims up to `limit` enabled webhooks that are due and have events after their cursor. */
  async claim(owner: string, leaseMs: number, limit: number): Promise<Webhook[]> {
    const result = await this.db.knex.raw<{ rows: DbWebhookRow[] }>(
      `UPDATE ${W} SET lease_owner = ?, lease_expires_at = now() + ${MILLISECONDS}
       WHERE id IN (
         SELECT w.id FROM ${W} w
         WHERE w.enabled AND w.delivery_status = 'ok' AND w.next_attempt_at <= now()
           AND (w.lease_expires_at IS NULL OR w.lease_expires_at < now())
           AND EXISTS (SELECT 1 FROM ${TABLES.events} e WHERE e.id > w.cursor)
         ORDER BY w.next_attempt_at
         LIMIT ?
         FOR UPDATE SKIP LOCKED
       )
       RETURNING *`,
      [owner, leaseMs, limit],
    );
    return result.rows.map(toWebhook);
  }

  /** Moves the cursor past unwanted events and renews the lease; null when the lease is lost. */
  async skipTo(id: string, owner: string, eventId: number, leaseMs: number): Promise<Webhook | null> {
    return this.fenced(this.db.knex, id, owner, { cursor: this.db.knex.raw('greatest(cursor, ?)', [eventId]), lease_expires_at: this.renewal(leaseMs) });
  }

  /** Records a delivered event and moves the cursor to it, in one transaction; renews the lease. */
  async delivered(owner: string, attempt: DeliveryAttempt, leaseMs: number): Promise<Webhook | null> {
    return this.db.knex.transaction(async (trx) => {
      const webhook = await this.fenced(trx, attempt.webhookId, owner, {
        cursor: trx.raw('greatest(cursor, ?)', [attempt.eventId]),
        attempts: 0,
        failing_since: null,
        last_error: null,
        next_attempt_at: trx.fn.now(),
        lease_expires_at: this.renewal(leaseMs),
      });
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
      const webhook = await this.fenced(trx, attempt.webhookId, owner, {
        cursor: trx.raw('greatest(cursor, ?)', [change.skipTo]),
        attempts: trx.raw('attempts + 1'),
        failing_since: trx.raw('coalesce(failing_since, now())'),
        last_error: attempt.error,
        next_attempt_at: trx.raw(`now() + ${MILLISECONDS}`, [change.retryInMs]),
        delivery_status: trx.raw(`CASE WHEN now() - coalesce(failing_since, now()) >= ${MILLISECONDS} THEN 'failing' ELSE delivery_status END`, [
          change.maxFailingMs,
        ]),
        lease_owner: null,
        lease_expires_at: null,
      });
      if (webhook) await this.deliveries.record(trx, attempt);
      return webhook;
    });
  }

  /** Lets go of one webhook, so that any process may claim it when it is due. */
  async release(id: string, owner: string): Promise<void> {
    await this.db.knex(W).where({ id, lease_owner: owner }).update({ lease_owner: null, lease_expires_at: null });
  }

  private renewal(leaseMs: number): Knex.Raw {
    return this.db.knex.raw(`now() + ${MILLISECONDS}`, [leaseMs]);
  }

  private async fenced(q: Knex | Knex.Transaction, id: string, owner: string, changes: Record<string, unknown>): Promise<Webhook | null> {
    const [row] = (await q(W).where({ id, lease_owner: owner }).update(changes).returning('*')) as DbWebhookRow[];
    return row ? toWebhook(row) : null;
  }
}
