import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Database } from '../server/src/db/database';
import { TOKENS } from '../server/src/injection-tokens';
import { ApiClient } from './support/api-client';
import { createTestDatabase, DATABASE_KINDS, type DatabaseKind, type TestDatabase } from './support/databases';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { startTestServer, type TestServer } from './support/test-server';
import { envFor, readExport, runBatonCli, scratchFile, type ExportFile } from './transfer-cli';

const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
// Through PostgreSQL and back when there is one; embedded to embedded always.
const HOPS: DatabaseKind[] = DATABASE_KINDS.includes('postgres') ? ['postgres', 'embedded'] : ['embedded'];

async function hasTable(db: Database, table: string): Promise<boolean> {
  return db.knex.schema.hasTable(table);
}

/** Rows no API writes yet: revisions with microsecond times, many events and plugin state, a (disabled) webhook with a delivery. */
async function insertHistory(db: Database, packageId: string): Promise<void> {
  await db.knex('package_revisions').insert([
    {
      package_id: packageId,
      revision: 'imported-1',
      timestamp: '2026-01-02T03:04:05.123456Z',
      data: JSON.stringify({ LOCATION: 'https://repo.example.org/a' }),
    },
    { package_id: packageId, revision: 'imported-2', timestamp: '2026-01-03T03:04:05.654321Z', user: 'ci', comment: 'second' },
  ]);
  // More rows than one page or batch holds, under a one-column and a two-column key.
  await db.knex.raw("INSERT INTO events (type, data) SELECT 'test.bulk', jsonb_build_object('n', g) FROM generate_series(1, 1234) AS g");
  await db.knex.raw(
    "INSERT INTO plugin_state (repository_id, key, value) SELECT repository_id, 'k' || g, 'v' || g FROM packages, generate_series(1, 777) AS g WHERE packages.id = ?",
    [packageId],
  );
  const [event] = await db
    .knex('events')
    .insert({ type: 'package.revision.detected', data: JSON.stringify({ package_id: packageId, revision: 'imported-2' }) })
    .returning('id');
  if (!(await hasTable(db, 'webhooks'))) return;
  const [hook] = await db
    .knex('webhooks')
    .insert({
      id: '0d2a7c3e-5b1f-4e8a-9c6d-2f4b8a1e7c30',
      url: 'http://127.0.0.1:9/hook',
      event_types: JSON.stringify(['package.revision.detected']),
      secret: 'v1.kept-as-is',
      enabled: false,
    })
    .returning('id');
  await db.knex('webhook_deliveries').insert({
    webhook_id: hook.id,
    event_id: event.id,
    event_type: 'package.revision.detected',
    attempt: 1,
    status: 'delivered',
    response_status: 204,
    duration_ms: 7,
  });
}

function maxId(file: ExportFile, table: string): number {
  return Math.max(0, ...file.lines.filter((l) => l.table === table).map((l) => Number(l.row['id'])));
}

const ROUTE = ['embedded', ...HOPS].join(' → ');

describe(`export and import round trip: ${ROUTE} [${HOPS.includes('postgres') ? 'postgres' : 'embedded'}]`, () => {
  let upstream: JsonRepository;
  const databases: TestDatabase[] = [];
  const exports: ExportFile[] = [];
  let sourceKey: string;
  let adminToken: string;
  let viewerToken: string;
  let repositoryId: string;
  let packageId: string;
  let target: TestServer;
  let admin: ApiClient;

  beforeAll(async () => {
    upstream = await startJsonRepository(listOf('scrt', '1.0.0'), { username: 'reader', password: PASSWORD });
    const source = await startTestServer('embedded');
    databases.push(source.database);
    adminToken = source.adminToken;
    const repository = await source.api.post('/api/repositories', {
      name: 'guarded',
      plugin_id: 'json-file',
      configuration: [
        { key: 'URL', value: upstream.url },
        { key: 'USERNAME', value: 'reader' },
        { key: 'PASSWORD', value: PASSWORD },
      ],
    });
    repositoryId = repository.body.id;
    packageId = (await source.api.post('/api/packages', { name: 'scrt', repository_id: repositoryId, configuration: [{ key: 'NAME', value: 'scrt' }] })).body
      .id;
    viewerToken = (await source.api.post('/api/tokens', { name: 'reader-bot', role: 'viewer' })).body.token;
    // A pipeline created paused: its state holds the pause and its pending first run.
    const held = await source.api.post('/api/pipelines?paused=true', {
      name: 'held',
      materials: [{ package: { repository: 'guarded', package: 'scrt' } }],
      stages: [{ name: 'qa', jobs: [{ name: 'smoke', tasks: [{ exec: { command: 'true' } }] }] }],
    });
    expect(held.status).toBe(201);
    await insertHistory(source.server.dependencies.resolve<Database>(TOKENS.database), packageId);
    await source.stop();
    sourceKey = fs.readFileSync(path.join(source.database.dataDir, 'secret.key'), 'utf8').trim();

    let file = await exportFrom(source.database);
    for (const kind of HOPS) {
      const next = await createTestDatabase(kind);
      databases.push(next);
      const imported = await runBatonCli('import', envFor(next, sourceKey), { stdin: file });
      expect(imported).toMatchObject({ code: 0 });
      file = await exportFrom(next);
    }
    target = await startTestServer('embedded', { database: databases[databases.length - 1], env: { BATON_SECRET_KEY: sourceKey } });
    admin = await ApiClient.connect(target.url, adminToken);
  }, 300_000);

  async function exportFrom(database: TestDatabase): Promise<string> {
    const file = scratchFile('baton.jsonl');
    const run = await runBatonCli('export', envFor(database, sourceKey), { stdout: file });
    expect(run).toMatchObject({ code: 0 });
    exports.push(readExport(file));
    return file;
  }

  afterAll(async () => {
    await target?.stop();
    for (const database of databases) await database.drop();
    await upstream?.close();
  });

  it('exports every table with rows, in order, and no secret in clear', () => {
    const [first] = exports;
    const tables = first.lines.map((line) => line.table);

    expect(first.header).toMatchObject({ format: 'baton-export', version: 1 });
    expect(first.header.schema.length).toBeGreaterThanOrEqual(10);
    expect([...new Set(tables)]).toEqual(
      expect.arrayContaining(['server_meta', 'package_repositories', 'packages', 'package_revisions', 'api_tokens', 'audit_log', 'events']),
    );
    expect(tables.filter((t) => t === 'api_tokens')).toHaveLength(2);
    expect(tables.filter((t) => t === 'events').length).toBeGreaterThan(1234);
    expect(tables.filter((t) => t === 'plugin_state').length).toBeGreaterThanOrEqual(777);
    expect(tables.indexOf('packages')).toBeGreaterThan(tables.lastIndexOf('package_repositories'));
    expect(tables.indexOf('package_revisions')).toBeGreaterThan(tables.lastIndexOf('packages'));
    expect(tables.indexOf('pipeline_states')).toBeGreaterThan(tables.lastIndexOf('pipelines'));
    expect(JSON.stringify(first)).not.toContain(PASSWORD);
    expect(JSON.stringify(first)).not.toContain(adminToken);
  });

  it('keeps every row exactly, microseconds and JSON included, through every hop', () => {
    const [first, ...later] = exports;

    expect(later).toHaveLength(HOPS.length);
    for (const file of later) {
      expect(file.header.schema).toEqual(first.header.schema);
      expect(file.lines).toEqual(first.lines);
    }
    expect(first.lines.find((l) => l.row['revision'] === 'imported-1')!.row['timestamp']).toBe('2026-01-02T03:04:05.123456+00:00');
  });

  it('lets the source admin token in, and not the token the target was started with', async () => {
    const tokens = await admin.get('/api/tokens');
    const own = await target.api.get('/api/tokens');

    expect(tokens.status).toBe(200);
    expect(tokens.body.tokens.map((t: { name: string }) => t.name).sort()).toEqual(['admin', 'reader-bot']);
    expect(own.status).toBe(401);
  });

  it('lets the viewer token read, and not write', async () => {
    const viewer = admin.withToken(viewerToken);

    expect((await viewer.get(`/api/repositories/${repositoryId}`)).status).toBe(200);
    expect((await viewer.post('/api/tokens', { name: 'sneaky', role: 'admin' })).status).toBe(403);
  });

  it('has the repository and package, and the secure value still decrypts', async () => {
    const repository = await admin.get(`/api/repositories/${repositoryId}`);
    const pkg = await admin.get(`/api/packages/${packageId}`);
    const seen = upstream.requests.length;

    const check = await admin.post(`/api/repositories/${repositoryId}/check-connection`);

    expect(repository.body.configuration).toContainEqual({ key: 'PASSWORD', encrypted_value: expect.stringMatching(/^v1\./) });
    expect(pkg.body).toMatchObject({ name: 'scrt', repository_id: repositoryId });
    expect(check.body.ok).toBe(true);
    expect(upstream.requests.slice(seen).map((r) => r.authorization)).toContain(`Basic ${Buffer.from(`reader:${PASSWORD}`).toString('base64')}`);
  });

  it('keeps a paused pipeline paused, with who paused it and why', async () => {
    const held = await admin.get('/api/pipelines/held');

    expect(held.body.status).toMatchObject({ paused: { by: 'admin', reason: 'created paused' }, latest_run: null });
    // Its first run, and the package's first revision if it was detected after the pipeline was created.
    expect(held.body.status.withheld_causes).toBeGreaterThanOrEqual(1);
  });

  it('gives new rows fresh ids', async () => {
    const db = target.server.dependencies.resolve<Database>(TOKENS.database);

    await admin.post('/api/tokens', { name: 'after-the-move', role: 'operator' });
    const [audit] = (await admin.get('/api/audit?limit=1')).body.entries;
    const [revision] = await db.knex('package_revisions').insert({ package_id: packageId, revision: 'after-1', timestamp: new Date() }).returning('id');
    const [event] = await db.knex('events').insert({ type: 'test.after', data: '{}' }).returning('id');

    expect(audit.action).toBe('token.create');
    expect(Number(audit.id)).toBeGreaterThan(maxId(exports[0], 'audit_log'));
    expect(Number(revision.id)).toBeGreaterThan(maxId(exports[0], 'package_revisions'));
    expect(Number(event.id)).toBeGreaterThan(maxId(exports[0], 'events'));
  });
});
