import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { openDatabase, type Database } from './database';

/** The embedded database's own PGlite, as knex holds it. */
async function pgliteOf(db: Database): Promise<PGlite> {
  const client = db.knex.client as { acquireConnection(): Promise<PGlite>; releaseConnection(c: PGlite): Promise<void> };
  const connection = await client.acquireConnection();
  await client.releaseConnection(connection);
  return connection;
}

/** The prepared statements the server holds, by text. */
async function preparedTexts(db: Database): Promise<string[]> {
  const { rows } = await db.knex.raw<{ rows: { statement: string }[] }>('SELECT statement FROM pg_prepared_statements');
  return rows.map((r) => r.statement);
}

describe('statements of the embedded database, prepared once per text', () => {
  let dir: string;
  let db: Database;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-prepared-'));
    db = await openDatabase({ databaseUrl: null, dataDir: dir });
    await db.knex.raw('CREATE TABLE things (id uuid PRIMARY KEY, name text UNIQUE NOT NULL, tags text[], doc jsonb, at timestamptz, n bigint)');
  });

  afterEach(async () => {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prepares a statement once and runs it again with other values', async () => {
    for (const name of ['a', 'b', 'c']) await db.knex('things').insert({ id: crypto.randomUUID(), name });
    const names = [];
    for (const name of ['a', 'c', 'z']) names.push((await db.knex('things').where({ name }).first())?.name ?? null);
    expect(names).toEqual(['a', 'c', null]);
    const selects = (await preparedTexts(db)).filter((text) => text.startsWith('select * from "things"'));
    expect(selects).toHaveLength(1);
  });

  it('carries every kind of value both ways: arrays, JSON, times, big integers, nulls', async () => {
    const id = crypto.randomUUID();
    const at = new Date('2026-12-05T10:11:12.345Z');
    await db.knex('things').insert({ id, name: 'x', tags: ['p', 'q'], doc: JSON.stringify({ k: [1, 'two'] }), at, n: 2 ** 40 });
    await db.knex('things').insert({ id: crypto.randomUUID(), name: 'y', tags: null, doc: null, at: null, n: null });
    const row = await db.knex('things').where('id', id).first();
    expect(row).toEqual({ id, name: 'x', tags: ['p', 'q'], doc: { k: [1, 'two'] }, at, n: 2 ** 40 });
    const { rows } = await db.knex.raw<{ rows: { name: string }[] }>('SELECT name FROM things WHERE id = ANY(?::uuid[]) ORDER BY name', [[id]]);
    expect(rows).toEqual([{ name: 'x' }]);
    expect((await db.knex('things').where('name', 'y').first())?.tags).toBeNull();
  });

  it('reports a refused statement with its code and goes on', async () => {
    await db.knex('things').insert({ id: crypto.randomUUID(), name: 'taken' });
    const refused = await db
      .knex('things')
      .insert({ id: crypto.randomUUID(), name: 'taken' })
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: '23505' });
    expect(await db.knex('things').count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('keeps a refused statement inside a transaction to that transaction: it rolls back, the next one commits', async () => {
    await db.knex('things').insert({ id: crypto.randomUUID(), name: 'taken' });
    const failed = db.knex.transaction(async (trx) => {
      await trx('things').insert({ id: crypto.randomUUID(), name: 'rolled back' });
      await trx('things').insert({ id: crypto.randomUUID(), name: 'taken' });
    });
    await expect(failed).rejects.toMatchObject({ code: '23505' });
    await db.knex.transaction(async (trx) => {
      await trx('things').insert({ id: crypto.randomUUID(), name: 'committed' });
    });
    const names = (await db.knex('things').orderBy('name').select('name')).map((r: { name: string }) => r.name);
    expect(names).toEqual(['committed', 'taken']);
  });

  it('a statement that cannot be prepared fails with the server’s message, and is not kept', async () => {
    await expect(db.knex.raw('SELECT nothing FROM things')).rejects.toThrow(/column "nothing" does not exist/);
    expect((await preparedTexts(db)).some((text) => text.includes('nothing'))).toBe(false);
    expect(await db.knex('things').count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('prepares afresh after a change of the schema made through knex', async () => {
    await db.knex('things').insert({ id: crypto.randomUUID(), name: 'a' });
    const before = await db.knex('things').first();
    await db.knex.raw('ALTER TABLE things ADD COLUMN colour text');
    const after = await db.knex('things').first();
    expect(Object.keys(before).includes('colour')).toBe(false);
    expect(after).toMatchObject({ name: 'a', colour: null });
  });

  it('prepares afresh when the schema changed behind its back', async () => {
    await db.knex('things').insert({ id: crypto.randomUUID(), name: 'a' });
    await db.knex('things').first();
    await (await pgliteOf(db)).exec('ALTER TABLE things ADD COLUMN size int');
    expect(await db.knex('things').first()).toMatchObject({ name: 'a', size: null });
  });

  it('keeps at most a bounded number of statements prepared, closing the least recently used', async () => {
    await db.knex.raw('SELECT 0 AS kept');
    for (let i = 1; i <= 450; i += 1) await db.knex.raw(`SELECT ${i} AS n`);
    const texts = await preparedTexts(db);
    expect(texts.length).toBeLessThanOrEqual(400);
    expect(texts).toContain('SELECT 450 AS n');
    expect(texts).not.toContain('SELECT 0 AS kept');
    expect((await db.knex.raw<{ rows: { kept: number }[] }>('SELECT 0 AS kept')).rows).toEqual([{ kept: 0 }]);
  });

  it('runs a long one-off statement as it is, without keeping it', async () => {
    const ids = Array.from({ length: 3000 }, () => crypto.randomUUID());
    const rows = await db.knex('things').whereIn('id', ids).select('name');

    expect(rows).toEqual([]);
    expect((await preparedTexts(db)).some((text) => text.includes(ids[0]) || text.length > 16_384)).toBe(false);
  });

  it('writes survive a restart: what was written outside a transaction is in the files', async () => {
    await db.knex('things').insert({ id: crypto.randomUUID(), name: 'durable' });
    await db.close();
    db = await openDatabase({ databaseUrl: null, dataDir: dir });
    expect((await db.knex('things').first())?.name).toBe('durable');
  });
});
