import type { Knex } from 'knex';
import type { Database } from '../db/database';
import { keysetPage, NEWEST_FIRST, type Page, type PageRequest } from '../db/pagination';
import { TABLES, type DbAuditLogRow } from '../db/tables';

export interface AuditEntry {
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  /** What changed, without secret values. */
  details?: Record<string, unknown>;
}

/** Every change made through the API, with its actor. Written in the transaction of the change. */
export class AuditStore {
  constructor(private readonly db: Database) {}

  async record(entry: AuditEntry, trx: Knex | Knex.Transaction = this.db.knex): Promise<void> {
    await trx(TABLES.audit).insert({
      actor: entry.actor,
      action: entry.action,
      resource_type: entry.resourceType,
      resource_id: entry.resourceId,
      details: JSON.stringify(entry.details ?? {}),
    });
  }

  /** Newest first. */
  async list(page: PageRequest, filter: { resourceType?: string; resourceId?: string } = {}): Promise<Page<DbAuditLogRow>> {
    const query = this.db.knex(TABLES.audit).select('*');
    if (filter.resourceType) query.where('resource_type', filter.resourceType);
    if (filter.resourceId) query.where('resource_id', filter.resourceId);
    return keysetPage<DbAuditLogRow & Record<string, unknown>>(query, NEWEST_FIRST, page);
  }
}
