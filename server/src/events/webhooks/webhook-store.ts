import type { Knex } from 'knex';
import type { Database } from '../../db/database';
import { keysetPage, type Page, type PageRequest } from '../../db/pagination';
import { TABLES, WEBHOOK_TABLES, type DbWebhookRow } from '../../db/tables';
import { toWebhook, type Webhook } from './webhook';

type Queryable = Knex | Knex.Transaction;

const W = WEBHOOK_TABLES.webhooks;

/** A webhook's configuration, as the API changes it. */
export interface WebhookConfiguration {
  url: string;
  eventTypes: string[];
  encryptedSecret: string;
  enabled: boolean;
}

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
 * The webhooks table: the configuration and the switches an admin flips, and the delivery state
 * (cursor, retries, the lease a delivering process holds). Every write of delivery state is fenced
 * by the lease owner: a process whose lease ran out learns it from a write that changes nothing.
 */
export class WebhookStore {
  constructor(private readonly db: Database) {}

  async list(page: PageRequest): Promise<Page<Webhook>> {
    const result = await keysetPage<DbWebhookRow & Record<string, unknown>>(
      this.db.knex(WEBHOOK_TABLES.webhooks).select('*'),
      { expression: 'url', idColumn: 'id', direction: 'asc', valueOf: (row) => String(row['url']), kinds: { value: 'string', id: 'uuid' } },
      page,
    );
    return { items: result.items.map(toWebhook), nextCursor: result.nextCursor };
  }

  async get(id: string, trx: Queryable = this.db.knex, forUpdate = false): Promise<Webhook | null> {
    const query = trx(WEBHOOK_TABLES.webhooks).where({ id }).first();
    if (forUpdate) query.forUpdate();
    const row = (await query) as DbWebhookRow | undefined;
    return row ? toWebhook(row) : null;
  }

  /** A new webhook hears events from now on: its cursor starts at the newest event. */
  async insert(trx: Queryable, id: string, configuration: WebhookConfiguration): Promise<Webhook> {
    const [row] = (await trx(WEBHOOK_TABLES.webhooks)
      .insert({ id, ...columnsOf(configuration), cursor: trx.raw(`(SELECT coalesce(max(id), 0) FROM ${TABLES.events})`) })
      .returning('*')) as DbWebhookRow[];
    return toWebhook(row);
  }

  /**
   * Replaces the configuration. Any change means "try again now"; enabling also clears the
   * failing mark, so that a webhook given up on is retried from where it stopped.
   */
  async update(trx: Queryable, id: string, configuration: WebhookConfiguration): Promise<Webhook> {
    const changes: Record<string, unknown> = {
      ...columnsOf(configuration),
      config_version: trx.raw('config_version + 1'),
      attempts: 0,
      next_attempt_at: trx.fn.now(),
      updated_at: trx.fn.now(),
    };
    if (configuration.enabled) Object.assign(changes, { delivery_status: 'ok', failing_since: null });
    const [row] = (await trx(WEBHOOK_TABLES.webhooks).where({ id }).update(changes).returning('*')) as DbWebhookRow[];
    return toWebhook(row);
  }

  async delete(trx: Queryable, id: string): Promise<void> {
    await trx(WEBHOOK_TABLES.webhooks).where({ id }).delete();
  }

  /** Leases up to `limit` enabled webhooks that are due and have events after their cursor. */
  async claimDue(owner: string, leaseMs: number, limit: number): Promise<Webhook[]> {
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
  skipTo(id: string, owner: string, eventId: number, leaseMs: number): Promise<Webhook | null> {
    const knex = this.db.knex;
    return this.fenced(knex, id, owner, { cursor: knex.raw('greatest(cursor, ?)', [eventId]), lease_expires_at: renewal(knex, leaseMs) });
  }

  /** Moves the cursor to a delivered event, clears the failures and renews the lease; null when the lease is lost. */
  markDelivered(trx: Knex.Transaction, id: string, owner: string, eventId: number, leaseMs: number): Promise<Webhook | null> {
    return this.fenced(trx, id, owner, {
      cursor: trx.raw('greatest(cursor, ?)', [eventId]),
      attempts: 0,
      failing_since: null,
      last_error: null,
      next_attempt_at: trx.fn.now(),
      lease_expires_at: renewal(trx, leaseMs),
    });
  }

  /**
   * Counts a failed attempt, schedules the retry and ends the lease; failures that have lasted
   * longer than the maximum age mark the webhook failing. Null when the lease is lost.
   */
  markFailed(trx: Knex.Transaction, id: string, owner: string, error: string | null, change: FailureChange): Promise<Webhook | null> {
    return this.fenced(trx, id, owner, {
      cursor: trx.raw('greatest(cursor, ?)', [change.skipTo]),
      attempts: trx.raw('attempts + 1'),
      failing_since: trx.raw('coalesce(failing_since, now())'),
      last_error: error,
      next_attempt_at: trx.raw(`now() + ${MILLISECONDS}`, [change.retryInMs]),
      delivery_status: trx.raw(`CASE WHEN now() - coalesce(failing_since, now()) >= ${MILLISECONDS} THEN 'failing' ELSE delivery_status END`, [
        change.maxFailingMs,
      ]),
      lease_owner: null,
      lease_expires_at: null,
    });
  }

  /** Ends `owner`'s lease on the webhook, so that any process may claim it when it is due. */
  async release(id: string, owner: string): Promise<void> {
    await this.db.knex(W).where({ id, lease_owner: owner }).update({ lease_owner: null, lease_expires_at: null });
  }

  private async fenced(q: Queryable, id: string, owner: string, changes: Record<string, unknown>): Promise<Webhook | null> {
    const [row] = (await q(W).where({ id, lease_owner: owner }).update(changes).returning('*')) as DbWebhookRow[];
    return row ? toWebhook(row) : null;
  }
}

function columnsOf(configuration: WebhookConfiguration): Record<string, unknown> {
  return {
    url: configuration.url,
    event_types: JSON.stringify(configuration.eventTypes),
    secret: configuration.encryptedSecret,
    enabled: configuration.enabled,
  };
}

function renewal(q: Queryable, leaseMs: number): Knex.Raw {
  return q.raw(`now() + ${MILLISECONDS}`, [leaseMs]);
}
