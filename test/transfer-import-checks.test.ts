import { Readable } from 'node:stream';
import { randomBytes, randomUUID } from 'node:crypto';
import { loadSettings, type Settings } from '../server/src/config/settings';
import { runImport } from '../server/src/transfer/transfer-commands';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from './support/databases';
import { rowCounts } from './transfer-cli';

const REPOSITORY_ID = randomUUID();
const repository = (row: Record<string, unknown> = {}) =>
  JSON.stringify({ table: 'package_repositories', row: { id: REPOSITORY_ID, name: 'r', plugin_id: 'json-file', ...row } });
const pkg = (repositoryId: string) =>
  JSON.stringify({
    table: 'packages',
    row: { id: randomUUID(), repository_id: repositoryId, name: 'p', fingerprint: randomUUID(), configuration: [{ key: 'NAME', value: 'p' }] },
  });

describe.each(DATABASE_KINDS)('import checks every line [%s]', (kind) => {
  let database: TestDatabase;
  let settings: Settings;
  let schema: string[];
  let header: string;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const db = await database.open();
    schema = (await db.knex('baton_migrations').orderBy('id').select<{ name: string }[]>('name')).map((r) => r.name);
    await db.close();
    header = JSON.stringify({ format: 'baton-export', version: 1, schema, exported_at: new Date().toISOString() });
    settings = loadSettings({
      BATON_DATA_DIR: database.dataDir,
      BATON_SECRET_KEY: randomBytes(32).toString('base64'),
      ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    });
  });

  afterAll(async () => {
    await database?.drop();
  });

  function importLines(lines: string[], reports: string[] = [], first = header): Promise<void> {
    return runImport(settings, Readable.from([first, ...lines].map((line) => `${line}\n`)), (report) => reports.push(report));
  }

  it.each([
    ['a table out of export order', [pkg(REPOSITORY_ID), repository()], /^line 3: rows of package_repositories must come before those of packages/],
    ['a table no export holds', [repository(), JSON.stringify({ table: 'build_agents', row: {} })], /^line 3: an export holds no table build_agents$/],
    ['a column the table does not have', [repository({ colour: 'red' })], /^line 2: the table package_repositories has no column colour$/],
    ['a value of the wrong type', [repository({ id: 'not-a-uuid' })], /^line 2 \(package_repositories\): .*invalid input syntax for type uuid/],
    ['a row whose parent is missing', [repository(), pkg(randomUUID())], /^line 3 \(packages\): .*foreign key/],
    ['the same row twice', [repository(), repository()], /^lines 2–3 \(package_repositories\): .*duplicate key/],
  ])('refuses %s, naming the line, and keeps nothing', async (_case, lines, message) => {
    const outcome = importLines(lines);

    await expect(outcome).rejects.toThrow(message);
    expect(Object.values(await rowCounts(database)).every((n) => n === 0)).toBe(true);
  });

  it('takes good lines, from an older schema too (with a note), and converts JSON back to column types', async () => {
    const older = JSON.stringify({ ...JSON.parse(header), schema: schema.slice(0, -1) });
    const reports: string[] = [];

    await importLines(
      [repository({ configuration: [{ key: 'URL', value: 'http://x' }], created_at: '2026-01-02T03:04:05.123456+00:00' }), pkg(REPOSITORY_ID)],
      reports,
      older,
    );

    const db = await database.open();
    const row = await db.knex.raw("SELECT configuration, to_char(created_at AT TIME ZONE 'UTC', 'SS.US') AS micros FROM package_repositories");
    await db.close();
    expect(row.rows).toEqual([{ configuration: [{ key: 'URL', value: 'http://x' }], micros: '05.123456' }]);
    expect(await rowCounts(database)).toMatchObject({ package_repositories: 1, packages: 1, server_meta: 1 });
    expect(reports[0]).toMatch(/^note: the export predates 1 migration\(s\) of this server/);
    expect(reports[1]).toMatch(/^imported 2 rows into 2 tables/);
  });
});
