import type { Knex } from 'knex';
import type { Database } from '../../db/database';
import { keysetPage, type Page, type PageRequest } from '../../db/pagination';
import { TABLES, WEBHOOK_TABLES, type DbWebhookRow } from '../../db/tables';
import { toWebhook, type Webhook } from './webhook';

type Queryable = Knex | Knex.Transaction;

/** A webhook's configuration, as the API changes it. */
export interface WebhookConfiguration {
  url: string;
  eventTypes: string[];
  encryptedSecret: string;
  enabled: boolean;
}

/** The webhooks table, for the API: configuration and the switches an admin flips. */
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
}

function columnsOf(configuration: WebhookConfiguration): Record<string, unknown> {
  return {
    url: configuration.url,
    event_types: JSON.stringify(configuration.eventTypes),
    secret: configuration.encryptedSecret,
    enabled: configuration.enabled,
  };
}
