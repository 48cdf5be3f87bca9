import type { Database } from '../server/src/db/database';
import { TRANSFER_TABLES } from '../server/src/transfer/transfer-tables';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from './support/databases';

describe.each(DATABASE_KINDS)('the tables an export holds [%s]', (kind) => {
  let database: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    db = await database.open();
  });

  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  it("include every table of the schema but the migrator's own", async () => {
    const result = await db.knex.raw<{ rows: { name: string }[] }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE 'baton_migrations%'",
    );

    const missing = result.rows.map((row) => row.name).filter((name) => !TRANSFER_TABLES.includes(name));

    expect(missing).toEqual([]);
  });

  it('come in an order where each table follows the tables it references', async () => {
    const result = await db.knex.raw<{ rows: { child: string; parent: string }[] }>(
      "SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent FROM pg_constraint WHERE contype = 'f'",
    );

    const backwards = result.rows.filter((fk) => fk.child !== fk.parent && TRANSFER_TABLES.indexOf(fk.parent) >= TRANSFER_TABLES.indexOf(fk.child));

    expect(result.rows.length).toBeGreaterThanOrEqual(5);
    expect(backwards).toEqual([]);
  });
});
