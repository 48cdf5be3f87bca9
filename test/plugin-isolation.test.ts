import { startTestServer, type TestServer } from './support/test-server';

/**
 * A plugin that hangs, kills its worker or exhausts its heap must not stop the server from
 * answering: while the bad call is under way, readiness and unrelated requests answer (and
 * answer first), and afterwards the plugin comes back by itself.
 */
describe('plugin isolation through the server', () => {
  let baton: TestServer;
  const packages: Record<string, string> = {};

  beforeAll(async () => {
    baton = await startTestServer('embedded', {
      plugins: ['json-file', 'hanging', 'crashing', 'heap-hog'],
      // Long enough for the other requests to answer before the hanging call times out, and for a
      // worker to fill its heap, on a busy machine.
      env: { BATON_PLUGIN_CALL_TIMEOUT_SECONDS: '20', BATON_PLUGIN_MAX_HEAP_MB: '64' },
    });
    for (const [plugin, mode] of [
      ['hanging', 'spin'],
      ['crashing', 'exit'],
      ['heap-hog', 'hog'],
    ] as const) {
      const repository = await baton.api.post('/api/repositories', { name: `${plugin}-repo`, plugin_id: plugin, configuration: [] });
      // Not polled by the scheduler: each test decides when the plugin misbehaves.
      const manual = { repository_id: repository.body.id, auto_update: false };
      const bad = await baton.api.post('/api/packages', { name: `${plugin}-bad`, ...manual, configuration: [{ key: 'MODE', value: mode }] });
      const good = await baton.api.post('/api/packages', { name: `${plugin}-good`, ...manual, configuration: [{ key: 'MODE', value: 'fine' }] });
      packages[`${plugin}-bad`] = bad.body.id;
      packages[`${plugin}-good`] = good.body.id;
    }
  });

  afterAll(async () => {
    await baton?.destroy();
  });

  /** Waits until the plugin has recorded the failure that began after `since` and is serving again. */
  async function pluginComesBack(id: string, since: Date): Promise<string> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const plugin = await baton.api.get(`/api/plugins/${id}`);
      const failedSince = plugin.body.last_error_at !== null && new Date(plugin.body.last_error_at) >= since;
      if (failedSince && plugin.body.status === 'ok') return 'ok';
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return (await baton.api.get(`/api/plugins/${id}`)).body.status;
  }

  it.each([
    ['hanging', 'a busy loop', /did not answer|hung|timeout/i],
    ['crashing', 'process.exit in the worker', /crash|exit/i],
    ['heap-hog', 'heap exhaustion', /memory|heap/i],
  ])('survives %s (%s): readiness and other requests answer while it runs, and the plugin recovers', async (plugin, _what, reason) => {
    const finished: string[] = [];
    const started = new Date();
    const bad = baton.api.post(`/api/packages/${packages[`${plugin}-bad`]}/check-connection`).then((r) => {
      finished.push('bad call');
      return r;
    });

    const meanwhile: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      meanwhile.push((await baton.api.get('/readyz', { token: null })).status);
      meanwhile.push((await baton.api.get('/api/repositories')).status);
    }
    finished.push('other requests');
    const answer = await bad;
    const status = await pluginComesBack(plugin, started);
    const after = await baton.api.post(`/api/packages/${packages[`${plugin}-good`]}/check-connection`);

    expect(meanwhile.every((s) => s === 200)).toBe(true);
    expect(answer.status).toBe(200);
    expect(answer.body.ok).toBe(false);
    expect(answer.body.messages.join(' ')).toMatch(reason);
    expect(status).toBe('ok');
    expect(after.body).toMatchObject({ ok: true, revision: { revision: expect.any(String) } });
    if (plugin === 'hanging') expect(finished[0]).toBe('other requests');
  });

  it('shows the last error of a plugin that crashed, and restarts a plugin on request', async () => {
    const before = await baton.api.get('/api/plugins/crashing');

    const restarted = await baton.api.post('/api/plugins/crashing/restart');
    const audit = await baton.api.get('/api/audit?resource_type=plugin&limit=1');

    expect(before.body.last_error).toMatch(/crash|exit/i);
    expect(before.body.last_error_at).not.toBeNull();
    expect(restarted.status).toBe(200);
    expect(restarted.body.status).toBe('ok');
    expect(audit.body.entries[0]).toMatchObject({ action: 'plugin.restart', resource_id: 'crashing', actor: 'admin' });
  });

  it('answers 404 for a plugin that is not loaded', async () => {
    expect((await baton.api.get('/api/plugins/not-loaded')).status).toBe(404);
    expect((await baton.api.post('/api/plugins/not-loaded/restart')).status).toBe(404);
  });
});
