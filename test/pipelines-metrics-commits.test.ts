import type { Database } from '../server/src/db/database';
import { afterCommit } from '../server/src/pipelines/runs/run-observer';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from './support/databases';

/** What the metrics are told follows the database: a change rolled back was never made. */
describe.each(DATABASE_KINDS)('telling after a commit [%s]', (kind) => {
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

  it('tells once the transaction has committed, not while it is open', async () => {
    const told: string[] = [];

    await db.knex.transaction(async (trx) => {
      afterCommit(trx, () => told.push('committed'));
      await trx.raw('select 1');
      told.push('still open');
    });

    expect(told).toEqual(['still open', 'committed']);
  });

  it('never tells when the transaction rolls back', async () => {
    const told: string[] = [];

    const failed = db.knex.transaction(async (trx) => {
      afterCommit(trx, () => told.push('committed'));
      await trx.raw('select 1');
      throw new Error('the change is refused');
    });

    await expect(failed).rejects.toThrow('the change is refused');
    await db.knex.raw('select 1');
    expect(told).toEqual([]);
  });

  it('never tells of a nested transaction whose outer one rolls back', async () => {
    const told: string[] = [];

    const failed = db.knex.transaction(async (outer) => {
      await outer.transaction(async (inner) => {
        afterCommit(inner, () => told.push('inner committed'));
        await inner.raw('select 1');
      });
      throw new Error('the outer change is refused');
    });

    await expect(failed).rejects.toThrow('the outer change is refused');
    await db.knex.raw('select 1');
    expect(told).toEqual([]);
  });
});
