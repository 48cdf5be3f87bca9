import type { Database } from '../db/database';
import { TABLES } from '../db/tables';

/**
 * The event consumers: each a named, durable cursor into the event log, advanced by whichever
 * process holds the consumer's lease (owner and expiry by the database clock).
 */
export class EventConsumerStore {
  constructor(private readonly db: Database) {}

  /** Creates the consumer at `cursor`, unless it exists (then its cursor stays where it is). */
  async register(name: string, cursor: number): Promise<void> {
    await this.db.knex(TABLES.eventConsumers).insert({ name, cursor }).onConflict('name').ignore();
  }

  /**
   * Takes the consumer's lease for `owner`, or renews it, when it is free, already `owner`'s or
   * lapsed; answers the cursor, or null when another owner holds the lease.
   */
  async lease(name: string, owner: string, seconds: number): Promise<number | null> {
    const [row] = await this.db
      .knex(TABLES.eventConsumers)
      .where({ name })
      .andWhere((q) => {
        q.whereNull('lease_owner').orWhere('lease_owner', owner).orWhere('lease_expires_at', '<', this.db.knex.fn.now());
      })
      .update({ lease_owner: owner, lease_expires_at: this.db.knex.raw(`now() + make_interval(secs => ?)`, [seconds]) })
      .returning<{ cursor: number }[]>('cursor');
    return row ? Number(row.cursor) : null;
  }

  /** Moves the cursor on, if `owner` still holds the lease. */
  async advance(name: string, owner: string, cursor: number): Promise<void> {
    await this.db.knex(TABLES.eventConsumers).where({ name, lease_owner: owner }).update({ cursor, updated_at: this.db.knex.fn.now() });
  }

  /** Gives the lease up, if `owner` holds it. */
  async release(name: string, owner: string): Promise<void> {
    await this.db.knex(TABLES.eventConsumers).where({ name, lease_owner: owner }).update({ lease_owner: null, lease_expires_at: null });
  }
}
