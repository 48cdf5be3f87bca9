import type { DbConfigurationEntry } from '../../db/tables';
import type { WireRevision } from '../../plugins/protocol';

/** A repository this process has leased for a poll. */
export interface ClaimedRepository {
  repositoryId: string;
  pluginId: string;
  /** The repository's name and stored configuration, as the claim read them. */
  name: string;
  configuration: DbConfigurationEntry[];
  /** The database's clock when the lease was taken: the poll's notion of "now". */
  claimedAt: Date;
  /** `performance.now()` when the claim came back: the database's clock later on is `claimedAt` plus the time since. */
  claimedLocally: number;
  /** Earliest scheduled poll among its due packages, for the scheduling lag. */
  dueAt: Date | null;
  /** The host the repository's URL points at, for the per-host cap. */
  host: string;
  /** Set when a hint or a poll request asked for every package of the repository. */
  repositoryRequestedAt: Date | null;
  /** Someone waits for it: a poll request for the repository or one of its packages. */
  requested: boolean;
}

/** A package taken into a poll, with what the recorder needs to write its result. */
export interface PackageToPoll {
  packageId: string;
  repositoryId: string;
  packageName: string;
  configVersion: number;
  intervalSeconds: number;
  autoUpdate: boolean;
  status: 'pending' | 'ok' | 'failing';
  scheduleAnchor: Date | null;
  nextPollAt: Date;
  consecutiveFailures: number;
  previous: WireRevision | null;
  /** Due by its schedule (not only asked for): its next slot moves on after this poll. */
  scheduled: boolean;
}

/** How one package's poll ended. */
export type PackagePollResult =
  | { packageId: string; kind: 'answer'; revision: WireRevision | null; warnings: string[] }
  | {
      packageId: string;
      kind: 'error';
      error: { kind: 'transient' | 'permanent' | 'bug'; code: string; message: string; retry_after_seconds: number | null };
    };

export type PollOutcome = 'new_revision' | 'no_change' | 'failed';

/** A polled repository to give back: its lease's owner, and its claim (requests up to it were served). */
export interface PolledRelease {
  repository_id: string;
  owner: string;
  claimed_at: string;
}

/** A polled repository's lease to give back, as the release statement takes it. */
export function releaseOf(owner: string, claim: ClaimedRepository): PolledRelease {
  return { repository_id: claim.repositoryId, owner, claimed_at: claim.claimedAt.toISOString() };
}
