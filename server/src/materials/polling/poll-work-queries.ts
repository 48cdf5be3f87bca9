import type { Database } from '../../db/database';
import { forKeys, keyedStatement } from '../../db/keyed-statement';
import { TABLES, type DbConfigurationEntry, type DbPackagePollStateRow } from '../../db/tables';
import type { ClaimedRepository, PackageToPoll } from './poll-model';
import { asWire, revisionFromJson, toRecorded, type RevisionJson } from './revision-store';

/** A package to poll, with its stored configuration. */
export interface PackageWork extends PackageToPoll {
  configuration: DbConfigurationEntry[];
}

type Row = DbPackagePollStateRow & {
  id: string;
  repository_id: string;
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

  async packagesOf(claim: ClaimedRepository): Promise<PackageWork[]> {
    return (await this.packagesOfAll([claim])).get(claim)!;
  }

  /**
   * One statement for the claims of several repositories: the packages with their last revisions
   * (a second query per poll cost as much as the first). A repository asked for whole covers all
   * its packages; otherwise those asked for, and those whose slot had come at the claim.
   */
  async packagesOfAll(claims: ClaimedRepository[]): Promise<Map<ClaimedRepository, PackageWork[]>> {
    const asked = claims.map((c) => ({ repository_id: c.repositoryId, claimed_at: c.claimedAt.toISOString(), whole: c.repositoryRequestedAt !== null }));
    const { sql, keys } = forKeys(
      PACKAGES_SQL,
      claims.map((c) => c.repositoryId),
    );
    const { rows } = await this.db.knex.raw<{ rows: Row[] }>(sql, [JSON.stringify(asked), keys]);
    const byRepository = new Map<string, Row[]>();
    for (const row of rows) {
      const of = byRepository.get(row.repository_id);
      if (of) of.push(row);
      else byRepository.set(row.repository_id, [row]);
    }
    return new Map(claims.map((claim) => [claim, (byRepository.get(claim.repositoryId) ?? []).map((row) => workOf(claim, row))]));
  }
}

function workOf(claim: ClaimedRepository, row: Row): PackageWork {
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
}

// The repositories come twice, the second time as keys, so that their packages are found through
// the repository index rather than by reading every package (a function's rows count for a
// hundred to the planner).
const PACKAGES_SQL = keyedStatement(
  'p.repository_id',
  (ids) => `
  SELECT p.id, p.repository_id, p.name, p.configuration, p.config_version, p.poll_interval_seconds, p.auto_update, ps.*,
         (SELECT to_jsonb(r) FROM ${TABLES.revisions} r WHERE r.package_id = p.id ORDER BY r.id DESC LIMIT 1) AS latest
    FROM ${TABLES.packages} p
    JOIN ${TABLES.packagePollState} ps ON ps.package_id = p.id
    JOIN jsonb_to_recordset(?::jsonb) AS c(repository_id uuid, claimed_at timestamptz, whole boolean) ON c.repository_id = p.repository_id
   WHERE ${ids} AND p.deleted_at IS NULL
     AND (c.whole OR ps.poll_requested_at IS NOT NULL OR (p.auto_update AND ps.next_poll_at <= c.claimed_at))
   ORDER BY p.repository_id, p.id`,
);
