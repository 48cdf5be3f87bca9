import { DATABASE_KINDS } from './support/databases';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { startTestServer, type TestServer } from './support/test-server';

describe.each(DATABASE_KINDS)('tokens and audit log [%s]', (kind) => {
  let baton: TestServer;
  let upstream: JsonRepository;

  beforeAll(async () => {
    upstream = await startJsonRepository(listOf('scrt', '1.0.0'));
    baton = await startTestServer(kind);
  });

  afterAll(async () => {
    await baton?.destroy();
    await upstream?.close();
  });

  it('shows a new token once; listings never show it or its hash', async () => {
    const created = await baton.api.post('/api/tokens', { name: 'ci-bot', role: 'operator' });
    const listed = await baton.api.get('/api/tokens');

    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^baton_[A-Za-z0-9_-]{40,}$/);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    expect(listed.body.tokens.find((t: { name: string }) => t.name === 'ci-bot')).toMatchObject({ role: 'operator', created_by: 'admin', last_used_at: null });
  });

  it('authenticates with the new token, records its use, and stops when it is deleted', async () => {
    const created = await baton.api.post('/api/tokens', { name: 'short-lived', role: 'viewer' });
    const client = baton.api.withToken(created.body.token);

    const before = await client.get('/api/repositories');
    const listed = await baton.api.get('/api/tokens');
    await baton.api.delete(`/api/tokens/${created.body.id}`);
    const after = await client.get('/api/repositories');

    expect(before.status).toBe(200);
    expect(listed.body.tokens.find((t: { name: string }) => t.name === 'short-lived').last_used_at).not.toBeNull();
    expect(after.status).toBe(401);
  });

  it('keeps token names unique and roles known', async () => {
    await baton.api.post('/api/tokens', { name: 'dup', role: 'viewer' });

    expect((await baton.api.post('/api/tokens', { name: 'DUP', role: 'viewer' })).status).toBe(409);
    expect((await baton.api.post('/api/tokens', { name: 'x', role: 'root' })).status).toBe(422);
  });

  it('never deletes the last admin token', async () => {
    const tokens = (await baton.api.get('/api/tokens?limit=500')).body.tokens as { id: string; name: string; role: string }[];
    const admins = tokens.filter((t) => t.role === 'admin');

    const refused = await baton.api.delete(`/api/tokens/${admins[0].id}`);

    expect(admins).toHaveLength(1);
    expect(refused.status).toBe(409);
    expect((await baton.api.get('/api/tokens')).status).toBe(200);
  });

  it('lets a second admin delete the first one', async () => {
    const second = await baton.api.post('/api/tokens', { name: 'second-admin', role: 'admin' });
    const first = ((await baton.api.get('/api/tokens?limit=500')).body.tokens as { id: string; name: string }[]).find((t) => t.name === 'admin')!;
    const secondClient = baton.api.withToken(second.body.token);

    const deleted = await secondClient.delete(`/api/tokens/${first.id}`);
    const lastOne = await secondClient.delete(`/api/tokens/${second.body.id}`);

    expect(deleted.status).toBe(204);
    expect(lastOne.status).toBe(409);
    baton.api = secondClient;
  });

  it('records every change with its actor, newest first, without secret values', async () => {
    const operatorName = `auditor-${kind}`;
    const repository = await baton.api.post('/api/repositories', {
      name: 'audited',
      plugin_id: 'json-file',
      configuration: [
        { key: 'URL', value: upstream.url },
        { key: 'USERNAME', value: 'u' },
        { key: 'PASSWORD', value: 'audit-secret-value' },
      ],
    });
    await baton.api.post('/api/tokens', { name: operatorName, role: 'viewer' });
    await baton.api.deleteCurrent(`/api/repositories/${repository.body.id}`);

    const audit = await baton.api.get('/api/audit?limit=3');
    const forRepository = await baton.api.get(`/api/audit?resource_type=repository&resource_id=${repository.body.id}`);

    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(['repository.delete', 'token.create', 'repository.create']);
    expect(audit.body.entries.every((e: { actor: string }) => e.actor === 'second-admin')).toBe(true);
    expect(forRepository.body.entries.map((e: { action: string }) => e.action)).toEqual(['repository.delete', 'repository.create']);
    expect(JSON.stringify((await baton.api.get('/api/audit?limit=500')).body)).not.toContain('audit-secret-value');
    expect(audit.body.next_cursor).not.toBeNull();
  });
});
