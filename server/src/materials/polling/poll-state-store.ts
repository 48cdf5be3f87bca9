import type { Knex } from 'knex';
import { affectedRows } from '../../db/affected-rows';
import type { Database } from '../../db/database';
import { forKeys, keyedStatement } from '../../db/keyed-statement';
import { TABLES, type DbConfigurationEntry, type DbPackagePollStateRow } from '../../db/tables';
import type { PolledRelease } from './poll-model';

type Queryable = Knex | Knex.Transaction;

/** A repository that has polling work, as the candidates statement finds it. */
export interface CandidateRow {
  repository_id: string;
  plugin_id: string;
  name: string;
  configuration: DbConfigurationEntry[];
  poll_requested_at: Date | null;
  /** One of its packages has a poll request. */
  package_requested: boolean;
  due_at: Date | null;
  db_now: Date;
}

/** A package's next poll state, as a poll computed it, with the configuration version it polled. */
export interface PollStateUpdate {
  package_id: string;
  /** The claim of the poll: requests up to it were served. */
  claimed_at: string;
  config_version: number;
  status: string;
  schedule_anchor: string;
  next_poll_at: string;
  last_outcome: string;
  last_error: string | null;
  error_kind: string | null;
  error_code: string | null;
  consecutive_failures: number;
  warnings: string[];
}

// Kept to the millisecond: a claim's time reaches JavaScript cut to milliseconds and comes back
// to clear the requests made before it, which must include one made earlier in that millisecond.
const REQUESTED_NOW = "date_trunc('milliseconds', now())";

// One row per live package of the repository (a single row of nulls when it has none), and no
// rows at all until its request has been served: the check that runs after every poll of this
// process costs one indexed look then, and the answer needs no second statement.
const SERVED_PACKAGES_SQL = `
  WITH served AS (
    SELECT repository_id FROM ${TABLES.repositoryPollState}
    WHERE repository_id = ? AND (poll_requested_at IS NULL OR poll_requested_at > ?) AND last_polled_at >= ?
  )
  SELECT ps.* FROM served
  LEFT JOIN ${TABLES.packages} p ON p.repository_id = served.repository_id AND p.deleted_at IS NULL
  LEFT JOIN ${TABLES.packagePollState} ps ON ps.package_id = p.id
  ORDER BY p.name`;

/**
 * The poll state of every package (schedule, last outcome, requests) and of every repository
 * (the claim's lease, requests, the hook secret).
 */
export class PollStateStore {
  constructor(private readonly db: Database) {}

  /** A new package is due for its first poll at once. */
  async createForPackage(trx: Queryable, packageId: string): Promise<void> {
    await trx(TABLES.packagePollState).insert({ package_id: packageId });
  }

  async createForRepository(trx: Queryable, repositoryId: string): Promise<void> {
    await trx(TABLES.repositoryPollState).insert({ repository_id: repositoryId });
  }

  async ofPackage(packageId: string): Promise<DbPackagePollStateRow | undefined> {
    return (await this.db.knex(TABLES.packagePollState).where({ package_id: packageId }).first()) as DbPackagePollStateRow | undefined;
  }

  async ofPackages(packageIds: string[]): Promise<DbPackagePollStateRow[]> {
    if (packageIds.length === 0) return [];
    return (await this.db.knex(TABLES.packagePollState).whereIn('package_id', packageIds)) as DbPackagePollStateRow[];
  }

  /**
   * The poll states of a repository's live packages, by package name, once a poll that started
   * after `requestedAt` has served the repository's request (the request cleared or replaced, a
   * poll since); null before then.
   */
  async ofRepositoryPackagesServedSince(repositoryId: string, requestedAt: Date): Promise<DbPackagePollStateRow[] | null> {
    const bindings = [repositoryId, requestedAt, requestedAt];
    const { rows } = await this.db.knex.raw<{ rows: (DbPackagePollStateRow | { package_id: null })[] }>(SERVED_PACKAGES_SQL, bindings);
    if (rows.length === 0) return null;
    return rows.filter((row): row is DbPackagePollStateRow => row.package_id !== null);
  }

  /**
   * Asks for the package to be polled now; answers when it was asked and the package's repository,
   * null when there is no such live package.
   */
  async requestPackagePoll(packageId: string): Promise<{ requestedAt: Date; repositoryId: string } | null> {
    const { rows } = await this.db.knex.raw<{ rows: { poll_requested_at: Date; repository_id: string }[] }>(REQUEST_PACKAGE_SQL, [packageId]);
    const [row] = rows;
    return row ? { requestedAt: row.poll_requested_at, repositoryId: row.repository_id } : null;
  }

  /** Asks for the repository to be polled now; answers when it was asked, null when there is no such live repository. */
  async requestRepositoryPoll(repositoryId: string): Promise<Date | null> {
    const [row] = await this.db
      .knex(TABLES.repositoryPollState)
      .where({ repository_id: repositoryId })
      .whereIn('repository_id', this.db.knex(TABLES.repositories).where({ id: repositoryId }).whereNull('deleted_at').select('id'))
      .update({ poll_requested_at: this.db.knex.raw(REQUESTED_NOW) })
      .returning<{ poll_requested_at: Date }[]>('poll_requested_at');
    return row?.poll_requested_at ?? null;
  }

  /**
   * Asks for the repository to be polled now and, when its lease is free, leases it to `owner` in
   * the same statement: the request and its claim are one write. Answers the request's time and
   * the repository as a claim reads it, with whether it was leased; null when there is no such
   * live repository.
   */
  async requestAndLease(repositoryId: string, owner: string, leaseSeconds: number): Promise<(CandidateRow & { leased: boolean }) | null> {
    const { rows } = await this.db.knex.raw<{ rows: (CandidateRow & { leased: boolean })[] }>(REQUEST_AND_LEASE_SQL, [owner, leaseSeconds, repositoryId]);
    return rows[0] ?? null;
  }

  /**
   * Writes the polls' outcomes, each only if its package's configuration is still the one polled,
   * and clears requests the poll served; answers the packages written.
   */
  async recordOutcomes(trx: Queryable, updates: PollStateUpdate[], released: PolledRelease[] = []): Promise<Set<string>> {
    if (updates.length === 0 && released.length === 0) return new Set();
    const { sql, keys } = forKeys(
      UPDATE_STATES_SQL,
      released.map((r) => r.repository_id),
    );
    const { rows } = await trx.raw<{ rows: { package_id: string }[] }>(sql, [JSON.stringify(released), keys, JSON.stringify(updates)]);
    return new Set(rows.map((r) => r.package_id));
  }

  /** The encrypted hook secret of a repository: undefined without the repository, null before it has one. */
  async hookSecret(repositoryId: string): Promise<string | null | undefined> {
    const row = await this.db
      .knex(TABLES.repositoryPollState)
      .where({ repository_id: repositoryId })
      .first<{ hook_secret: string | null } | undefined>('hook_secret');
    return row ? row.hook_secret : undefined;
  }

  /** Answers whether the repository exists. */
  async setHookSecret(repositoryId: string, encrypted: string): Promise<boolean> {
    return affectedRows(await this.db.knex(TABLES.repositoryPollState).where({ repository_id: repositoryId }).update({ hook_secret: encrypted })) > 0;
  }

  /**
   * Repositories with polling work whose lease is free, up to `limit`, held (skipping held ones)
   * until the transaction ends. The embedded database has one process, whose claims run one at a
   * time: nobody to hold them from, so no row is locked (a lock is a write to each row read, and
   * a claim reads several times what it takes).
   */
  async lockCandidates(trx: Knex.Transaction, limit: number): Promise<CandidateRow[]> {
    const sql = this.db.kind === 'embedded' ? CANDIDATES_SQL : `${CANDIDATES_SQL} FOR UPDATE OF rs SKIP LOCKED`;
    const { rows } = await trx.raw<{ rows: CandidateRow[] }>(sql, [limit]);
    return rows;
  }

  /**
   * Leases, in one statement, the repositories among `repositoryIds` that have a poll request
   * (theirs or a package's) and a free lease, skipping rows another claimer holds: a request is
   * claimed by id, without the statement that looks for every repository with work.
   */
  async leaseRequested(repositoryIds: string[], owner: string, leaseSeconds: number): Promise<CandidateRow[]> {
    const { rows } = await this.db.knex.raw<{ rows: CandidateRow[] }>(LEASE_REQUESTED_SQL, [owner, leaseSeconds, repositoryIds]);
    return rows;
  }

  async lease(trx: Knex.Transaction, repositoryIds: string[], owner: string, leaseSeconds: number): Promise<void> {
    await trx(TABLES.repositoryPollState)
      .whereIn('repository_id', repositoryIds)
      .update({ lease_owner: owner, lease_expires_at: trx.raw(`now() + make_interval(secs => ?)`, [leaseSeconds]) });
  }

  /** Extends the leases `owner` holds; answers the repositories whose lease was renewed. */
  async renewLeases(owner: string, repositoryIds: string[], leaseSeconds: number): Promise<string[]> {
    const renewed = await this.db
      .knex(TABLES.repositoryPollState)
      .whereIn('repository_id', repositoryIds)
      .andWhere({ lease_owner: owner })
      .update({ lease_expires_at: this.db.knex.raw(`now() + make_interval(secs => ?)`, [leaseSeconds]) })
      .returning<{ repository_id: string }[]>('repository_id');
    return renewed.map((r) => r.repository_id);
  }

  /** Ends the owners' leases on polled repositories, clearing the poll requests each poll served (those up to its claim). */
  async releasePolled(polled: PolledRelease[]): Promise<void> {
    if (polled.length === 0) return;
    const { sql, keys } = forKeys(
      RELEASE_UPDATE,
      polled.map((r) => r.repository_id),
    );
    await this.db.knex.raw(sql, [JSON.stringify(polled), keys]);
  }

  /** Ends every lease `owner` holds; answers how many. */
  async releaseAll(owner: string): Promise<number> {
    return affectedRows(await this.db.knex(TABLES.repositoryPollState).where({ lease_owner: owner }).update({ lease_owner: null, lease_expires_at: null }));
  }

  async leasesHeld(owner: string): Promise<number> {
    const row = (await this.db.knex(TABLES.repositoryPollState).where({ lease_owner: owner }).count({ n: '*' }).first()) as { n: number };
    return Number(row.n);
  }
}

// Repositories whose lease is free or expired and that have work: a poll request, or a package
// whose slot has come. Locked rows are skipped, not waited for. The statement starts from the
// packages that are due (the next-poll index) and the requests (partial indexes), and joins the
// repositories once, by key: reading every package's and repository's poll state at each claim,
// and joining the wanted repositories twice (quadratic when the embedded database has no
// statistics yet), made claiming cost more than the poll itself with thousands of repositories.
// `due_at` is the earliest slot of the repository's auto-update packages; when some are due, the
// earliest due one is that slot. Archived packages and repositories are never polled.
//
// Requested repositories go first (someone waits for them); then those with a package polled
// before, whose slot keeps its interval; then, oldest due first, those whose due packages were
// never polled. A new package's first poll reads the repository's metadata whole — ten or more
// times an unchanged poll's work — and while thousands are registered their first polls fall
// behind; in one queue with them, every slot that came due meanwhile waited as long, and the gap
// between two polls of packages already polled grew by that wait.
const CANDIDATES_SQL = `
  WITH wanted_packages AS (
    SELECT ps.package_id, ps.next_poll_at AS due, ps.last_polled_at IS NULL AS never_polled
      FROM ${TABLES.packagePollState} ps WHERE ps.next_poll_at <= now()
    UNION ALL
    SELECT ps.package_id, NULL, false FROM ${TABLES.packagePollState} ps WHERE ps.poll_requested_at IS NOT NULL),
  wanted AS (
    SELECT p.repository_id, min(wp.due) AS earliest_due, bool_or(wp.due IS NULL) AS package_requested, bool_and(wp.never_polled) AS never_polled
      FROM wanted_packages wp JOIN ${TABLES.packages} p ON p.id = wp.package_id
     WHERE p.deleted_at IS NULL AND (wp.due IS NULL OR p.auto_update)
     GROUP BY p.repository_id
    UNION ALL
    SELECT repository_id, NULL, false, false FROM ${TABLES.repositoryPollState} WHERE poll_requested_at IS NOT NULL),
  candidates AS (
    SELECT repository_id, min(earliest_due) AS earliest_due, bool_or(package_requested) AS package_requested, bool_and(never_polled) AS never_polled
      FROM wanted GROUP BY repository_id)
  SELECT rs.repository_id, r.plugin_id, r.name, r.configuration, rs.poll_requested_at, statement_timestamp() AS db_now, c.package_requested,
         COALESCE(c.earliest_due, (SELECT min(ps.next_poll_at) FROM ${TABLES.packages} p JOIN ${TABLES.packagePollState} ps ON ps.package_id = p.id
                                    WHERE p.repository_id = rs.repository_id AND p.auto_update AND p.deleted_at IS NULL)) AS due_at
    FROM candidates c
    JOIN ${TABLES.repositoryPollState} rs ON rs.repository_id = c.repository_id
    JOIN ${TABLES.repositories} r ON r.id = rs.repository_id AND r.deleted_at IS NULL
   WHERE (rs.lease_expires_at IS NULL OR rs.lease_expires_at < now())
   ORDER BY rs.poll_requested_at NULLS LAST, c.package_requested DESC, c.never_polled, due_at NULLS LAST
   LIMIT ?`;

// A package's request, with its repository (a live package of a live repository only).
const REQUEST_PACKAGE_SQL = `
  UPDATE ${TABLES.packagePollState} AS ps SET poll_requested_at = ${REQUESTED_NOW}
    FROM ${TABLES.packages} p
   WHERE ps.package_id = ? AND p.id = ps.package_id AND p.deleted_at IS NULL
  RETURNING ps.poll_requested_at, p.repository_id`;

// Whether one of the repository's live packages has a poll request, and the earliest slot of its
// auto-update packages (`due_at`), for the repository whose id is `repositoryId` (a column).
const requestFacts = (repositoryId: string) => `
  EXISTS (SELECT 1 FROM ${TABLES.packages} p JOIN ${TABLES.packagePollState} ps ON ps.package_id = p.id
           WHERE p.repository_id = ${repositoryId} AND p.deleted_at IS NULL AND ps.poll_requested_at IS NOT NULL) AS package_requested,
  (SELECT min(ps.next_poll_at) FROM ${TABLES.packages} p JOIN ${TABLES.packagePollState} ps ON ps.package_id = p.id
    WHERE p.repository_id = ${repositoryId} AND p.auto_update AND p.deleted_at IS NULL) AS due_at`;

// The candidates statement's columns for given repositories with a request, leased as they are
// read. due_at is the earliest slot of the auto-update packages: when some are due, the earliest
// of those, as there.
const LEASE_REQUESTED_SQL = `
  UPDATE ${TABLES.repositoryPollState} AS leased
     SET lease_owner = ?, lease_expires_at = now() + make_interval(secs => ?)
    FROM (SELECT rs.repository_id, r.plugin_id, r.name, r.configuration, rs.poll_requested_at, statement_timestamp() AS db_now,
                 ${requestFacts('rs.repository_id')}
            FROM ${TABLES.repositoryPollState} rs
            JOIN ${TABLES.repositories} r ON r.id = rs.repository_id AND r.deleted_at IS NULL
           WHERE rs.repository_id = ANY(?::uuid[]) AND (rs.lease_expires_at IS NULL OR rs.lease_expires_at < now())
             FOR UPDATE OF rs SKIP LOCKED) AS c
   WHERE leased.repository_id = c.repository_id AND (c.poll_requested_at IS NOT NULL OR c.package_requested)
  RETURNING c.*`;

// A repository's poll request, with its lease taken when free (the row is locked first, so that
// two processes asking at once do not both take it), and the candidates statement's columns.
// The request's time is not after the statement's: the poll this lease starts serves it.
const REQUEST_AND_LEASE_SQL = `
  UPDATE ${TABLES.repositoryPollState} AS rs
     SET poll_requested_at = ${REQUESTED_NOW},
         lease_owner = CASE WHEN c.free THEN ? ELSE rs.lease_owner END,
         lease_expires_at = CASE WHEN c.free THEN now() + make_interval(secs => ?) ELSE rs.lease_expires_at END
    FROM (SELECT locked.repository_id, r.plugin_id, r.name, r.configuration,
                 (locked.lease_expires_at IS NULL OR locked.lease_expires_at < now()) AS free,
                 ${requestFacts('r.id')}
            FROM ${TABLES.repositoryPollState} locked
            JOIN ${TABLES.repositories} r ON r.id = locked.repository_id AND r.deleted_at IS NULL
           WHERE locked.repository_id = ?
             FOR UPDATE OF locked) AS c
   WHERE rs.repository_id = c.repository_id
  RETURNING rs.repository_id, c.plugin_id, c.name, c.configuration, rs.poll_requested_at, statement_timestamp() AS db_now,
            c.package_requested, c.due_at, c.free AS leased`;

// The configuration version is checked with a lookup per row: a join let the planner read the
// whole packages table to match a few rows, on every poll.
const CURRENT_CONFIG = `v.config_version = (SELECT p.config_version FROM ${TABLES.packages} p WHERE p.id = v.package_id)`;

// The ids come twice, the second time as keys: the planner takes a function's rows for a hundred,
// and a hash join of that many with every repository, read whole, cost more than the rest of a
// poll's record (1 ms against 0.5 with thousands of repositories); matched to keys, the rows are
// looked up in the primary key.
const releaseUpdate = (ids: string) => `
  UPDATE ${TABLES.repositoryPollState} AS rs
     SET lease_owner = NULL, lease_expires_at = NULL, last_polled_at = now(),
         poll_requested_at = CASE WHEN rs.poll_requested_at <= r.claimed_at THEN NULL ELSE rs.poll_requested_at END
    FROM jsonb_to_recordset(?::jsonb) AS r(repository_id uuid, owner text, claimed_at timestamptz)
   WHERE ${ids} AND rs.repository_id = r.repository_id AND rs.lease_owner = r.owner`;
const RELEASE_UPDATE = keyedStatement('rs.repository_id', releaseUpdate);

// Releases (the first parameter) go with the states in one statement, when a poll gives its
// lease back as it is written.
const updateStates = (release: string) => `
  WITH released AS (${release})
  UPDATE ${TABLES.packagePollState} AS ps
     SET status = v.status, schedule_anchor = v.schedule_anchor, next_poll_at = v.next_poll_at,
         poll_requested_at = CASE WHEN ps.poll_requested_at <= v.claimed_at THEN NULL ELSE ps.poll_requested_at END,
         last_polled_at = now(), last_outcome = v.last_outcome, last_error = v.last_error, error_kind = v.error_kind,
         error_code = v.error_code, consecutive_failures = v.consecutive_failures, warnings = v.warnings, updated_at = now()
    FROM jsonb_to_recordset(?::jsonb) AS v(package_id uuid, claimed_at timestamptz, config_version int, status text, schedule_anchor timestamptz,
                                           next_poll_at timestamptz, last_outcome text, last_error text, error_kind text,
                                           error_code text, consecutive_failures int, warnings jsonb)
   WHERE ps.package_id = v.package_id AND ${CURRENT_CONFIG}
  RETURNING ps.package_id`;
const UPDATE_STATES_SQL = keyedStatement('rs.repository_id', (ids) => updateStates(releaseUpdate(ids)));
