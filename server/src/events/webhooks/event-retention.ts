import type { EventStore } from '../event-store';
import { affectedRows } from '../../db/affected-rows';
import type { WebhookDeliveryStore } from './webhook-delivery-store';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What one pruning removed. */
export interface PruneResult {
  events: number;
  deliveries: number;
}

/**
 * Keeps the outbox and the delivery log from growing for ever: events and delivery attempts
 * older than the retention period go. Revision history lives elsewhere and is never touched.
 */
export class EventRetention {
  constructor(
    private readonly events: EventStore,
    private readonly deliveries: WebhookDeliveryStore,
    private readonly retentionDays: number,
  ) {}

  async pruneOld(now: Date = new Date()): Promise<PruneResult> {
    const cutoff = new Date(now.getTime() - this.retentionDays * DAY_MS);
    const deliveries = await this.deliveries.pruneBefore(cutoff);
    const events = affectedRows(await this.events.pruneBefore(cutoff));
    return { events, deliveries };
  }
}
