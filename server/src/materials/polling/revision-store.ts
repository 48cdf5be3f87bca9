import type { Static } from '@sinclair/typebox';
import type { Knex } from 'knex';
import type { Database } from '../../db/database';
import { keysetPage, NEWEST_FIRST, type Page, type PageRequest } from '../../db/pagination';
import { TABLES, type DbPackageRevisionRow } from '../../db/tables';
import type { RecordedRevision as RecordedRevisionSchema } from '../../events/event-catalogue';
import type { WireRevision } from '../../plugins/protocol';

/** A recorded revision, as `package.revision.detected` events carry it; the API leaves out the id. */
export type RecordedRevision = Static<typeof RecordedRevisionSchema>;

/** The package_revisions table: every version a plugin reported, kept for good. */
export class RevisionStore {
  constructor(private readonly db: Database) {}

  /** The most recently recorded revision of each package. */
  async latestOf(packageIds: string[], trx: Knex | Knex.Transaction = this.db.knex): Promise<Map<string, RecordedRevision>> {
    if (packageIds.length === 0) return new Map();
    const rows = (await trx(TABLES.revisions)
      .distinctOn('package_id')
      .whereIn('package_id', packageIds)
      .orderBy([{ column: 'package_id' }, { column: 'id', order: 'desc' }])) as DbPackageRevisionRow[];
    return new Map(rows.map((row) => [row.package_id, toRecorded(row)]));
  }

  /** A package's history, newest first. */
  async history(packageId: string, page: PageRequest): Promise<Page<RecordedRevision>> {
    const result = await keysetPage<DbPackageRevisionRow & Record<string, unknown>>(
      this.db.knex(TABLES.revisions).where({ package_id: packageId }).select('*'),
      NEWEST_FIRST,
      page,
    );
    return { items: result.items.map(toRecorded), nextCursor: result.nextCursor };
  }
}

export function toRecorded(row: DbPackageRevisionRow): RecordedRevision {
  return {
    id: Number(row.id),
    revision: row.revision,
    timestamp: row.timestamp.toISOString(),
    user: row.user,
    comment: row.comment,
    trackback_url: row.trackback_url,
    data: row.data,
    detected_at: row.detected_at.toISOString(),
  };
}

/** The wire form a plugin compares against: what it reported, without the server's fields. */
export function asWire(revision: RecordedRevision): WireRevision {
  const { revision: label, timestamp, user, comment, trackback_url, data } = revision;
  return { revision: label, timestamp, user, comment, trackback_url, data };
}
