import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { BatonServer } from '../server/src/baton-server';
import { loadSettings } from '../server/src/config/settings';
import { createLogger } from '../server/src/logger';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from './support/databases';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { startTestServer, type TestServer } from './support/test-server';

const SECRET = `pw-${randomBytes(12).toString('hex')}`;

/** Every file below a folder whose bytes contain the needle. */
function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = [];
  const bytes = Buffer.from(needle, 'utf8');
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (fs.readFileSync(file).includes(bytes)) found.push(file);
  }
  return found;
}

describe.each(DATABASE_KINDS)('secrets and restarts [%s]', (kind) => {
  let upstream: JsonRepository;
  let database: TestDatabase;
  let baton: TestServer;
  const logs: string[] = [];
  let repositoryId: string;
  let packageId: string;

  beforeAll(async () => {
    upstream = await startJsonRepository(listOf('scrt', '1.0.0'), { username: 'reader', password: SECRET });
    database = await createTestDatabase(kind);
    baton = await startTestServer(kind, { database, logs });
    const repository = await baton.api.post('/api/repositories', {
      name: 'guarded',
      plugin_id: 'json-file',
      configuration: [
        { key: 'URL', value: upstream.url },
        { key: 'USERNAME', value: 'reader' },
        { key: 'PASSWORD', value: SECRET },
      ],
    });
    repositoryId = repository.body.id;
    const pkg = await baton.api.post('/api/packages', { name: 'scrt', repository_id: repositoryId, configuration: [{ key: 'NAME', value: 'scrt' }] });
    packageId = pkg.body.id;
    await baton.api.post(`/api/packages/${packageId}/check-connection`);
    await baton.stop();
  });

  afterAll(async () => {
    await database?.drop();
    await upstream?.close();
  });

  it('stores no secret in clear: not in the row, not in the data directory, not in the log', async () => {
    const db = await database.open();
    const row = await db.knex('package_repositories').where({ id: repositoryId }).first();
    const state = await db.knex('plugin_state').where({ repository_id: repositoryId });
    await db.close();

    expect(JSON.stringify(row)).not.toContain(SECRET);
    expect(row.configuration.find((e: { key: string }) => e.key === 'PASSWORD').encrypted_value).toMatch(/^v1\./);
    expect(JSON.stringify(state)).not.toContain(SECRET);
    expect(filesContaining(database.dataDir, SECRET)).toEqual([]);
    expect(logs.length).toBeGreaterThan(5);
    expect(logs.join('\n')).not.toContain(SECRET);
    expect(logs.join('\n')).not.toContain(baton.adminToken);
  });

  it('refuses to start with a secret key other than the one the secrets were encrypted with', async () => {
    const otherKey = randomBytes(32).toString('base64');
    const env: Record<string, string> = { ...baton.env, BATON_SECRET_KEY: otherKey };

    const start = BatonServer.start(loadSettings(env), createLogger('silent'));

    await expect(start).rejects.toThrow(/secret key does not match/);
  });

  it('shows packages whose plugin is missing, and the repository why, then recovers when it is back', async () => {
    const without = await startTestServer(kind, { database, plugins: [] });
    const pkg = await without.api.get(`/api/packages/${packageId}`);
    const repository = await without.api.get(`/api/repositories/${repositoryId}`);
    await without.stop();
    const back = await startTestServer(kind, { database });
    const polledBack = await back.api.post(`/api/packages/${packageId}/poll?wait=120`);
    const pkgBack = await back.api.get(`/api/packages/${packageId}`);
    const repositoryBack = await back.api.get(`/api/repositories/${repositoryId}`);
    await back.stop();

    expect(pkg.body.poll.status).toBe('plugin_missing');
    expect(repository.body.configuration_errors.plugin_id[0]).toContain("'json-file' is not loaded");
    expect(polledBack.body.outcome).not.toBe('failed');
    expect(pkgBack.body.poll.status).toBe('ok');
    expect(repositoryBack.body.configuration_errors).toEqual({});
  });
});

describe('the first admin token', () => {
  it('is generated into the data directory with mode 0600, and the log names the file but not the token', async () => {
    const database = await createTestDatabase('embedded');
    const lines: string[] = [];
    const settings = loadSettings({ BATON_DATA_DIR: database.dataDir, BATON_PORT: '0', BATON_PLUGINS_DIR: '' });
    const server = await BatonServer.start(settings, createLogger('info', { write: (line: string) => void lines.push(line) }));
    const file = path.join(database.dataDir, 'admin-token');
    const token = fs.readFileSync(file, 'utf8').trim();
    const mode = fs.statSync(file).mode & 0o777;
    const response = await fetch(`${server.url}/api/tokens`, { headers: { authorization: `Bearer ${token}` } });
    await server.stop();
    await database.drop();

    expect(mode).toBe(0o600);
    expect(response.status).toBe(200);
    expect(lines.join('\n')).toContain(file);
    expect(lines.join('\n')).not.toContain(token);
  });
});
