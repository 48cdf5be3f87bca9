import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { startTestServer, type TestServer } from './support/test-server';

const DELAY_SECONDS = 3;

describe('stopping the server (SIGTERM)', () => {
  let upstream: JsonRepository;
  let baton: TestServer;

  beforeAll(async () => {
    upstream = await startJsonRepository(listOf('scrt', '1.0.0'));
    baton = await startTestServer('embedded', { env: { BATON_SHUTDOWN_DELAY_SECONDS: String(DELAY_SECONDS), BATON_SHUTDOWN_GRACE_SECONDS: '10' } });
  });

  afterAll(async () => {
    await baton?.destroy();
    await upstream?.close();
  });

  it('turns readiness to 503 at once, drains requests in flight, and cuts streams after the grace period', async () => {
    const repository = await baton.api.post('/api/repositories', {
      name: 'slow',
      plugin_id: 'json-file',
      configuration: [{ key: 'URL', value: upstream.url }],
    });
    const pkg = await baton.api.post('/api/packages', {
      name: 'scrt',
      repository_id: repository.body.id,
      configuration: [{ key: 'NAME', value: 'scrt' }],
      auto_update: false,
    });
    const stream = await fetch(`${baton.url}/api/events?access_token=${baton.adminToken}`);
    const streamEnded = (async () => {
      const reader = stream.body!.getReader();
      while (!(await reader.read()).done);
      return Date.now();
    })().catch(() => Date.now());
    upstream.slowDown(1500);
    const inFlight = baton.api.post(`/api/packages/${pkg.body.id}/poll?wait=120`);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const stopAt = Date.now();
    const stopped = baton.stop();
    const readiness = await baton.api.get('/readyz', { token: null });
    const drained = await inFlight;
    await stopped;
    const streamEndedAt = await streamEnded;

    expect(readiness.status).toBe(503);
    expect(readiness.body).toEqual({ status: 'not_ready', reason: 'shutting down' });
    expect(drained.status).toBe(200);
    expect(drained.body.outcome).toBe('new_revision');
    // Streams last at least the delay (a timer may fire a moment early by this clock).
    expect(streamEndedAt - stopAt).toBeGreaterThanOrEqual(DELAY_SECONDS * 1000 - 50);
    await expect(fetch(`${baton.url}/healthz`)).rejects.toThrow();
  });
});
