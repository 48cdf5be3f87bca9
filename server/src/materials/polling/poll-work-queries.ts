import type { Database } from '../../db/database';
import { TABLES, type DbConfigurationEntry, type DbPackagePollStateRow } from '../../db/tables';
import type { ClaimedRepository, PackageToPoll } from './poll-model';
import { asWire, revisionFromJson, toRecorded, type RevisionJson } from './revision-store';

/** A package to poll, with its stored configuration. */
export interface PackageWork extends PackageToPoll {
  configuration: DbConfigurationEntry[];
}

type Row = DbPackagePollStateRow & {
  id: string;
  name: string;
  configuration: DbConfigurationEntry[];
  config_version: number;
  poll_interval_seconds: number;
  auto_update: boolean;
  latest: RevisionJson | null;
};

/** Reads what a claimed repository's poll must cover: its due or requested packages, and their last revisions. */
export class PollWorkQueries {
  constructor(private readonly db: Database) {}

  /** One statement: the packages with their last revisions (a second query per poll cost as much as the first). */
  async packagesOf(claim: ClaimedRepository): Promise<PackageWork[]> {
    const latest = this.db
      .knex(`${TABLES.revisions} as r`)
      .whereRaw('r.package_id = p.id')
      .orderBy('r.id', 'desc')
      .limit(1)
      .select(this.db.knex.raw('to_jsonb(r) AS latest'));
    const query = this.db
      .knex(`${TABLES.packages} as p`)
      .join(`${TABLES.packagePollState} as ps`, 'ps.package_id', 'p.id')
      .where('p.repository_id', claim.repositoryId)
      .whereNull('p.deleted_at')
      .select('p.id', 'p.name', 'p.configuration', 'p.config_version', 'p.poll_interval_seconds', 'p.auto_update', 'ps.*')
      .select({ latest: latest });
    if (claim.repositoryRequestedAt === null) {
      query.andWhere((q) => {
        q.whereNotNull('ps.poll_requested_at').orWhere((due) => {
          due.where('p.auto_update', true).andWhere('ps.next_poll_at', '<=', claim.claimedAt);
        });
      });
    }
    const rows = (await query.orderBy('p.id')) as Row[];
    return rows.map((row) => {
      const last = row.latest === null ? null : revisionFromJson(row.latest);
      return {
        packageId: row.id,
        repositoryId: claim.repositoryId,
        packageName: row.name,
        configuration: row.configuration,
        configVersion: row.config_version,
        intervalSeconds: row.poll_interval_seconds,
        autoUpdate: row.auto_update,
        status: row.status,
        scheduleAnchor: row.schedule_anchor,
        nextPollAt: row.next_poll_at,
        consecutiveFailures: row.consecutive_failures,
        previous: last ? asWire(toRecorded(last)) : null,
        scheduled: row.auto_update && row.next_poll_at <= claim.claimedAt,
      };
    });
  }
}
