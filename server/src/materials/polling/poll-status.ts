import type { Database } from '../../db/database';
import { forKeys, keyedStatement } from '../../db/keyed-statement';
import { TABLES, type DbPackagePollStateRow } from '../../db/tables';
import type { MaterialPackage } from '../model';
import type { PluginCalls } from '../plugin-calls';
import type { PackagePollView, PollStatus } from './poll-state-schema';
import { revisionFromJson, toRecorded, type RecordedRevision, type RevisionJson } from './revision-store';

interface ViewRow {
  package_id: string;
  plugin_id: string;
  status: PollStatus | null;
  last_polled_at: Date | null;
  next_poll_at: Date | null;
  last_error: string | null;
  error_kind: DbPackagePollStateRow['error_kind'];
  consecutive_failures: number | null;
  warnings: string[] | null;
  latest: RevisionJson | null;
}

/** Reads packages' poll state and latest revisions for the API: one statement for a page of packages. */
export class PollStatusReader {
  constructor(
    private readonly db: Database,
    private readonly plugins: Pick<PluginCalls, 'plugin'>,
  ) {}

  async views(packages: MaterialPackage[]): Promise<Map<string, { poll: PackagePollView; latestRevision: RecordedRevision | null }>> {
    if (packages.length === 0) return new Map();
    const { sql, keys } = forKeys(
      VIEWS_SQL,
      packages.map((p) => p.id),
    );
    const { rows } = await this.db.knex.raw<{ rows: ViewRow[] }>(sql, [keys]);
    const byId = new Map(rows.map((row) => [row.package_id, row]));
    const views = new Map<string, { poll: PackagePollView; latestRevision: RecordedRevision | null }>();
    for (const pkg of packages) {
      const row = byId.get(pkg.id);
      const pluginId = row?.plugin_id;
      const status: PollStatus = !pluginId || !this.plugins.plugin(pluginId) ? 'plugin_missing' : !pkg.autoUpdate ? 'disabled' : (row?.status ?? 'pending');
      views.set(pkg.id, {
        poll: {
          status,
          last_polled_at: row?.last_polled_at?.toISOString() ?? null,
          next_poll_at: pkg.autoUpdate && row?.next_poll_at ? row.next_poll_at.toISOString() : null,
          last_error: row?.last_error ?? null,
          error_kind: row?.error_kind ?? null,
          consecutive_failures: row?.consecutive_failures ?? 0,
          warnings: row?.warnings ?? [],
        },
        latestRevision: row?.latest ? toRecorded(revisionFromJson(row.latest)) : null,
      });
    }
    return views;
  }
}

// Each package's repository's plugin, its poll state and its newest revision.
const VIEWS_SQL = keyedStatement(
  'p.id',
  (ids) => `
  SELECT p.id AS package_id, r.plugin_id, ps.status, ps.last_polled_at, ps.next_poll_at, ps.last_error, ps.error_kind,
         ps.consecutive_failures, ps.warnings,
         (SELECT to_jsonb(rev) FROM ${TABLES.revisions} rev WHERE rev.package_id = p.id ORDER BY rev.id DESC LIMIT 1) AS latest
    FROM ${TABLES.packages} p
    JOIN ${TABLES.repositories} r ON r.id = p.repository_id
    LEFT JOIN ${TABLES.packagePollState} ps ON ps.package_id = p.id
   WHERE ${ids}`,
);
