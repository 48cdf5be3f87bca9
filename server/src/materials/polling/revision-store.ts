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

  /** The package's most recently recorded revision. */
  async latest(packageId: string, trx: Knex | Knex.Transaction = this.db.knex): Promise<DbPackageRevisionRow | null> {
    return ((await trx(TABLES.revisions).where({ package_id: packageId }).orderBy('id', 'desc').first()) as DbPackageRevisionRow | undefined) ?? null;
  }

  /** The package's newest revision detected before `before` (a time). */
  async latestBefore(packageId: string, before: string, trx: Knex | Knex.Transaction = this.db.knex): Promise<DbPackageRevisionRow | null> {
    const row = (await trx(TABLES.revisions).where({ package_id: packageId }).andWhere('detected_at', '<', before).orderBy('id', 'desc').first()) as
      DbPackageRevisionRow | undefined;
    return row ?? null;
  }

  /** The package's revision with this label (the plugin's name for it). */
  async byLabel(packageId: string, label: string, trx: Knex | Knex.Transaction = this.db.knex): Promise<DbPackageRevisionRow | null> {
    return ((await trx(TABLES.revisions).where({ package_id: packageId, revision: label }).first()) as DbPackageRevisionRow | undefined) ?? null;
  }

  async byId(id: number, trx: Knex | Knex.Transaction = this.db.knex): Promise<DbPackageRevisionRow | null> {
    return ((await trx(TABLES.revisions).where({ id }).first()) as DbPackageRevisionRow | undefined) ?? null;
  }

  /**
   * Records reported revisions, each only if its package's configuration is still the one polled
   * (`config_version`) and the revision is new; answers the rows written.
   */
  async recordIfCurrent(trx: Knex.Transaction, revisions: (WireRevision & { package_id: string; config_version: number })[]): Promise<DbPackageRevisionRow[]> {
    if (revisions.length === 0) return [];
    const { rows } = await trx.raw<{ rows: DbPackageRevisionRow[] }>(INSERT_REVISIONS_SQL, [JSON.stringify(revisions)]);
    return rows;
  }

  /** Whether any revision of the package was ever recorded. */
  async hasAny(packageId: string, trx: Knex | Knex.Transaction = this.db.knex): Promise<boolean> {
    return (await trx(TABLES.revisions).where({ package_id: packageId }).first('id')) !== undefined;
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

// The configuration version is checked with a lookup per row: a join let the planner read the
// whole packages table to match a few rows, on every poll.
const CURRENT_CONFIG = `v.config_version = (SELECT p.config_version FROM ${TABLES.packages} p WHERE p.id = v.package_id)`;

const INSERT_REVISIONS_SQL = `
  INSERT INTO ${TABLES.revisions} (package_id, revision, "timestamp", "user", comment, trackback_url, data)
  SELECT v.package_id, v.revision, v."timestamp", v."user", v.comment, v.trackback_url, v.data
    FROM jsonb_to_recordset(?::jsonb) AS v(package_id uuid, config_version int, revision text, "timestamp" timestamptz,
                                           "user" text, comment text, trackback_url text, data jsonb)
   WHERE ${CURRENT_CONFIG}
  ON CONFLICT (package_id, revision) DO NOTHING
  RETURNING *`;

/** A revision row as `to_jsonb` gives it: its times as text. */
export type RevisionJson = Omit<DbPackageRevisionRow, 'timestamp' | 'detected_at'> & { timestamp: string; detected_at: string };

/** The row of a revision read with `to_jsonb`, in a query that reads it along with other tables. */
export function revisionFromJson(json: RevisionJson): DbPackageRevisionRow {
  return { ...json, timestamp: new Date(json.timestamp), detected_at: new Date(json.detected_at) };
}
