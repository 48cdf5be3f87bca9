import type { Knex } from 'knex';
import type { Database } from '../../db/database';
import { keysetPage, NEWEST_FIRST, type Page, type PageRequest } from '../../db/pagination';
import { WEBHOOK_TABLES, type DbWebhookDeliveryRow } from '../../db/tables';
import { affectedRows } from '../../db/affected-rows';

/** One attempt to deliver one event to one webhook. */
export interface DeliveryAttempt {
  webhookId: string;
  eventId: number;
  eventType: string;
  attempt: number;
  status: 'delivered' | 'failed';
  responseStatus: number | null;
  error: string | null;
  durationMs: number;
}

/** The webhook_deliveries table: what was tried, when, and how it went. */
export class WebhookDeliveryStore {
  constructor(private readonly db: Database) {}

  async record(trx: Knex.Transaction, attempt: DeliveryAttempt): Promise<void> {
    await trx(WEBHOOK_TABLES.deliveries).insert({
      webhook_id: attempt.webhookId,
      event_id: attempt.eventId,
      event_type: attempt.eventType,
      attempt: attempt.attempt,
      status: attempt.status,
      response_status: attempt.responseStatus,
      error: attempt.error,
      duration_ms: Math.round(attempt.durationMs),
    });
  }

  /** A webhook's attempts, newest first. */
  async list(webhookId: string, page: PageRequest): Promise<Page<DbWebhookDeliveryRow>> {
    const result = await keysetPage<DbWebhookDeliveryRow & Record<string, unknown>>(
      this.db.knex(WEBHOOK_TABLES.deliveries).where({ webhook_id: webhookId }).select('*'),
      NEWEST_FIRST,
      page,
    );
    return { items: result.items.map((row) => ({ ...row, id: Number(row.id), event_id: Number(row.event_id) })), nextCursor: result.nextCursor };
  }

  /** Removes attempts older than the retention period; answers how many. */
  async pruneBefore(cutoff: Date): Promise<number> {
    return affectedRows(await this.db.knex(WEBHOOK_TABLES.deliveries).where('attempted_at', '<', cutoff).delete());
  }
}
