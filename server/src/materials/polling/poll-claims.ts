import { affectedRows } from '../../db/affected-rows';
import type { Database } from '../../db/database';
import { TABLES, type DbConfigurationEntry } from '../../db/tables';
import type { ClaimedRepository } from './poll-model';

interface CandidateRow {
  repository_id: string;
  plugin_id: string;
  configuration: DbConfigurationEntry[];
  poll_requested_at: Date | null;
  due_at: Date | null;
  db_now: Date;
}

/** Which repositories may be claimed now, as the scheduler's caps see them. */
export interface ClaimLimits {
  max: number;
  /** How many more polls may start on this host. */
  hostRoom(host: string): number;
}

/**
 * Poll work is claimed per repository with a lease (owner, expiry by the database clock): rows
 * locked by another claimer are skipped, so several processes on one PostgreSQL never poll the
 * same repository at once, and an expired lease — its process crashed — is simply claimed again.
 */
export class PollClaims {
  constructor(private readonly db: Database) {}

  async claim(owner: string, leaseSeconds: number, limits: ClaimLimits): Promise<ClaimedRepository[]> {
    if (limits.max <= 0) return [];
    return this.db.knex.transaction(async (trx) => {
      const { rows } = await trx.raw<{ rows: CandidateRow[] }>(CANDIDATES_SQL, [limits.max * 4]);
      const chosen: ClaimedRepository[] = [];
      const hostsTaken = new Map<string, number>();
      for (const row of rows) {
        if (chosen.length >= limits.max) break;
        const host = hostOf(row.configuration) ?? row.repository_id;
        const taken = hostsTaken.get(host) ?? 0;
        if (taken >= limits.hostRoom(host)) continue;
        hostsTaken.set(host, taken + 1);
        chosen.push({
          repositoryId: row.repository_id,
          pluginId: row.plugin_id,
          // The candidates statement's time, not its transaction's: a poll request the statement
          // saw is older than it, so the poll clears it rather than running once more.
          claimedAt: row.db_now,
          dueAt: row.due_at,
          host,
          repositoryRequestedAt: row.poll_requested_at,
        });
      }
      if (chosen.length > 0) {
        await trx(TABLES.repositoryPollState)
          .whereIn(
            'repository_id',
            chosen.map((c) => c.repositoryId),
          )
          .update({ lease_owner: owner, lease_expires_at: trx.raw(`now() + make_interval(secs => ?)`, [leaseSeconds]) });
      }
      return chosen;
    });
  }

  /** Extends the leases this owner still holds; answers the repositories whose lease was lost. */
  async renew(owner: string, repositoryIds: string[], leaseSeconds: number): Promise<string[]> {
    if (repositoryIds.length === 0) return [];
    const renewed = await this.db
      .knex(TABLES.repositoryPollState)
      .whereIn('repository_id', repositoryIds)
      .andWhere({ lease_owner: owner })
      .update({ lease_expires_at: this.db.knex.raw(`now() + make_interval(secs => ?)`, [leaseSeconds]) })
      .returning<{ repository_id: string }[]>('repository_id');
    const kept = new Set(renewed.map((r) => r.repository_id));
    return repositoryIds.filter((id) => !kept.has(id));
  }

  /**
   * Gives a repository back. A poll request older than the claim has been served; one that
   * arrived during the poll stays, so the repository is polled once more right away.
   */
  async release(owner: string, claim: ClaimedRepository): Promise<void> {
    await this.db
      .knex(TABLES.repositoryPollState)
      .where({ repository_id: claim.repositoryId, lease_owner: owner })
      .update({
        lease_owner: null,
        lease_expires_at: null,
        last_polled_at: this.db.knex.fn.now(),
        poll_requested_at: this.db.knex.raw('CASE WHEN poll_requested_at <= ? THEN NULL ELSE poll_requested_at END', [claim.claimedAt]),
      });
  }

  /** Gives back every lease of this owner (on shutdown), so that another process takes over at once. */
  async releaseAll(owner: string): Promise<number> {
    return affectedRows(await this.db.knex(TABLES.repositoryPollState).where({ lease_owner: owner }).update({ lease_owner: null, lease_expires_at: null }));
  }

  /** How many leases this owner holds. */
  async held(owner: string): Promise<number> {
    const row = (await this.db.knex(TABLES.repositoryPollState).where({ lease_owner: owner }).count({ n: '*' }).first()) as { n: number };
    return Number(row.n);
  }
}

// Repositories whose lease is free or expired and that have work: a poll request, or a package
// whose slot has come. Locked rows are skipped, not waited for. Wanted packages are found in one
// pass over the poll states: a subquery per repository read every package at each claim, which
// made claiming the costliest step of a poll. `due_at` is the earliest slot of the repository's
// auto-update packages; when some are due, the earliest due one is that slot.
const CANDIDATES_SQL = `
  WITH wanted AS (
    SELECT p.repository_id, min(ps.next_poll_at) FILTER (WHERE p.auto_update AND ps.next_poll_at <= now()) AS earliest_due
      FROM package_poll_state ps JOIN packages p ON p.id = ps.package_id
     WHERE (p.auto_update AND ps.next_poll_at <= now()) OR ps.poll_requested_at IS NOT NULL
     GROUP BY p.repository_id)
  SELECT rs.repository_id, r.plugin_id, r.configuration, rs.poll_requested_at, statement_timestamp() AS db_now,
         COALESCE(w.earliest_due, (SELECT min(ps.next_poll_at) FROM packages p JOIN package_poll_state ps ON ps.package_id = p.id
                                    WHERE p.repository_id = rs.repository_id AND p.auto_update)) AS due_at
    FROM repository_poll_state rs
    JOIN package_repositories r ON r.id = rs.repository_id
    LEFT JOIN wanted w ON w.repository_id = rs.repository_id
   WHERE (rs.lease_expires_at IS NULL OR rs.lease_expires_at < now())
     AND (rs.poll_requested_at IS NOT NULL OR w.repository_id IS NOT NULL)
   ORDER BY rs.poll_requested_at NULLS LAST, due_at NULLS LAST
   LIMIT ?
   FOR UPDATE OF rs SKIP LOCKED`;

/** The host of the first plain configuration value that is an http(s) URL. */
export function hostOf(configuration: DbConfigurationEntry[]): string | null {
  for (const entry of configuration) {
    if (!('value' in entry)) continue;
    try {
      const url = new URL(entry.value);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.host;
    } catch {
      // not a URL
    }
  }
  return null;
}
