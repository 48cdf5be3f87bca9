import { DATABASE_KINDS, createTestDatabase, MIGRATIONS_DIR, type TestDatabase } from './support/databases';
import { Migrator } from '../server/src/db/migrator';
import type { Database } from '../server/src/db/database';
import { DatabaseMaintenance } from '../server/src/db/maintenance';
import { createLogger } from '../server/src/logger';

describe.each(DATABASE_KINDS)('storage [%s]', (kind) => {
  let testDb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    db = await testDb.open();
  });

  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it('records migrations by name without a file extension', async () => {
    const rows = await db.knex('baton_migrations').select('name').orderBy('name');

    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.name).toMatch(/^\d{14}_[a-z0-9_]+$/);
  });

  it('has nothing pending after migrating, and migrating again applies nothing', async () => {
    const migrator = new Migrator(db, MIGRATIONS_DIR);

    const applied = await migrator.latest();

    expect(applied).toEqual([]);
    expect(await migrator.pending()).toEqual([]);
  });

  it('returns counts and bigints as numbers, timestamps as Dates and jsonb as objects', async () => {
    const result = await db.knex.raw('SELECT count(*) AS c, 9007199254740::bigint AS b, now() AS t, \'{"a":[1]}\'::jsonb AS j');
    const row = result.rows[0];

    expect(typeof row.c).toBe('number');
    expect(row.b).toBe(9007199254740);
    expect(row.t).toBeInstanceOf(Date);
    expect(row.j).toEqual({ a: [1] });
  });
});

describe('embedded database maintenance', () => {
  it('vacuums the busy tables, so that rewriting poll states stops growing them', async () => {
    const testDb = await createTestDatabase('embedded');
    const db = await testDb.open();
    await db.knex.raw("INSERT INTO package_repositories (id, name, plugin_id) VALUES ('00000000-0000-4000-8000-000000000001', 'r', 'p')");
    await db.knex.raw(
      "INSERT INTO packages (id, repository_id, name, fingerprint) SELECT gen_random_uuid(), '00000000-0000-4000-8000-000000000001', 'p' || g, 'f' || g FROM generate_series(1, 300) g",
    );
    await db.knex.raw('INSERT INTO package_poll_state (package_id) SELECT id FROM packages');
    const size = async () => Number((await db.knex.raw("SELECT pg_total_relation_size('package_poll_state') AS s")).rows[0].s);
    const pollEveryPackage = async () => {
      for (let i = 0; i < 30; i += 1) await db.knex.raw("UPDATE package_poll_state SET next_poll_at = now() + random() * interval '1 hour'");
    };

    await pollEveryPackage();
    const first = await size();
    await pollEveryPackage();
    const growthWithout = (await size()) - first;
    await new DatabaseMaintenance(db, createLogger('silent')).vacuum();
    const vacuumed = await size();
    await pollEveryPackage();
    const growthAfter = (await size()) - vacuumed;
    await db.close();
    await testDb.drop();

    expect(growthWithout).toBeGreaterThan(100_000);
    expect(growthAfter).toBeLessThan(growthWithout / 4);
  });

  it('analyzes tables that outgrew their statistics, at start and as they grow, and leaves the others alone', async () => {
    const testDb = await createTestDatabase('embedded');
    const db = await testDb.open();
    const statistics = async (table: string) => Number((await db.knex.raw('SELECT reltuples AS n FROM pg_class WHERE relname = ?', [table])).rows[0].n);
    const addPackages = async (from: number, to: number) =>
      db.knex.raw(
        "INSERT INTO packages (id, repository_id, name, fingerprint) SELECT gen_random_uuid(), '00000000-0000-4000-8000-000000000001', 'p' || g, 'f' || g FROM generate_series(?::int, ?::int) g",
        [from, to],
      );
    await db.knex.raw("INSERT INTO package_repositories (id, name, plugin_id) VALUES ('00000000-0000-4000-8000-000000000001', 'r', 'p')");
    await addPackages(1, 2000);
    const before = await statistics('packages');
    const maintenance = new DatabaseMaintenance(db, createLogger('silent'), '0 0 1 1 *', 60_000);

    maintenance.start();
    await maintenance.stop();
    const atStart = await statistics('packages');
    const unchanged = await maintenance.analyzeGrown();
    await addPackages(2001, 8000);
    const grown = await maintenance.analyzeGrown();
    const afterGrowth = await statistics('packages');
    await db.close();
    await testDb.drop();

    expect(before).toBeLessThanOrEqual(0);
    expect(atStart).toBe(2000);
    expect(unchanged).toEqual([]);
    expect(grown).toEqual(['packages']);
    expect(afterGrowth).toBe(8000);
  });
});
