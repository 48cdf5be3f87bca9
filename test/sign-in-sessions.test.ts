import { createHash } from 'node:crypto';
import type { Database } from '../server/src/db/database';
import { TABLES } from '../server/src/db/tables';
import { TOKENS } from '../server/src/injection-tokens';
import { DATABASE_KINDS } from './support/databases';
import { pageHeaders, signIn } from './support/sign-in';
import { startTestServer, type TestServer } from './support/test-server';

const NO_REPOSITORY = '00000000-0000-4000-8000-000000000000';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe.each(DATABASE_KINDS)('signing in from a browser, behind a trusted proxy [%s]', (kind) => {
  let baton: TestServer;
  let db: Database;
  let counter = 0;

  /** A new token of this role, as `{ id, name, token }`. */
  const newToken = async (role: string) => {
    const name = `${role}-${++counter}`;
    const created = await baton.api.post('/api/tokens', { name, role });
    return created.body as { id: string; name: string; token: string };
  };
  const withCookie = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    baton.api.request(method, path, { token: null, headers, body });

  beforeAll(async () => {
    baton = await startTestServer(kind, { env: { BATON_TRUST_PROXY: 'true' } });
    db = baton.server.dependencies.resolve<Database>(TOKENS.database);
  });

  afterAll(async () => {
    await baton?.destroy();
  });

  it('answers an HttpOnly, SameSite=Strict cookie for a valid token, keeps only its hash, and puts no token in the body', async () => {
    const viewer = await newToken('viewer');

    const { response, setCookie, cookie } = await signIn(baton.api, viewer.token);

    expect(response.status).toBe(201);
    expect(response.body).toEqual({ name: viewer.name, role: 'viewer', expires_at: expect.any(String) });
    expect(JSON.stringify(response.body)).not.toContain(viewer.token);
    expect(setCookie!.split('; ').slice(1).sort()).toEqual(['HttpOnly', 'Max-Age=43200', 'Path=/', 'SameSite=Strict']);
    const secret = cookie.replace('baton_session=', '');
    expect(secret).not.toBe('');
    const rows = await db.knex(TABLES.signInSessions).where({ token_id: viewer.id });
    expect(rows.map((row: { secret_hash: string }) => row.secret_hash)).toEqual([sha256(secret)]);
  });

  it('refuses a wrong token with 401 and sets no cookie', async () => {
    const { response, setCookie } = await signIn(baton.api, 'baton_not-a-real-token');

    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(setCookie).toBeNull();
  });

  it('refuses to sign in from another origin', async () => {
    const viewer = await newToken('viewer');

    const { response, setCookie } = await signIn(baton.api, viewer.token, { origin: 'http://elsewhere.example.org' });

    expect(response.status).toBe(403);
    expect(setCookie).toBeNull();
  });

  it('reads with the cookie alone, and tells the session it holds', async () => {
    const viewer = await newToken('viewer');
    const { cookie } = await signIn(baton.api, viewer.token);

    const read = await withCookie('GET', '/api/repositories', { cookie });
    const session = await withCookie('GET', '/api/session', { cookie });
    const none = await withCookie('GET', '/api/session', {});

    expect(read.status).toBe(200);
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({ name: viewer.name, role: 'viewer' });
    expect(none.status).toBe(401);
  });

  it('refuses a change by the cookie without X-Baton-Request or from another origin, and records who made an accepted one', async () => {
    const admin = await newToken('admin');
    const { cookie } = await signIn(baton.api, admin.token);
    const input = (name: string) => ({ name, role: 'viewer' });

    const withoutHeader = await withCookie('POST', '/api/tokens', { cookie }, input('no-header'));
    const foreign = await withCookie('POST', '/api/tokens', pageHeaders(cookie, { origin: 'http://elsewhere.example.org' }), input('foreign'));
    const sameOrigin = await withCookie('POST', '/api/tokens', pageHeaders(cookie, { origin: baton.url }), input('same-origin'));
    const noOrigin = await withCookie('POST', '/api/tokens', pageHeaders(cookie), input('no-origin'));

    expect([withoutHeader.status, foreign.status]).toEqual([403, 403]);
    expect(withoutHeader.body.detail).toContain('X-Baton-Request');
    expect(foreign.body.detail).toContain('http://elsewhere.example.org');
    expect([sameOrigin.status, noOrigin.status]).toEqual([201, 201]);
    const audit = await baton.api.get('/api/audit');
    const entry = audit.body.entries.find(
      (e: { action: string; details: { name: string } }) => e.action === 'token.create' && e.details.name === 'same-origin',
    );
    expect(entry.actor).toBe(admin.name);
  });

  it('takes the scheme a trusted proxy reports for the origin check', async () => {
    const admin = await newToken('admin');
    const { cookie } = await signIn(baton.api, admin.token);
    const https = baton.url.replace('http://', 'https://');
    const headers = (origin: string) => pageHeaders(cookie, { origin, 'x-forwarded-proto': 'https' });

    const overHttps = await withCookie('POST', '/api/tokens', headers(https), { name: 'over-https', role: 'viewer' });
    const plainOrigin = await withCookie('POST', '/api/tokens', headers(baton.url), { name: 'plain-origin', role: 'viewer' });

    expect(overHttps.status).toBe(201);
    expect(plainOrigin.status).toBe(403);
  });

  it('leaves requests with a bearer token as they were, and lets the token win over a cookie', async () => {
    const viewer = await newToken('viewer');
    const { cookie } = await signIn(baton.api, viewer.token);

    const bearer = await baton.api.post('/api/tokens', { name: 'by-bearer', role: 'viewer' }, { headers: { origin: 'http://elsewhere.example.org' } });
    const adminOverViewer = await baton.api.get('/api/tokens', { headers: { cookie } });
    const viewerOverCookie = await baton.api.get('/api/tokens', { token: viewer.token, headers: { cookie } });

    expect(bearer.status).toBe(201);
    expect(adminOverViewer.status).toBe(200);
    expect(viewerOverCookie.status).toBe(403);
  });

  it("holds a session to its token's role: a viewer's cookie cannot do what needs an operator", async () => {
    const viewer = await signIn(baton.api, (await newToken('viewer')).token);
    const operator = await signIn(baton.api, (await newToken('operator')).token);
    const poll = (cookie: string) => withCookie('POST', `/api/repositories/${NO_REPOSITORY}/poll`, pageHeaders(cookie));

    const byViewer = await poll(viewer.cookie);
    const byOperator = await poll(operator.cookie);

    expect(byViewer.status).toBe(403);
    expect(byViewer.body.detail).toContain('operator');
    expect(byOperator.status).toBe(404);
  });

  it('signs out: the row goes, the cookie is cleared, and signing out again still clears it', async () => {
    const viewer = await newToken('viewer');
    const { cookie } = await signIn(baton.api, viewer.token);

    const withoutHeader = await withCookie('DELETE', '/api/session', { cookie });
    const signedOut = await withCookie('DELETE', '/api/session', pageHeaders(cookie));
    const after = await withCookie('GET', '/api/repositories', { cookie });
    const again = await withCookie('DELETE', '/api/session', pageHeaders(cookie));

    expect(withoutHeader.status).toBe(403);
    expect(signedOut.status).toBe(204);
    expect(signedOut.headers.get('set-cookie')).toContain('baton_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0');
    expect(after.status).toBe(401);
    expect(again.status).toBe(204);
    expect(again.headers.get('set-cookie')).toContain('Max-Age=0');
    expect(await db.knex(TABLES.signInSessions).where({ token_id: viewer.id })).toEqual([]);
  });

  it('ends the sessions of a deleted token', async () => {
    const viewer = await newToken('viewer');
    const { cookie } = await signIn(baton.api, viewer.token);

    await baton.api.delete(`/api/tokens/${viewer.id}`);
    const after = await withCookie('GET', '/api/session', { cookie });

    expect(after.status).toBe(401);
    expect(await db.knex(TABLES.signInSessions).where({ token_id: viewer.id })).toEqual([]);
  });

  it('ends a session whose token holds another role (written by another process sharing the database)', async () => {
    const viewer = await newToken('viewer');
    const { cookie } = await signIn(baton.api, viewer.token);

    await db.knex(TABLES.tokens).where({ id: viewer.id }).update({ role: 'operator' });
    const after = await withCookie('GET', '/api/session', { cookie });

    expect(after.status).toBe(401);
    expect(await db.knex(TABLES.signInSessions).where({ token_id: viewer.id })).toEqual([]);
  });

  it('ends an expired session when it is presented, and sweeps other expired ones at the next sign-in', async () => {
    const viewer = await newToken('viewer');
    const presented = await signIn(baton.api, viewer.token);
    const forgotten = await signIn(baton.api, viewer.token);
    const kept = await signIn(baton.api, viewer.token);
    const secretHash = (cookie: string) => sha256(cookie.replace('baton_session=', ''));
    const past = new Date(Date.now() - 1000);
    await db
      .knex(TABLES.signInSessions)
      .whereIn('secret_hash', [secretHash(presented.cookie), secretHash(forgotten.cookie)])
      .update({ expires_at: past });

    const after = await withCookie('GET', '/api/repositories', { cookie: presented.cookie });
    const rowsBeforeSignIn = await db.knex(TABLES.signInSessions).where({ token_id: viewer.id }).count<{ count: string }[]>('* as count');
    await signIn(baton.api, (await newToken('viewer')).token);
    const left = await db.knex(TABLES.signInSessions).where({ token_id: viewer.id }).select<{ secret_hash: string }[]>('secret_hash');

    expect(after.status).toBe(401);
    expect(Number(rowsBeforeSignIn[0].count)).toBe(2);
    expect(left.map((row) => row.secret_hash)).toEqual([secretHash(kept.cookie)]);
  });

  it('marks the cookie Secure only when the trusted proxy says the request came over HTTPS', async () => {
    const viewer = await newToken('viewer');

    const plain = await signIn(baton.api, viewer.token);
    const overHttps = await signIn(baton.api, viewer.token, { 'x-forwarded-proto': 'https' });
    const signOut = await withCookie('DELETE', '/api/session', pageHeaders(overHttps.cookie, { 'x-forwarded-proto': 'https' }));

    expect(plain.setCookie).not.toContain('Secure');
    expect(overHttps.setCookie!.split('; ')).toContain('Secure');
    expect(signOut.headers.get('set-cookie')!.split('; ')).toContain('Secure');
  });
});

describe.each(DATABASE_KINDS)('signing in from a browser, without a trusted proxy [%s]', (kind) => {
  let baton: TestServer;

  beforeAll(async () => {
    baton = await startTestServer(kind, { env: { BATON_SESSION_MAX_AGE_SECONDS: '600' } });
  });

  afterAll(async () => {
    await baton?.destroy();
  });

  it('ignores X-Forwarded-Proto for the Secure flag, and keeps a session for BATON_SESSION_MAX_AGE_SECONDS', async () => {
    const before = Date.now();

    const { response, setCookie } = await signIn(baton.api, baton.adminToken, { 'x-forwarded-proto': 'https' });
    const after = Date.now();

    expect(response.status).toBe(201);
    expect(setCookie!.split('; ')).not.toContain('Secure');
    expect(setCookie!.split('; ')).toContain('Max-Age=600');
    const expiresAt = Date.parse(response.body.expires_at);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 600_000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(after + 600_000);
  });
});
