import type { EventStore } from '../event-store';
import { affectedRows } from '../../db/affected-rows';
import type { AuditStore } from '../../security/audit-store';
import type { WebhookDeliveryStore } from './webhook-delivery-store';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What one pruning removed. */
export interface PruneResult {
  events: number;
  deliveries: number;
}

/** Who the audit log names for what the retention setting removes. */
export const RETENTION_ACTOR = 'retention:BATON_EVENT_RETENTION_DAYS';

/**
 * Keeps the outbox and the delivery log from growing for ever: events and delivery attempts
 * older than the retention period go, and each pruning that removed any is in the audit log.
 * Revision history and run records live elsewhere and are never touched.
 */
export class EventRetention {
  constructor(
    private readonly events: EventStore,
    private readonly deliveries: WebhookDeliveryStore,
    private readonly retentionDays: number,
    private readonly audit: AuditStore,
  ) {}

  async pruneOld(now: Date = new Date()): Promise<PruneResult> {
    const cutoff = new Date(now.getTime() - this.retentionDays * DAY_MS);
    const deliveries = await this.deliveries.pruneBefore(cutoff);
    const events = affectedRows(await this.events.pruneBefore(cutoff));
    if (events + deliveries > 0) {
      await this.audit.record({
        actor: RETENTION_ACTOR,
        action: 'events.prune',
        resourceType: 'events',
        resourceId: null,
        details: { events, deliveries, older_than: cutoff.toISOString(), retention_days: this.retentionDays },
      });
    }
    return { events, deliveries };
  }
}
