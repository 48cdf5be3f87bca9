import { createHmac, randomBytes } from 'node:crypto';
import { catalogueProblems } from './support/catalogue-check';
import { DATABASE_KINDS, describeOnPostgres } from './support/databases';
import { eventually } from './support/eventually';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { startTestServer, type TestServer } from './support/test-server';

describe.each(DATABASE_KINDS)('polling through the API [%s]', (kind) => {
  let baton: TestServer;
  let upstream: JsonRepository;
  let repositoryId: string;

  beforeAll(async () => {
    upstream = await startJsonRepository({ packages: {} });
    publish('0.3.2', '0.3.3');
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
    await upstream?.close();
  });

  const NAMES = ['scrt', 'on-request', 'flaky', 'manual', 'impatient', 'hinted', 'streamed', 'scheduled', 'hinted-during'];
  const createPackage = async (name: string, extra: Record<string, unknown> = {}) =>
    (await baton.api.post('/api/packages', { name, repository_id: repositoryId, configuration: [{ key: 'NAME', value: name }], ...extra })).body;
  /** A hint's headers, signed over "<timestamp>.<body>" as a repository signs them. */
  const signed = (secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)) => ({
    'x-baton-timestamp': String(timestamp),
    'x-baton-signature': `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`,
  });
  /** Every package of the fake repository at these versions. */
  const publish = (...versions: string[]) =>
    upstream.publish({ packages: Object.fromEntries(NAMES.map((name) => [name, listOf(name, ...versions).packages[name]])) });

  it('polls a new package at once and records its latest revision', async () => {
    const pkg = await baton.api.post('/api/packages', { name: 'first', repository_id: repositoryId, configuration: [{ key: 'NAME', value: 'scrt' }] });

    const polled = await eventually(async () => {
      const read = await baton.api.get(`/api/packages/${pkg.body.id}`);
      return read.body.poll.status === 'ok' ? read.body : undefined;
    });
    const history = await baton.api.get(`/api/packages/${pkg.body.id}/revisions`);

    expect(polled.latest_revision).toMatchObject({ revision: '0.3.3', data: { LOCATION: 'https://repo.example.org/scrt/scrt-0.3.3.tgz' } });
    expect(polled.poll).toMatchObject({ last_error: null, consecutive_failures: 0 });
    expect(new Date(polled.poll.next_poll_at).getTime()).toBeGreaterThan(new Date(polled.poll.last_polled_at).getTime());
    expect(new Date(polled.poll.next_poll_at).getTime() - Date.now()).toBeLessThanOrEqual(60_000);
    expect(history.body.revisions.map((r: { revision: string }) => r.revision)).toEqual(['0.3.3']);
    expect(history.body.revisions[0].detected_at).toEqual(expect.any(String));
  });

  it('polls on request: a newer version is a new revision, the same one is no change', async () => {
    const pkg = await createPackage('on-request');
    await eventually(async () => ((await baton.api.get(`/api/packages/${pkg.id}`)).body.poll.status === 'ok' ? true : undefined));
    publish('0.3.2', '0.3.3', '0.4.0');

    const found = await baton.api.post(`/api/packages/${pkg.id}/poll?wait=120`);
    const again = await baton.api.post(`/api/packages/${pkg.id}/poll?wait=120`);
    const history = await baton.api.get(`/api/packages/${pkg.id}/revisions`);

    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ outcome: 'new_revision', revision: { revision: '0.4.0' } });
    expect(again.body).toEqual({ outcome: 'no_change' });
    expect(history.body.revisions.map((r: { revision: string }) => r.revision)).toEqual(['0.4.0', '0.3.3']);
  });

  it('records a failure with its kind, emits failed and recovered once each, and recovers by itself', async () => {
    const pkg = await createPackage('flaky');
    await eventually(async () => ((await baton.api.get(`/api/packages/${pkg.id}`)).body.poll.status === 'ok' ? true : undefined));
    const before = (await baton.api.get('/api/events/history?after=0&limit=500')).body.events.at(-1)?.id ?? 0;
    upstream.failWith(404);

    const failed = await baton.api.post(`/api/packages/${pkg.id}/poll?wait=120`);
    const failedTwice = await baton.api.post(`/api/packages/${pkg.id}/poll?wait=120`);
    const shown = (await baton.api.get(`/api/packages/${pkg.id}`)).body;
    upstream.failWith(null);
    const healed = await baton.api.post(`/api/packages/${pkg.id}/poll?wait=120`);
    const shownAfter = (await baton.api.get(`/api/packages/${pkg.id}`)).body;
    const events = (await baton.api.get(`/api/events/history?after=${before}&limit=500&types=package.poll.*`)).body.events.filter(
      (e: { data: { package_id: string } }) => e.data.package_id === pkg.id,
    );

    expect(failed.body).toMatchObject({ outcome: 'failed', error: { kind: 'permanent', code: 'not_found' } });
    expect(failedTwice.body.outcome).toBe('failed');
    expect(shown.poll).toMatchObject({ status: 'failing', error_kind: 'permanent', consecutive_failures: 2 });
    expect(shown.poll.last_error).toContain('404');
    expect(healed.body.outcome).toBe('no_change');
    expect(shownAfter.poll).toMatchObject({ status: 'ok', last_error: null, error_kind: null, consecutive_failures: 0 });
    expect(events.map((e: { type: string }) => e.type)).toEqual(['package.poll.failed', 'package.poll.recovered']);
    expect(catalogueProblems(events)).toEqual([]);
  });

  it('refuses with 422 an event filter that matches no event type, for the history and the stream alike', async () => {
    const history = await baton.api.get('/api/events/history?types=package.poll.*,package.polled');
    const stream = await fetch(`${baton.url}/api/events?access_token=${baton.adminToken}&types=packages.*`);

    expect(history.status).toBe(422);
    expect(history.body.errors.types).toEqual([expect.stringMatching(/^'package.polled' matches no event type: use one of /)]);
    expect(stream.status).toBe(422);
    expect(((await stream.json()) as { errors: Record<string, string[]> }).errors.types).toEqual([
      expect.stringMatching(/^'packages.\*' matches no event type/),
    ]);
  });

  it('does not move the schedule for a poll on request', async () => {
    const pkg = await createPackage('scheduled');
    const first = await eventually(async () => {
      const read = (await baton.api.get(`/api/packages/${pkg.id}`)).body;
      return read.poll.status === 'ok' ? read.poll : undefined;
    });

    await baton.api.post(`/api/packages/${pkg.id}/poll?wait=120`);
    const after = (await baton.api.get(`/api/packages/${pkg.id}`)).body.poll;

    expect(new Date(after.last_polled_at).getTime()).toBeGreaterThan(new Date(first.last_polled_at).getTime());
    expect(after.next_poll_at).toBe(first.next_poll_at);
  });

  it('polls once more right after a poll that a hint arrived during', async () => {
    const pkg = await createPackage('hinted-during', { auto_update: false });
    const { secret } = (await baton.api.get(`/api/repositories/${repositoryId}/hook-secret`)).body;
    await new Promise((resolve) => setTimeout(resolve, 2100));
    upstream.slowDown(800);
    const before = upstream.requests.length;

    const first = baton.api.post(`/api/packages/${pkg.id}/poll?wait=120`);
    await eventually(async () => (upstream.requests.length > before ? true : undefined));
    const body = 'published';
    const hint = await baton.api.post(`/api/hooks/repositories/${repositoryId}`, undefined, { token: null, rawBody: body, headers: signed(secret, body) });
    await first;
    await eventually(async () => (upstream.requests.length >= before + 2 ? true : undefined));
    upstream.slowDown(0);

    expect(hint.status).toBe(202);
    expect(upstream.requests.length - before).toBeGreaterThanOrEqual(2);
  });

  it('shows disabled for a package without auto_update, and polls it only on request', async () => {
    const pkg = await createPackage('manual', { auto_update: false });
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const before = (await baton.api.get(`/api/packages/${pkg.id}`)).body;
    const polled = await baton.api.post(`/api/packages/${pkg.id}/poll?wait=120`);

    expect(before.poll).toMatchObject({ status: 'disabled', last_polled_at: null, next_poll_at: null });
    expect(before.latest_revision).toBeNull();
    expect(polled.body.outcome).toBe('new_revision');
  });

  it('answers 202 pending when the wait runs out', async () => {
    const pkg = await createPackage('impatient');

    const response = await baton.api.post(`/api/packages/${pkg.id}/poll?wait=0`);

    expect(response.status).toBe(202);
    expect(response.body).toEqual({ outcome: 'pending' });
  });

  it('polls a whole repository on request and answers per package', async () => {
    const response = await baton.api.post(`/api/repositories/${repositoryId}/poll?wait=120`);

    expect(response.status).toBe(200);
    expect(response.body.packages.length).toBeGreaterThanOrEqual(4);
    expect(response.body.packages.every((p: { outcome: string }) => ['no_change', 'new_revision'].includes(p.outcome))).toBe(true);
  });

  describe('refresh hints', () => {
    const hint = (body: string, headers: Record<string, string>) =>
      baton.api.post(`/api/hooks/repositories/${repositoryId}`, undefined, { token: null, rawBody: body, headers });

    it('refuse a missing or wrong signature with 401, and do nothing', async () => {
      const body = '{"anything": true}';

      const missing = await baton.api.post(`/api/hooks/repositories/${repositoryId}`, undefined, { token: null, rawBody: body });
      const wrong = await hint(body, signed('not-the-secret', body));

      expect(missing.status).toBe(401);
      expect(wrong.status).toBe(401);
    });

    it('poll the repository soon — packages without auto_update too — and never trust the payload', async () => {
      const pkg = await createPackage('hinted', { auto_update: false });
      const { secret } = (await baton.api.get(`/api/repositories/${repositoryId}/hook-secret`)).body;
      publish('0.3.2', '0.3.3', '0.4.0', '0.5.0');
      const body = JSON.stringify({ package: 'scrt', version: '9.9.9' });

      const accepted = await baton.api.post(`/api/hooks/repositories/${repositoryId}`, undefined, {
        token: null,
        rawBody: body,
        headers: { 'content-type': 'text/plain', ...signed(secret, body) },
      });
      const latest = await eventually(async () => (await baton.api.get(`/api/packages/${pkg.id}`)).body.latest_revision ?? undefined);

      expect(accepted.status).toBe(202);
      expect(latest.revision).toBe('0.5.0');
    });

    it('refuse a signature made with a rotated-away secret', async () => {
      const { secret: old } = (await baton.api.get(`/api/repositories/${repositoryId}/hook-secret`)).body;
      const rotated = await baton.api.post(`/api/repositories/${repositoryId}/hook-secret/rotate`);
      const body = 'ping';

      const withOld = await hint(body, signed(old, body));
      const withNew = await hint(body, signed(rotated.body.secret, body));

      expect(rotated.body.secret).not.toBe(old);
      expect(withOld.status).toBe(401);
      expect(withNew.status).toBe(202);
    });

    it('accept a fresh hint once, and refuse its replay with 409', async () => {
      const { secret } = (await baton.api.get(`/api/repositories/${repositoryId}/hook-secret`)).body;
      const body = `published ${randomBytes(4).toString('hex')}`;
      const headers = signed(secret, body);

      const first = await hint(body, headers);
      const replayed = await hint(body, headers);

      expect(first.status).toBe(202);
      expect(replayed.status).toBe(409);
      expect(replayed.body.detail).toContain('received before');
    });

    it('refuse a hint whose timestamp is more than five minutes old or ahead, or missing, with 401', async () => {
      const { secret } = (await baton.api.get(`/api/repositories/${repositoryId}/hook-secret`)).body;
      const body = `late ${randomBytes(4).toString('hex')}`;
      const now = Math.floor(Date.now() / 1000);
      const { 'x-baton-signature': signature } = signed(secret, body);

      // Six minutes off: a busy machine's seconds between reading the clock and the server checking it leave them outside five.
      const old = await hint(body, signed(secret, body, now - 360));
      const ahead = await hint(body, signed(secret, body, now + 360));
      const missing = await hint(body, { 'x-baton-signature': signature });
      const fresh = await hint(body, signed(secret, body, now));

      expect([old.status, ahead.status, missing.status, fresh.status]).toEqual([401, 401, 401, 202]);
      expect(old.body.detail).toContain('X-Baton-Timestamp');
      expect(missing.body.detail).toContain('X-Baton-Timestamp');
    });

    it('refuse a signature over the body alone with 401', async () => {
      const { secret } = (await baton.api.get(`/api/repositories/${repositoryId}/hook-secret`)).body;
      const body = `body only ${randomBytes(4).toString('hex')}`;
      const bodyOnly = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

      const response = await hint(body, { 'x-baton-timestamp': String(Math.floor(Date.now() / 1000)), 'x-baton-signature': bodyOnly });

      expect(response.status).toBe(401);
    });

    it('are rate-limited per repository with 429', async () => {
      const { secret } = (await baton.api.get(`/api/repositories/${repositoryId}/hook-secret`)).body;
      const statuses: number[] = [];

      for (let i = 0; i < 12; i += 1) {
        const body = `hint ${i}`;
        statuses.push((await hint(body, signed(secret, body))).status);
      }

      expect(statuses).toContain(202);
      expect(statuses.at(-1)).toBe(429);
    });
  });

  it('streams events as Server-Sent Events to a client that sends its token as ?access_token=', async () => {
    const pkg = await createPackage('streamed', { auto_update: false });
    const controller = new AbortController();
    const response = await fetch(`${baton.url}/api/events?access_token=${baton.adminToken}&types=package.revision.detected`, { signal: controller.signal });
    const reader = response.body!.getReader();
    let text = '';

    await baton.api.post(`/api/packages/${pkg.id}/poll?wait=120`);
    while (!text.includes(pkg.id)) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();

    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(text).toMatch(/id: \d+\nevent: package\.revision\.detected\ndata: \{/);
    const data = JSON.parse(/data: (.*)/.exec(text.slice(text.lastIndexOf('id:')))![1]);
    expect(data.data).toMatchObject({ package_id: pkg.id, revision: { revision: expect.any(String) } });
  });
});

describeOnPostgres('refresh hints across processes [postgres]', () => {
  const kind = 'postgres';
  let first: TestServer;
  let second: TestServer;
  let upstream: JsonRepository;

  beforeAll(async () => {
    upstream = await startJsonRepository(listOf('scrt', '1.0.0'));
    first = await startTestServer(kind);
    second = await startTestServer(kind, { database: first.database });
  });

  afterAll(async () => {
    await second?.stop();
    await first?.destroy();
    await upstream?.close();
  });

  it('refuse a hint replayed to another process on the same database with 409', async () => {
    const repository = await first.api.post('/api/repositories', {
      name: 'shared',
      plugin_id: 'json-file',
      configuration: [{ key: 'URL', value: upstream.url }],
    });
    const { secret } = (await first.api.get(`/api/repositories/${repository.body.id}/hook-secret`)).body;
    const body = 'published';
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = {
      'x-baton-timestamp': timestamp,
      'x-baton-signature': `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`,
    };
    const send = (server: TestServer) => server.api.post(`/api/hooks/repositories/${repository.body.id}`, undefined, { token: null, rawBody: body, headers });

    const accepted = await send(first);
    const replayed = await send(second);

    expect(accepted.status).toBe(202);
    expect(replayed.status).toBe(409);
  });
});
