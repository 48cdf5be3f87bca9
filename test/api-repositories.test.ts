import { DATABASE_KINDS } from './support/databases';
import { deleteThreeWays } from './support/versioned-delete';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { startTestServer, type TestServer } from './support/test-server';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.each(DATABASE_KINDS)('repositories API [%s]', (kind) => {
  let baton: TestServer;
  let open: JsonRepository;
  let guarded: JsonRepository;
  let elsewhere: JsonRepository;

  beforeAll(async () => {
    open = await startJsonRepository(listOf('scrt', '0.3.2', '0.3.3'));
    guarded = await startJsonRepository(listOf('scrt', '1.0.0'), { username: 'reader', password: 'hunter2-guarded' });
    elsewhere = await startJsonRepository(listOf('scrt', '9.9.9'));
    baton = await startTestServer(kind);
  });

  afterAll(async () => {
    await baton?.destroy();
    await Promise.all([open?.close(), guarded?.close(), elsewhere?.close()]);
  });

  const create = (name: string, configuration: unknown[]) => baton.api.post('/api/repositories', { name, plugin_id: 'json-file', configuration });

  it('creates a repository with a server-generated id, an ETag and a Location', async () => {
    const response = await create('created-one', [{ key: 'URL', value: open.url }]);

    expect(response.status).toBe(201);
    expect(response.body.id).toMatch(UUID);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(response.headers.get('location')).toBe(`/api/repositories/${response.body.id}`);
    expect(response.body).toMatchObject({ name: 'created-one', plugin_id: 'json-file', packages: [], configuration: [{ key: 'URL', value: open.url }] });
    const read = await baton.api.get(`/api/repositories/${response.body.id}`);
    expect(read.body).toEqual(response.body);
  });

  it('shows a secure value only as encrypted_value, never in clear', async () => {
    const response = await create('with-password', [
      { key: 'URL', value: guarded.url },
      { key: 'USERNAME', value: 'reader' },
      { key: 'PASSWORD', value: 'hunter2-guarded' },
    ]);

    expect(response.status).toBe(201);
    const password = response.body.configuration.find((e: { key: string }) => e.key === 'PASSWORD');
    expect(password.value).toBeUndefined();
    expect(password.encrypted_value).toEqual(expect.any(String));
    expect(JSON.stringify(response.body)).not.toContain('hunter2-guarded');
    const listed = await baton.api.get('/api/repositories?limit=500');
    expect(JSON.stringify(listed.body)).not.toContain('hunter2-guarded');
  });

  it('checks the connection of a saved repository, using its decrypted credentials', async () => {
    const created = await create('guarded-check', [
      { key: 'URL', value: guarded.url },
      { key: 'USERNAME', value: 'reader' },
      { key: 'PASSWORD', value: 'hunter2-guarded' },
    ]);

    const check = await baton.api.post(`/api/repositories/${created.body.id}/check-connection`);

    expect(check.status).toBe(200);
    expect(check.body.ok).toBe(true);
    expect(guarded.requests.at(-1)?.authorization).toBe(`Basic ${Buffer.from('reader:hunter2-guarded').toString('base64')}`);
  });

  it('answers a failed connection as ok: false with the reason, not as an HTTP error', async () => {
    const created = await create('gone', [{ key: 'URL', value: `${open.origin}/missing.json` }]);

    const check = await baton.api.post(`/api/repositories/${created.body.id}/check-connection`);

    expect(check.status).toBe(200);
    expect(check.body.ok).toBe(false);
    expect(check.body.messages.join(' ')).toContain('404');
  });

  it('checks an unsaved configuration, and refuses an invalid one with field errors', async () => {
    const good = await baton.api.post('/api/repositories/check-connection', { plugin_id: 'json-file', configuration: [{ key: 'URL', value: open.url }] });
    const bad = await baton.api.post('/api/repositories/check-connection', { plugin_id: 'json-file', configuration: [{ key: 'URL', value: 'ftp://x' }] });

    expect(good.status).toBe(200);
    expect(good.body.ok).toBe(true);
    expect(bad.status).toBe(422);
    expect(bad.body.errors['configuration.URL'][0]).toContain('http, https or file');
  });

  it.each([
    ['a name with spaces', { name: 'has space', plugin_id: 'json-file', configuration: [] }, 'name'],
    ['an empty name', { name: '', plugin_id: 'json-file', configuration: [] }, 'name'],
    ['an unknown plugin', { name: 'p1', plugin_id: 'nope', configuration: [] }, 'plugin_id'],
    ['a missing required key', { name: 'p2', plugin_id: 'json-file', configuration: [] }, 'configuration.URL'],
    [
      'an unknown key',
      {
        name: 'p3',
        plugin_id: 'json-file',
        configuration: [
          { key: 'URL', value: 'https://repo.example.org/x.json' },
          { key: 'COLOUR', value: 'red' },
        ],
      },
      'configuration.COLOUR',
    ],
    [
      'a plugin rule (user without password)',
      {
        name: 'p4',
        plugin_id: 'json-file',
        configuration: [
          { key: 'URL', value: 'https://repo.example.org/x.json' },
          { key: 'USERNAME', value: 'u' },
        ],
      },
      'configuration.PASSWORD',
    ],
    [
      'a key given twice',
      {
        name: 'p5',
        plugin_id: 'json-file',
        configuration: [
          { key: 'URL', value: 'https://repo.example.org/a.json' },
          { key: 'URL', value: 'https://repo.example.org/b.json' },
        ],
      },
      'configuration.URL',
    ],
    ['a field of the wrong type', { name: 'p6', plugin_id: 'json-file', configuration: 'URL=x' }, 'configuration'],
    ['an unknown field', { name: 'p7', plugin_id: 'json-file', configuration: [], colour: 'red' }, 'colour'],
  ])('refuses %s with 422 and the field named', async (_case, body, field) => {
    const response = await baton.api.post('/api/repositories', body);

    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(Object.keys(response.body.errors)).toContain(field);
  });

  it('keeps names unique regardless of case', async () => {
    await create('Unique-Name', [{ key: 'URL', value: open.url }]);

    const again = await create('unique-name', [{ key: 'URL', value: open.url }]);

    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('unique-name');
  });

  it('pages through repositories in name order with next_cursor', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) await create(name, [{ key: 'URL', value: open.url }]);

    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await baton.api.get(`/api/repositories?limit=2${query}`);
      expect(page.body.repositories.length).toBeLessThanOrEqual(2);
      names.push(...page.body.repositories.map((r: { name: string }) => r.name));
      cursor = page.body.next_cursor;
    } while (cursor);

    expect(names).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(names).toEqual(expect.arrayContaining(['page-a', 'page-b', 'page-c']));
    expect(new Set(names).size).toBe(names.length);
  });

  it('refuses a bad limit or cursor with 422', async () => {
    expect((await baton.api.get('/api/repositories?limit=0')).status).toBe(422);
    expect((await baton.api.get('/api/repositories?limit=501')).status).toBe(422);
    expect((await baton.api.get('/api/repositories?cursor=not-a-cursor')).status).toBe(422);
  });

  describe('updates', () => {
    it('need If-Match (428), refuse a stale one (412), and move the ETag on', async () => {
      const created = await create('versioned', [{ key: 'URL', value: open.url }]);
      const path = `/api/repositories/${created.body.id}`;
      const body = { name: 'versioned-renamed', plugin_id: 'json-file', configuration: [{ key: 'URL', value: open.url }] };

      const missing = await baton.api.put(path, body);
      const updated = await baton.api.put(path, body, { headers: { 'if-match': created.headers.get('etag')! } });
      const stale = await baton.api.put(path, body, { headers: { 'if-match': created.headers.get('etag')! } });

      expect(missing.status).toBe(428);
      expect(updated.status).toBe(200);
      expect(updated.body.name).toBe('versioned-renamed');
      expect(updated.headers.get('etag')).not.toBe(created.headers.get('etag'));
      expect(stale.status).toBe(412);
    });

    it('keep a secure value sent back as encrypted_value', async () => {
      const created = await create('keep-secret', [
        { key: 'URL', value: guarded.url },
        { key: 'USERNAME', value: 'reader' },
        { key: 'PASSWORD', value: 'hunter2-guarded' },
      ]);

      const updated = await baton.api.put(
        `/api/repositories/${created.body.id}`,
        { name: 'keep-secret', plugin_id: 'json-file', configuration: created.body.configuration },
        { headers: { 'if-match': created.headers.get('etag')! } },
      );
      const check = await baton.api.post(`/api/repositories/${created.body.id}/check-connection`);

      expect(updated.status).toBe(200);
      expect(check.body.ok).toBe(true);
    });

    it('refuse an encrypted_value that was issued for another repository', async () => {
      const first = await create('secret-source', [
        { key: 'URL', value: guarded.url },
        { key: 'USERNAME', value: 'reader' },
        { key: 'PASSWORD', value: 'hunter2-guarded' },
      ]);
      const second = await create('secret-target', [{ key: 'URL', value: guarded.url }]);
      const stolen = first.body.configuration.find((e: { key: string }) => e.key === 'PASSWORD');

      const response = await baton.api.put(
        `/api/repositories/${second.body.id}`,
        { name: 'secret-target', plugin_id: 'json-file', configuration: [{ key: 'URL', value: guarded.url }, { key: 'USERNAME', value: 'reader' }, stolen] },
        { headers: { 'if-match': second.headers.get('etag')! } },
      );

      expect(response.status).toBe(422);
      expect(response.body.errors['configuration.PASSWORD'][0]).toContain('enter the value again');
    });

    it('require secure values again when the URL moves to another origin', async () => {
      const created = await create('moving', [
        { key: 'URL', value: guarded.url },
        { key: 'USERNAME', value: 'reader' },
        { key: 'PASSWORD', value: 'hunter2-guarded' },
      ]);
      const moved = created.body.configuration.map((e: { key: string }) => (e.key === 'URL' ? { key: 'URL', value: elsewhere.url } : e));

      const refused = await baton.api.put(
        `/api/repositories/${created.body.id}`,
        { name: 'moving', plugin_id: 'json-file', configuration: moved },
        { headers: { 'if-match': created.headers.get('etag')! } },
      );
      const reentered = await baton.api.put(
        `/api/repositories/${created.body.id}`,
        {
          name: 'moving',
          plugin_id: 'json-file',
          configuration: [
            { key: 'URL', value: elsewhere.url },
            { key: 'USERNAME', value: 'reader' },
            { key: 'PASSWORD', value: 'new-password' },
          ],
        },
        { headers: { 'if-match': created.headers.get('etag')! } },
      );

      expect(refused.status).toBe(422);
      expect(refused.body.errors['configuration.PASSWORD'][0]).toContain('URL now points at another origin');
      expect(reentered.status).toBe(200);
    });

    it('refuse a change of plugin', async () => {
      const created = await create('fixed-plugin', [{ key: 'URL', value: open.url }]);

      const response = await baton.api.put(
        `/api/repositories/${created.body.id}`,
        { name: 'fixed-plugin', plugin_id: 'other', configuration: [] },
        { headers: { 'if-match': '*' } },
      );

      expect(response.status).toBe(422);
      expect(response.body.errors.plugin_id).toBeDefined();
    });
  });

  describe('deletion', () => {
    it('deletes a repository with its packages when none has history', async () => {
      const repository = await create('doomed', [{ key: 'URL', value: open.url }]);
      const pkg = await baton.api.post('/api/packages', {
        name: 'scrt',
        repository_id: repository.body.id,
        auto_update: false,
        configuration: [{ key: 'NAME', value: 'scrt' }],
      });

      const deleted = await baton.api.deleteCurrent(`/api/repositories/${repository.body.id}`);
      const gone = await baton.api.get(`/api/repositories/${repository.body.id}`);

      expect(deleted.status).toBe(204);
      expect(gone.status).toBe(404);
      expect((await baton.api.get(`/api/packages/${pkg.body.id}`)).status).toBe(404);
    });

    it('deletes only with a current If-Match', async () => {
      const created = await create('versioned-delete', [{ key: 'URL', value: open.url }]);

      const statuses = await deleteThreeWays(baton.api, `/api/repositories/${created.body.id}`, created.headers.get('etag')!);

      expect(statuses).toEqual({ missing: 428, stale: 412, current: 204, after: 404 });
    });

    it('answers 404 for an id that is not a UUID or does not exist', async () => {
      expect((await baton.api.get('/api/repositories/not-a-uuid')).status).toBe(404);
      expect((await baton.api.delete('/api/repositories/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    });
  });
});
