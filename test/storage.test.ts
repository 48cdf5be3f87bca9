import { DATABASE_KINDS, createTestDatabase, MIGRATIONS_DIR, type TestDatabase } from './support/databases';
import { Migrator } from '../server/src/db/migrator';
import type { Database } from '../server/src/db/database';

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
    const result = await db.knex.raw(
      "SELECT count(*) AS c, 9007199254740::bigint AS b, now() AS t, '{\"a\":[1]}'::jsonb AS j",
    );
    const row = result.rows[0];

    expect(typeof row.c).toBe('number');
    expect(row.b).toBe(9007199254740);
    expect(row.t).toBeInstanceOf(Date);
    expect(row.j).toEqual({ a: [1] });
  });
});
