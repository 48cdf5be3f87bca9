import { Type, type Static } from '@sinclair/typebox';
import type { Knex } from 'knex';
import type { Database } from '../db/database';
import { TABLES, type DbEventRow } from '../db/tables';
import { affectedRows } from '../db/affected-rows';
import { ADVISORY_LOCKS, lockInTransaction } from '../db/advisory-lock';
import { AnyObject, component } from '../schema-components';
import type { EventPayload, EventType } from './event-catalogue';

/** A domain event as stored and as clients see it (the API's `Event` component). */
export const BatonEvent = component(
  'Event',
  Type.Object(
    {
      id: Type.Integer(),
      type: Type.String({ description: 'An event type of the catalogue: one of the entries under `webhooks`.' }),
      occurred_at: Type.String({ format: 'date-time' }),
      data: AnyObject({ description: 'The payload of its type: `components.schemas["Event.<type>"]`.' }),
    },
    { additionalProperties: false },
  ),
);
export type BatonEvent = Static<typeof BatonEvent>;

/**
 * The outbox: events are appended in the transaction of the change they describe, and read in
 * id order by streams and webhooks.
 *
 * A sequence alone does not make ids visible in order on PostgreSQL: a transaction holding id 7
 * can commit after one holding id 8, and a reader that saw 8 would skip 7 for good. So every
 * writer takes one transaction-scoped advisory lock just before inserting: ids are assigned and
 * committed one transaction at a time, in order. Appending is therefore the last thing a
 * transaction does, to hold the lock briefly and to keep it after every other lock (see
 * `ADVISORY_LOCKS`).
 */
export class EventStore {
  constructor(private readonly db: Database) {}

  /** Only catalogue types, each with its own payload: an event nobody documented does not compile. */
  async append<T extends EventType>(trx: Knex.Transaction, type: T, data: EventPayload<T>): Promise<number> {
    await lockInTransaction(trx, ADVISORY_LOCKS.eventOrder);
    const [row] = await trx(TABLES.events)
      .insert({ type, data: JSON.stringify(data) })
      .returning<{ id: number }[]>('id');
    return Number(row.id);
  }

  /** Events after `afterId`, oldest first; `types` are exact types or prefixes ending in `.*`. */
  async after(afterId: number, limit: number, types: readonly string[] | null = null): Promise<BatonEvent[]> {
    const query = this.db.knex(TABLES.events).where('id', '>', afterId).orderBy('id').limit(limit);
    if (types !== null) {
      query.andWhere((q) => {
        for (const type of types) {
          if (type.endsWith('.*')) q.orWhere('type', 'like', `${type.slice(0, -1).replace(/[\\%_]/g, '\\$&')}%`);
          else q.orWhere('type', type);
        }
      });
    }
    return ((await query) as DbEventRow[]).map(present);
  }

  async latestId(): Promise<number> {
    const row = (await this.db.knex(TABLES.events).max('id as id').first()) as { id: number | null } | undefined;
    return Number(row?.id ?? 0);
  }

  /** Removes events older than the retention period; answers how many. */
  async pruneBefore(cutoff: Date): Promise<number> {
    return affectedRows(await this.db.knex(TABLES.events).where('occurred_at', '<', cutoff).delete());
  }
}

function present(row: DbEventRow): BatonEvent {
  return { id: Number(row.id), type: row.type, occurred_at: row.occurred_at.toISOString(), data: row.data };
}
