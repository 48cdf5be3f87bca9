import type { Database } from '../server/src/db/database';
import { TABLES } from '../server/src/db/tables';
import { EventStore } from '../server/src/events/event-store';
import { PollClaims } from '../server/src/materials/polling/poll-claims';
import { PollRecorder } from '../server/src/materials/polling/poll-recorder';
import type { ClaimedRepository } from '../server/src/materials/polling/poll-model';
import { PollWorkQueries, type PackageWork } from '../server/src/materials/polling/poll-work-queries';
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from './support/databases';

const REPOSITORIES = 3000;
const DUE = 40;
const OWNER = 'plans';

/** Whole-table reads of each table so far, from the database's own statistics. */
async function sequentialScans(db: Database): Promise<Map<string, number>> {
  await db.knex.raw('SELECT pg_stat_force_next_flush()');
  const { rows } = await db.knex.raw<{ rows: { relname: string; seq_scan: number }[] }>(
    'SELECT relname, seq_scan FROM pg_stat_user_tables WHERE relname = ANY(?)',
    [[TABLES.packages, TABLES.packagePollState, TABLES.repositoryPollState, TABLES.repositories]],
  );
  return new Map(rows.map((r) => [r.relname, Number(r.seq_scan)]));
}

/** The tables read whole between two readings of the statistics. */
function scannedBetween(before: Map<string, number>, after: Map<string, number>): string[] {
  return [...after].filter(([table, n]) => n > (before.get(table) ?? 0)).map(([table]) => table);
}

/**
 * With thousands of repositories, the statements of every poll must look their rows up by key:
 * one that reads a whole table costs more than the rest of the poll, and runs dozens of times a
 * second.
 */
describe.each(DATABASE_KINDS)('the statements of a poll, with thousands of repositories [%s]', (kind) => {
  let testDb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    db = await testDb.open();
    await db.knex.raw(
      `INSERT INTO ${TABLES.repositories} (id, name, plugin_id, configuration)
       SELECT gen_random_uuid(), 'r-' || g, 'p', jsonb_build_array(jsonb_build_object('key', 'URL', 'value', 'http://repo.example.org/' || g || '/'))
         FROM generate_series(1, ?) g`,
      [REPOSITORIES],
    );
    await db.knex.raw(`INSERT INTO ${TABLES.repositoryPollState} (repository_id) SELECT id FROM ${TABLES.repositories}`);
    await db.knex.raw(
      `INSERT INTO ${TABLES.packages} (id, repository_id, name, fingerprint) SELECT gen_random_uuid(), id, 'pkg', id::text FROM ${TABLES.repositories}`,
    );
    // A few due now, the others later, as between two ticks of a running server.
    await db.knex.raw(
      `INSERT INTO ${TABLES.packagePollState} (package_id, next_poll_at)
       SELECT id, CASE WHEN row_number() OVER (ORDER BY id) <= ? THEN now() - interval '1 second' ELSE now() + interval '1 hour' END
         FROM ${TABLES.packages}`,
      [DUE],
    );
    await db.knex.raw(`ANALYZE ${TABLES.repositories}, ${TABLES.repositoryPollState}, ${TABLES.packages}, ${TABLES.packagePollState}`);
  });

  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it('reads and writes the claimed repositories by key, from the claim to the record that gives the lease back', async () => {
    const claims = new PollClaims(db);
    const recorder = new PollRecorder(db, new EventStore(db));
    const work = new PollWorkQueries(db);
    const before = await sequentialScans(db);
    const { claimed } = await claims.claim(OWNER, 60, { max: 100, hostRoom: () => 100 });
    const afterClaim = await sequentialScans(db);
    const [first, ...rest] = claimed;
    const recordOf = (claim: ClaimedRepository, packages: PackageWork[]) => ({
      claim,
      owner: OWNER,
      repository: { id: claim.repositoryId, name: claim.name, pluginId: 'p' },
      packages,
      results: packages.map((p) => ({ packageId: p.packageId, kind: 'answer' as const, revision: null, warnings: [] })),
    });
    const alone = await recorder.record(recordOf(first, await work.packagesOf(first)));
    const afterOne = await sequentialScans(db);
    // The others as a running server handles a claim: their packages read together, the first
    // recorded alone and those that finish meanwhile together.
    const packagesOf = await work.packagesOfAll(rest);
    const together = await Promise.all(rest.map((claim) => recorder.recordTogether(recordOf(claim, packagesOf.get(claim)!))));
    const afterAll = await sequentialScans(db);

    expect(claimed).toHaveLength(DUE);
    expect([alone, ...together].every((r) => r.released === true && r.outcomes.size === 1)).toBe(true);
    expect(scannedBetween(afterClaim, afterOne)).toEqual([]);
    // On PostgreSQL the costs are the administrator's settings, under which reading a table
    // whole for dozens of rows may be the better plan: only the embedded database's plans are
    // held to this for the claim and for many repositories at once.
    if (kind === 'embedded') {
      expect(scannedBetween(before, afterClaim)).toEqual([]);
      expect(scannedBetween(afterOne, afterAll)).toEqual([]);
    }
    const leased = await db.knex(TABLES.repositoryPollState).whereNotNull('lease_owner').count({ n: '*' }).first<{ n: number }>();
    expect(Number(leased.n)).toBe(0);
  });
});
