import type { Knex } from 'knex';
import type { Database } from '../../db/database';
import type { DbConfigurationEntry } from '../../db/tables';
import { releaseOf, type ClaimedRepository } from './poll-model';
import { GroupCommit } from './group-commit';
import { PollStateStore, type CandidateRow } from './poll-state-store';

/** Which repositories may be claimed now, as the scheduler's caps see them. */
export interface ClaimLimits {
  max: number;
  /** How many more polls may start on this host. */
  hostRoom(host: string): number;
}

/** What a claim took, and whether it left repositories with work behind (for the caps, or past its look-ahead). */
export interface Claimed {
  claimed: ClaimedRepository[];
  leftBehind: boolean;
}

/**
 * Poll work is claimed per repository with a lease (owner, expiry by the database clock): rows
 * locked by another claimer are skipped, so several processes on one PostgreSQL never poll the
 * same repository at once, and an expired lease — its process crashed — is simply claimed again.
 */
export class PollClaims {
  private readonly states: PollStateStore;
  /** Repositories polled while another release is written are given back together, in one statement. */
  private readonly releases = new GroupCommit<{ owner: string; claim: ClaimedRepository }, void>((polled) => this.releaseAllOf(polled));

  constructor(private readonly db: Database) {
    this.states = new PollStateStore(db);
  }

  /** Claims repositories with work, the requested ones and the longest due first, within the caps. */
  async claim(owner: string, leaseSeconds: number, limits: ClaimLimits): Promise<Claimed> {
    if (limits.max <= 0) return { claimed: [], leftBehind: false };
    const lookAhead = limits.max * 4;
    return this.db.knex.transaction(async (trx) => {
      const rows = await this.states.lockCandidates(trx, lookAhead);
      const claimed = await this.take(trx, rows, owner, leaseSeconds, limits);
      return { claimed, leftBehind: rows.length > claimed.length || rows.length >= lookAhead };
    });
  }

  /**
   * Claims, among `repositoryIds`, those with a poll request and a free lease, in one statement:
   * a request is served at once without looking for every repository that has work. The caller
   * asks only when the caps have room for all of them.
   */
  async claimRequested(owner: string, leaseSeconds: number, repositoryIds: string[]): Promise<ClaimedRepository[]> {
    if (repositoryIds.length === 0) return [];
    return (await this.states.leaseRequested(repositoryIds, owner, leaseSeconds)).map(claimOf);
  }

  /** Asks for a poll of every package of the repository; its time, null when there is no such live repository. */
  async request(repositoryId: string): Promise<Date | null> {
    return this.states.requestRepositoryPoll(repositoryId);
  }

  /**
   * A poll request for the repository, claimed in the same write when its lease is free: the
   * request's time, and the claim when this owner took it. Null when there is no such live
   * repository.
   */
  async requestAndClaim(repositoryId: string, owner: string, leaseSeconds: number): Promise<{ requestedAt: Date; claimed: ClaimedRepository | null } | null> {
    const row = await this.states.requestAndLease(repositoryId, owner, leaseSeconds);
    if (row === null) return null;
    return { requestedAt: row.poll_requested_at!, claimed: row.leased ? claimOf(row) : null };
  }

  /** Leases the rows the caps let in, in their order. */
  private async take(trx: Knex.Transaction, rows: CandidateRow[], owner: string, leaseSeconds: number, limits: ClaimLimits): Promise<ClaimedRepository[]> {
    const chosen: ClaimedRepository[] = [];
    const hostsTaken = new Map<string, number>();
    for (const row of rows) {
      if (chosen.length >= limits.max) break;
      const host = hostOf(row.configuration) ?? row.repository_id;
      const taken = hostsTaken.get(host) ?? 0;
      if (taken >= limits.hostRoom(host)) continue;
      hostsTaken.set(host, taken + 1);
      chosen.push(claimOf(row));
    }
    if (chosen.length > 0) {
      await this.states.lease(
        trx,
        chosen.map((c) => c.repositoryId),
        owner,
        leaseSeconds,
      );
    }
    return chosen;
  }

  /** Extends the leases this owner still holds; answers the repositories whose lease was lost. */
  async renew(owner: string, repositoryIds: string[], leaseSeconds: number): Promise<string[]> {
    if (repositoryIds.length === 0) return [];
    const kept = new Set(await this.states.renewLeases(owner, repositoryIds, leaseSeconds));
    return repositoryIds.filter((id) => !kept.has(id));
  }

  /**
   * Gives a repository back. A poll request older than the claim has been served; one that
   * arrived during the poll stays, so the repository is polled once more right away.
   */
  async release(owner: string, claim: ClaimedRepository): Promise<void> {
    await this.releases.submit({ owner, claim });
  }

  private async releaseAllOf(polled: { owner: string; claim: ClaimedRepository }[]): Promise<void[]> {
    await this.states.releasePolled(polled.map(({ owner, claim }) => releaseOf(owner, claim)));
    return polled.map(() => undefined);
  }

  /** Gives back every lease of this owner (on shutdown), so that another process takes over at once. */
  async releaseAll(owner: string): Promise<number> {
    return this.states.releaseAll(owner);
  }

  /** How many leases this owner holds. */
  async held(owner: string): Promise<number> {
    return this.states.leasesHeld(owner);
  }
}

function claimOf(row: CandidateRow): ClaimedRepository {
  return {
    repositoryId: row.repository_id,
    pluginId: row.plugin_id,
    name: row.name,
    configuration: row.configuration,
    // The candidates statement's time, not its transaction's: a poll request the statement saw
    // is older than it, so the poll clears it rather than running once more.
    claimedAt: row.db_now,
    claimedLocally: performance.now(),
    dueAt: row.due_at,
    host: hostOf(row.configuration) ?? row.repository_id,
    repositoryRequestedAt: row.poll_requested_at,
    requested: row.poll_requested_at !== null || row.package_requested,
  };
}

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
