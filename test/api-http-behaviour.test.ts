import { startTestServer, type TestServer } from './support/test-server';

/** HTTP behaviour that does not depend on the database, so it runs on the embedded one. */
describe('HTTP behaviour', () => {
  let baton: TestServer;
  let document: { paths: Record<string, Record<string, { security?: unknown[] }>> };

  beforeAll(async () => {
    baton = await startTestServer('embedded');
    document = (await baton.api.get('/api/openapi.json', { token: null })).body;
  });

  afterAll(async () => {
    await baton?.destroy();
  });

  const token = async (role: string) => (await baton.api.post('/api/tokens', { name: `as-${role}`, role })).body.token as string;

  it('serves an OpenAPI 3.1 document that lists every route', () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));

    expect((document as unknown as { openapi: string }).openapi).toBe('3.1.0');
    expect(operations).toEqual(
      expect.arrayContaining([
        'GET /api/plugins',
        'GET /api/plugins/{id}',
        'POST /api/plugins/{id}/restart',
        'POST /api/repositories',
        'PUT /api/repositories/{id}',
        'POST /api/repositories/check-connection',
        'POST /api/packages/{id}/check-connection',
        'DELETE /api/tokens/{id}',
        'GET /api/audit',
      ]),
    );
  });

  it('answers 401 on every non-public route without a token, and with a wrong one', async () => {
    const secured = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, operation]) => operation.security !== undefined)
        .map(([method]) => ({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000') })),
    );

    const withoutToken = await Promise.all(secured.map((r) => baton.api.request(r.method, r.path, { token: null })));
    const withWrongToken = await Promise.all(secured.map((r) => baton.api.request(r.method, r.path, { token: 'baton_not-a-real-token' })));

    expect(secured.length).toBeGreaterThan(15);
    expect(withoutToken.map((r) => r.status)).toEqual(secured.map(() => 401));
    expect(withWrongToken.map((r) => r.status)).toEqual(secured.map(() => 401));
    expect(withoutToken[0].headers.get('www-authenticate')).toContain('Bearer');
  });

  it('answers 401 without a token before saying a path or method does not exist', async () => {
    const unknown = await baton.api.get('/api/no-such-thing', { token: null });
    const wrongMethod = await baton.api.request('PATCH', '/api/tokens', { token: null });
    const notAUuid = await baton.api.get('/api/repositories/not-a-uuid', { token: null });

    expect([unknown.status, wrongMethod.status, notAUuid.status]).toEqual([401, 401, 401]);
  });

  it('refuses a forged cursor with 422 rather than failing', async () => {
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

    const byName = await baton.api.get(`/api/repositories?cursor=${forged(['a', 'not-a-uuid'])}`);
    const newestFirst = await baton.api.get(`/api/audit?cursor=${forged(['abc', 'x'])}`);

    expect(byName.status).toBe(422);
    expect(newestFirst.status).toBe(422);
    expect(Object.keys(byName.body.errors)).toEqual(['cursor']);
  });

  it('serves the public routes without a token', async () => {
    for (const path of ['/healthz', '/readyz', '/api/openapi.json']) {
      expect((await baton.api.get(path, { token: null })).status).toBe(200);
    }
  });

  it('lets a viewer read but not change, and an operator not administer', async () => {
    const viewer = baton.api.withToken(await token('viewer'));
    const operator = baton.api.withToken(await token('operator'));

    expect((await viewer.get('/api/repositories')).status).toBe(200);
    expect((await viewer.post('/api/repositories', { name: 'x', plugin_id: 'json-file', configuration: [] })).status).toBe(403);
    expect((await operator.get('/api/plugins')).status).toBe(200);
    expect((await operator.get('/api/tokens')).status).toBe(403);
    expect((await operator.get('/api/audit')).body.detail).toContain('admin');
  });

  it('answers malformed JSON with 400', async () => {
    const response = await baton.api.post('/api/repositories', undefined, { rawBody: '{"name": "x",', headers: { 'content-type': 'application/json' } });

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.detail).toContain('JSON');
  });

  it('answers a body that is not JSON with 415', async () => {
    const response = await baton.api.post('/api/repositories', undefined, {
      rawBody: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

    expect(response.status).toBe(415);
  });

  it('answers JSON in another charset with 415, naming utf-8', async () => {
    const body = Buffer.from(JSON.stringify({ name: 'x', plugin_id: 'json-file', configuration: [] }), 'utf16le');

    const utf16 = await baton.api.post('/api/repositories', undefined, { rawBody: body, headers: { 'content-type': 'application/json; charset=utf-16' } });
    const quoted = await baton.api.post('/api/repositories', undefined, { rawBody: body, headers: { 'content-type': 'application/json;charset="UTF-16LE"' } });
    const latin1 = await baton.api.post('/api/repositories', undefined, { rawBody: '{}', headers: { 'content-type': 'application/json; charset=iso-8859-1' } });
    const utf8 = await baton.api.post('/api/repositories', undefined, { rawBody: '{}', headers: { 'content-type': 'application/json; charset=UTF-8' } });

    expect([utf16.status, quoted.status, latin1.status, utf8.status]).toEqual([415, 415, 415, 422]);
    expect(utf16.headers.get('content-type')).toContain('application/problem+json');
    expect(utf16.body.detail).toContain('charset=utf-8');
    expect(quoted.body.detail).toContain("'utf-16le'");
  });

  it('never fails on body keys named like built-in object members, on any route that takes a body', async () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods as Record<string, { requestBody?: unknown }>)
        .filter(([method, operation]) => (method === 'post' || method === 'put') && operation.requestBody !== undefined)
        .map(([method]) => ({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000') })),
    );
    // JSON text: parsed, `__proto__` is an own key like the others (a JavaScript literal would set a prototype).
    const rawBody = '{"constructor": 1, "toString": "x", "__proto__": {"admin": true}, "valueOf": [], "hasOwnProperty": null}';

    const answers = await Promise.all(
      operations.map((o) => baton.api.request(o.method, o.path, { rawBody, headers: { 'content-type': 'application/json', 'if-match': '"1"' } })),
    );

    expect(operations.length).toBeGreaterThan(8);
    expect(answers.map((a, i) => `${operations[i].method} ${operations[i].path}: ${a.status}`).filter((_, i) => answers[i].status >= 500)).toEqual([]);
    expect(answers.filter((a) => a.status === 422).length).toBeGreaterThan(8);
  });

  it('names body keys like built-in object members as unknown fields', async () => {
    const created = await baton.api.post('/api/repositories', undefined, {
      rawBody: '{"name": "odd", "plugin_id": "json-file", "configuration": [], "constructor": 1, "__proto__": {}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(created.status).toBe(422);
    expect(Object.keys(created.body.errors).sort()).toEqual(['__proto__', 'constructor']);
    expect(created.body.errors['__proto__']).toEqual(['__proto__ is not a known field']);
  });

  it('refuses configuration keys named like built-in object members, naming each entry', async () => {
    const configuration = [
      { key: 'URL', value: 'http://127.0.0.1:9/' },
      ...['__proto__', 'constructor', 'toString', 'valueOf'].map((key) => ({ key, value: 'x' })),
    ];

    const repository = await baton.api.post('/api/repositories', { name: 'members', plugin_id: 'json-file', configuration });
    const checked = await baton.api.post('/api/repositories/check-connection', { plugin_id: 'json-file', configuration });

    expect([repository.status, checked.status]).toEqual([422, 422]);
    expect(Object.keys(repository.body.errors)).toEqual(['configuration[1].key', 'configuration[2].key', 'configuration[3].key', 'configuration[4].key']);
    expect(Object.keys(checked.body.errors)).toEqual(Object.keys(repository.body.errors));
  });

  it('ignores query parameters named like built-in object members', async () => {
    const lists = ['/api/repositories', '/api/packages', '/api/pipelines', '/api/audit', '/api/tokens', '/api/events/history'];

    const answers = await Promise.all(lists.map((path) => baton.api.get(`${path}?constructor=1&__proto__=x&toString=y&hasOwnProperty=z`)));

    expect(answers.map((a) => a.status)).toEqual(lists.map(() => 200));
  });

  it('answers a body over the limit with 413, without reading it all', async () => {
    const huge = JSON.stringify({ name: 'x', plugin_id: 'json-file', configuration: [{ key: 'URL', value: 'x'.repeat(2 * 1024 * 1024) }] });

    const response = await baton.api.post('/api/repositories', undefined, { rawBody: huge, headers: { 'content-type': 'application/json' } });

    expect(response.status).toBe(413);
  });

  it('answers a wrong method with 405 and Allow', async () => {
    const response = await baton.api.request('PATCH', '/api/repositories');

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(response.body.status).toBe(405);
  });

  it('answers an unknown route with a 404 problem', async () => {
    const response = await baton.api.get('/api/nothing-here');

    expect(response.status).toBe(404);
    expect(response.body.title).toBe('Not Found');
  });

  it("keeps the API's answers out of caches, errors included", async () => {
    const read = await baton.api.get('/api/packages');
    const refused = await baton.api.get('/api/packages', { token: null });

    expect(read.status).toBe(200);
    expect(read.headers.get('cache-control')).toBe('no-store');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('cache-control')).toBe('no-store');
  });

  it('answers /healthz and /readyz', async () => {
    expect((await baton.api.get('/healthz', { token: null })).body).toEqual({ status: 'ok' });
    expect((await baton.api.get('/readyz', { token: null })).body).toEqual({ status: 'ready' });
  });
});
