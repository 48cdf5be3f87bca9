import type { DbWebhookRow } from '../../db/tables';

/** An outbound webhook: where events go, and how far delivery has come. */
export interface Webhook {
  id: string;
  url: string;
  /** Exact types or `prefix.*`; empty means every event. */
  eventTypes: string[];
  /** The secret as stored: encrypted, bound to this webhook. */
  encryptedSecret: string;
  enabled: boolean;
  configVersion: number;
  /** `failing` once deliveries have failed for longer than the maximum age; cleared on re-enable. */
  deliveryStatus: 'ok' | 'failing';
  /** The last event id handled: delivered, or skipped because its type does not match. */
  cursor: number;
  /** Failed attempts at the event after the cursor. */
  attempts: number;
  nextAttemptAt: Date;
  failingSince: Date | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What the secret box binds a webhook's secret to. */
export function secretContextOf(webhookId: string): { resourceType: string; resourceId: string; key: string } {
  return { resourceType: 'webhook', resourceId: webhookId, key: 'secret' };
}

export function toWebhook(row: DbWebhookRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.event_types,
    encryptedSecret: row.secret,
    enabled: row.enabled,
    configVersion: row.config_version,
    deliveryStatus: row.delivery_status,
    cursor: Number(row.cursor),
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    failingSince: row.failing_since,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
