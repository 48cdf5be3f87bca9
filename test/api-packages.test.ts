import { TOKENS } from '../server/src/injection-tokens';
import type { Database } from '../server/src/db/database';
import { DATABASE_KINDS } from './support/databases';
import { deleteThreeWays } from './support/versioned-delete';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { startTestServer, type TestServer } from './support/test-server';

describe.each(DATABASE_KINDS)('packages API [%s]', (kind) => {
  let baton: TestServer;
  let upstream: JsonRepository;
  let other: JsonRepository;
  let repositoryId: string;

  beforeAll(async () => {
    upstream = await startJsonRepository({ packages: { ...listOf('scrt', '0.3.2', '0.3.3').packages, ...listOf('moosync', '11.0.2').packages } });
    other = await startJsonRepository(listOf('scrt', '2.0.0'));
    baton = await startTestServer(kind);
    const repository = await baton.api.post('/api/repositories', {
      name: 'upstream',
      plugin_id: 'json-file',
      configuration: [{ key: 'URL', value: upstream.url }],
    });
    repositoryId = repository.body.id;
  });

  afterAll(async () => {
    await baton?.destroy();
    await Promise.all([upstream?.close(), other?.close()]);
  });

  const createPackage = (name: string, packageName: string, extra: Record<string, unknown> = {}, repository = repositoryId) =>
    baton.api.post('/api/packages', { name, repository_id: repository, configuration: [{ key: 'NAME', value: packageName }], ...extra });

  /** Records a revision directly, as the poller will, to give a package history. */
  const giveHistory = async (packageId: string) => {
    const db = baton.server.dependencies.resolve<Database>(TOKENS.database);
    await db.knex('package_revisions').insert({ package_id: packageId, revision: '0.3.3', timestamp: new Date(), data: JSON.stringify({}) });
  };

  it('creates a package with polling defaults and shows it in its repository', async () => {
    const created = await createPackage('scrt-stable', 'scrt');
    const repository = await baton.api.get(`/api/repositories/${repositoryId}`);

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'scrt-stable',
      repository_id: repositoryId,
      auto_update: true,
      poll_interval_seconds: 60,
      poll: { status: 'pending' },
    });
    expect(created.headers.get('etag')).toBe('"1"');
    expect(repository.body.packages).toContainEqual({ id: created.body.id, name: 'scrt-stable' });
  });

  it('checks a package connection and shows the revision found', async () => {
    const created = await createPackage('moosync', 'moosync');

    const check = await baton.api.post(`/api/packages/${created.body.id}/check-connection`);

    expect(check.status).toBe(200);
    expect(check.body.ok).toBe(true);
    expect(check.body.revision).toMatchObject({ revision: '11.0.2', data: { LOCATION: 'https://repo.example.org/moosync/moosync-11.0.2.tgz' } });
  });

  it('answers a package that is not in the repository as ok: false', async () => {
    const created = await createPackage('not-there', 'no-such-package');

    const check = await baton.api.post(`/api/packages/${created.body.id}/check-connection`);

    expect(check.status).toBe(200);
    expect(check.body.ok).toBe(false);
  });

  it('checks a package configuration before it is saved, and one being edited, without saving either', async () => {
    const editing = await createPackage('edit-check', 'edit-check');
    const before = (await baton.api.get('/api/packages')).body.packages.length;

    const found = await baton.api.post('/api/packages/check-connection', { repository_id: repositoryId, configuration: [{ key: 'NAME', value: 'moosync' }] });
    const missing = await baton.api.post('/api/packages/check-connection', {
      repository_id: repositoryId,
      package_id: editing.body.id,
      configuration: [{ key: 'NAME', value: 'no-such-package' }],
    });
    const invalid = await baton.api.post('/api/packages/check-connection', { repository_id: repositoryId, configuration: [{ key: 'NOPE', value: 'x' }] });

    expect(found.status).toBe(200);
    expect(found.body.revision).toMatchObject({ revision: '11.0.2' });
    expect(missing.status).toBe(200);
    expect(missing.body.ok).toBe(false);
    expect(invalid.status).toBe(422);
    expect(Object.keys(invalid.body.errors)).toEqual(['configuration.NOPE']);
    expect((await baton.api.get('/api/packages')).body.packages.length).toBe(before);
    expect((await baton.api.get(`/api/packages/${editing.body.id}`)).body.configuration).toEqual([{ key: 'NAME', value: 'edit-check' }]);
  });

  it('refuses a second package with the same identity, naming the first', async () => {
    const first = await createPackage('ident-one', 'ident');

    const second = await createPackage('ident-two', 'ident', {
      configuration: [
        { key: 'NAME', value: 'ident' },
        { key: 'NOTE', value: 'differs, but is not identity' },
      ],
    });

    expect(first.status).toBe(201);
    expect(second.status).toBe(409);
    expect(second.body.detail).toContain("'ident-one'");
    expect(second.body.detail).toContain(first.body.id);
  });

  it('allows the same package name in a repository with another identity', async () => {
    const repository = await baton.api.post('/api/repositories', {
      name: 'other-upstream',
      plugin_id: 'json-file',
      configuration: [{ key: 'URL', value: other.url }],
    });

    const created = await createPackage('scrt-stable', 'scrt', {}, repository.body.id);

    expect(created.status).toBe(201);
  });

  it('keeps package names unique within a repository, regardless of case', async () => {
    await createPackage('Twin', 'twin-a');

    const again = await createPackage('twin', 'twin-b');

    expect(again.status).toBe(409);
  });

  it.each([
    ['a poll interval below the minimum', { poll_interval_seconds: 5 }, 'poll_interval_seconds'],
    ['a fractional poll interval', { poll_interval_seconds: 30.5 }, 'poll_interval_seconds'],
    ['auto_update that is not a boolean', { auto_update: 'yes' }, 'auto_update'],
    ['an unknown repository', { repository_id: '00000000-0000-4000-8000-000000000000' }, 'repository_id'],
    ['a repository id that is not a UUID', { repository_id: 'upstream' }, 'repository_id'],
    ['a missing required key', { configuration: [] }, 'configuration.NAME'],
    ['a plugin rule', { configuration: [{ key: 'NAME', value: ' padded ' }] }, 'configuration.NAME'],
  ])('refuses %s with 422', async (_case, override, field) => {
    const response = await baton.api.post('/api/packages', {
      name: 'refused',
      repository_id: repositoryId,
      configuration: [{ key: 'NAME', value: 'refused' }],
      ...override,
    });

    expect(response.status).toBe(422);
    expect(Object.keys(response.body.errors)).toContain(field);
  });

  it('filters the list by repository', async () => {
    const all = await baton.api.get('/api/packages?limit=500');
    const mine = await baton.api.get(`/api/packages?limit=500&repository_id=${repositoryId}`);

    expect(mine.body.packages.length).toBeGreaterThan(0);
    expect(mine.body.packages.every((p: { repository_id: string }) => p.repository_id === repositoryId)).toBe(true);
    expect(all.body.packages.length).toBeGreaterThan(mine.body.packages.length);
  });

  it('needs If-Match to update (428), refuses a stale or weak one (412)', async () => {
    const created = await createPackage('versioned', 'versioned');
    const body = { name: 'versioned', repository_id: repositoryId, configuration: [{ key: 'NAME', value: 'versioned' }], poll_interval_seconds: 300 };
    const path = `/api/packages/${created.body.id}`;

    const missing = await baton.api.put(path, body);
    const weak = await baton.api.put(path, body, { headers: { 'if-match': `W/${created.headers.get('etag')}` } });
    const updated = await baton.api.put(path, body, { headers: { 'if-match': created.headers.get('etag')! } });
    const stale = await baton.api.put(path, body, { headers: { 'if-match': created.headers.get('etag')! } });

    expect(missing.status).toBe(428);
    expect(weak.status).toBe(412);
    expect(updated.status).toBe(200);
    expect(updated.body.poll_interval_seconds).toBe(300);
    expect(stale.status).toBe(412);
  });

  it('lets a package change what is not identity even when it has history', async () => {
    const created = await createPackage('with-history', 'history-a');
    await giveHistory(created.body.id);

    const updated = await baton.api.put(
      `/api/packages/${created.body.id}`,
      {
        name: 'with-history',
        repository_id: repositoryId,
        configuration: [
          { key: 'NAME', value: 'history-a' },
          { key: 'NOTE', value: 'pinned' },
        ],
        poll_interval_seconds: 120,
        auto_update: false,
      },
      { headers: { 'if-match': created.headers.get('etag')! } },
    );

    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ poll_interval_seconds: 120, auto_update: false, poll: { status: 'disabled' } });
  });

  it("refuses to change a package's identity once it has history", async () => {
    const created = await createPackage('identity-fixed', 'history-b');
    await giveHistory(created.body.id);

    const response = await baton.api.put(
      `/api/packages/${created.body.id}`,
      { name: 'identity-fixed', repository_id: repositoryId, configuration: [{ key: 'NAME', value: 'history-c' }] },
      { headers: { 'if-match': created.headers.get('etag')! } },
    );

    expect(response.status).toBe(409);
    expect(response.body.detail).toContain('history');
  });

  it("refuses a repository change that would alter a package's identity with history", async () => {
    const repository = await baton.api.post('/api/repositories', {
      name: 'history-repo',
      plugin_id: 'json-file',
      configuration: [{ key: 'URL', value: upstream.url }],
    });
    const pkg = await createPackage('pinned', 'pinned', {}, repository.body.id);
    await giveHistory(pkg.body.id);

    const response = await baton.api.put(
      `/api/repositories/${repository.body.id}`,
      { name: 'history-repo', plugin_id: 'json-file', configuration: [{ key: 'URL', value: other.url }] },
      { headers: { 'if-match': repository.headers.get('etag')! } },
    );

    expect(response.status).toBe(409);
    expect(response.body.detail).toContain("'pinned'");
  });

  it('moves the fingerprints of packages without history when their repository moves', async () => {
    const repository = await baton.api.post('/api/repositories', {
      name: 'movable',
      plugin_id: 'json-file',
      configuration: [{ key: 'URL', value: `${upstream.origin}/a/packages.json` }],
    });
    const pkg = await createPackage('fresh', 'fresh', {}, repository.body.id);

    const moved = await baton.api.put(
      `/api/repositories/${repository.body.id}`,
      { name: 'movable', plugin_id: 'json-file', configuration: [{ key: 'URL', value: `${upstream.origin}/b/packages.json` }] },
      { headers: { 'if-match': repository.headers.get('etag')! } },
    );
    const duplicate = await baton.api.post('/api/repositories', {
      name: 'movable-twin',
      plugin_id: 'json-file',
      configuration: [{ key: 'URL', value: `${upstream.origin}/a/packages.json` }],
    });
    const sameIdentityAsBefore = await createPackage('fresh', 'fresh', {}, duplicate.body.id);
    const pkgAfter = await baton.api.get(`/api/packages/${pkg.body.id}`);

    expect(moved.status).toBe(200);
    expect(sameIdentityAsBefore.status).toBe(201);
    expect(pkgAfter.headers.get('etag')).not.toBe(pkg.headers.get('etag'));
  });

  it('deletes only with a current If-Match', async () => {
    const created = await createPackage('versioned-delete', 'versioned-delete');

    const statuses = await deleteThreeWays(baton.api, `/api/packages/${created.body.id}`, created.headers.get('etag')!);

    expect(statuses).toEqual({ missing: 428, stale: 412, current: 204, after: 404 });
  });

  it('archives a package with history instead of deleting it, keeping its revisions', async () => {
    const created = await createPackage('short-lived', 'short-lived');
    await giveHistory(created.body.id);

    const deleted = await baton.api.deleteCurrent(`/api/packages/${created.body.id}`);
    const kept = await baton.api.get(`/api/packages/${created.body.id}`);
    const db = baton.server.dependencies.resolve<Database>(TOKENS.database);
    const history = await db.knex('package_revisions').where({ package_id: created.body.id });

    expect(deleted.status).toBe(204);
    expect(kept.status).toBe(200);
    expect(kept.body.deleted_at).toEqual(expect.any(String));
    expect(history.map((row: { revision: string }) => row.revision)).toEqual(['0.3.3']);
  });
});
