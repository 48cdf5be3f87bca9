import { WEBHOOK_TABLES } from '../server/src/db/tables';
import { AuditStore } from '../server/src/security/audit-store';
import { TokenService } from '../server/src/security/token-service';
import type { ApiClient } from './support/api-client';
import { DATABASE_KINDS } from './support/databases';
import { deleteThreeWays } from './support/versioned-delete';
import { TEST_ADMIN, WebhookHarness } from './support/webhook-harness';

const SECRET = 'a-webhook-secret-of-some-length';

describe.each(DATABASE_KINDS)('webhooks API [%s]', (kind) => {
  let harness: WebhookHarness;
  let api: ApiClient;

  beforeAll(async () => {
    harness = await WebhookHarness.start(kind);
    api = await harness.api();
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('creates a webhook that starts after the newest event, and never shows its secret', async () => {
    const before = await harness.emit('package.revision.detected');

    const created = await api.post('/api/webhooks', { url: 'https://hooks.example.org/baton?token=abc', event_types: ['package.*'], secret: SECRET });
    const read = await api.get(`/api/webhooks/${created.body.id}`);
    const listed = await api.get('/api/webhooks');

    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/webhooks/${created.body.id}`);
    expect(created.body).toMatchObject({
      url: 'https://hooks.example.org/baton?token=abc',
      event_types: ['package.*'],
      enabled: true,
      status: 'ok',
      cursor: before,
      failing_since: null,
    });
    expect(read.headers.get('etag')).toBe(created.headers.get('etag'));
    expect(listed.body.webhooks.map((w: { id: string }) => w.id)).toContain(created.body.id);
    for (const answer of [created, read, listed]) expect(JSON.stringify(answer.body)).not.toContain(SECRET);
    const stored = await harness.db.knex(WEBHOOK_TABLES.webhooks).where({ id: created.body.id }).first();
    expect(stored.secret).not.toContain(SECRET);
    expect(harness.secretBox.decrypt(stored.secret, { resourceType: 'webhook', resourceId: created.body.id, key: 'secret' })).toBe(SECRET);
  });

  it.each([
    ['a URL that is not one', { url: 'hooks.example.org/baton', secret: SECRET }, ['url']],
    ['a scheme other than http and https', { url: 'ftp://hooks.example.org/baton', secret: SECRET }, ['url']],
    ['credentials in the URL', { url: 'https://user:pass@hooks.example.org/baton', secret: SECRET }, ['url']],
    ['a malformed event type', { url: 'https://hooks.example.org/b', event_types: ['package.*', 'Not A Type'], secret: SECRET }, ['event_types[1]']],
    ['a wildcard in the middle', { url: 'https://hooks.example.org/b', event_types: ['package.*.failed'], secret: SECRET }, ['event_types[0]']],
    ['no secret', { url: 'https://hooks.example.org/b' }, ['secret']],
    ['a short secret', { url: 'https://hooks.example.org/b', secret: 'short' }, ['secret']],
    ['an unknown field', { url: 'https://hooks.example.org/b', secret: SECRET, colour: 'red' }, ['colour']],
  ])('refuses %s with 422 naming the field', async (_case, body, fields) => {
    const answer = await api.post('/api/webhooks', body);

    expect(answer.status).toBe(422);
    expect(Object.keys(answer.body.errors)).toEqual(fields);
  });

  it('refuses with 422 an event type, or a prefix, that matches nothing in the catalogue, saying which types there are', async () => {
    const body = { url: 'https://hooks.example.org/b', event_types: ['package.*', 'repository.deleted', 'pipelines.*'], secret: SECRET };

    const answer = await api.post('/api/webhooks', body);

    expect(answer.status).toBe(422);
    expect(answer.body.errors).toEqual({
      'event_types[1]': [
        expect.stringMatching(/^'repository.deleted' matches no event type: use one of package.revision.detected, .*stage.awaiting_approval, or a prefix/),
      ],
      'event_types[2]': [expect.stringMatching(/^'pipelines.\*' matches no event type/)],
    });
  });

  it('updates with If-Match, keeps the secret when it is left out, and disables', async () => {
    const created = await api.post('/api/webhooks', { url: 'https://hooks.example.org/one', secret: SECRET });
    const path = `/api/webhooks/${created.body.id}`;
    const storedSecret = async () => (await harness.db.knex(WEBHOOK_TABLES.webhooks).where({ id: created.body.id }).first()).secret as string;
    const secretBefore = await storedSecret();
    const change = { url: 'https://hooks.example.org/two', event_types: ['stage.*'], enabled: false };

    const missing = await api.put(path, change);
    const stale = await api.put(path, change, { headers: { 'if-match': '"999"' } });
    const updated = await api.put(path, change, { headers: { 'if-match': created.headers.get('etag')! } });

    expect(missing.status).toBe(428);
    expect(stale.status).toBe(412);
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ url: 'https://hooks.example.org/two', event_types: ['stage.*'], enabled: false, status: 'disabled' });
    expect(updated.headers.get('etag')).not.toBe(created.headers.get('etag'));
    expect(await storedSecret()).toBe(secretBefore);
  });

  it('asks for the secret again when the URL moves to another origin', async () => {
    const created = await api.post('/api/webhooks', { url: 'https://hooks.example.org/a', secret: SECRET });
    const path = `/api/webhooks/${created.body.id}`;
    const etag = created.headers.get('etag')!;

    const refused = await api.put(path, { url: 'https://elsewhere.example.org/a', event_types: [], enabled: true }, { headers: { 'if-match': etag } });
    const accepted = await api.put(
      path,
      { url: 'https://elsewhere.example.org/a', event_types: [], enabled: true, secret: `${SECRET}-2` },
      { headers: { 'if-match': etag } },
    );

    expect(refused.status).toBe(422);
    expect(Object.keys(refused.body.errors)).toEqual(['secret']);
    expect(accepted.status).toBe(200);
    expect(JSON.stringify(accepted.body)).not.toContain(SECRET);
  });

  it('deletes only with a current If-Match', async () => {
    const created = await api.post('/api/webhooks', { url: 'https://hooks.example.org/gone', secret: SECRET });
    const path = `/api/webhooks/${created.body.id}`;

    const statuses = await deleteThreeWays(api, path, created.headers.get('etag')!);

    expect(statuses).toEqual({ missing: 428, stale: 412, current: 204, after: 404 });
    expect((await api.get(`${path}/deliveries`)).status).toBe(404);
  });

  it('audits every change without the secret or the query string', async () => {
    const created = await api.post('/api/webhooks', { url: 'https://hooks.example.org/audited?token=receiver-token', secret: SECRET });
    const path = `/api/webhooks/${created.body.id}`;
    await api.put(
      path,
      { url: 'https://hooks.example.org/audited', event_types: [], enabled: false, secret: `${SECRET}-new` },
      { headers: { 'if-match': created.headers.get('etag')! } },
    );
    await api.post(`${path}/enable`);
    await api.deleteCurrent(path);

    const entries = (await new AuditStore(harness.db).list({ limit: 50, cursor: null }, { resourceType: 'webhook', resourceId: created.body.id })).items;

    expect(entries.map((e) => e.action)).toEqual(['webhook.delete', 'webhook.enable', 'webhook.update', 'webhook.create']);
    expect(entries.every((e) => e.actor === 'admin')).toBe(true);
    expect(entries.find((e) => e.action === 'webhook.update')!.details).toMatchObject({ secret_changed: true, enabled: false });
    expect(JSON.stringify(entries)).not.toMatch(/webhook-secret|receiver-token/);
  });

  it('is for admins only', async () => {
    const viewer = await new TokenService(harness.db, new AuditStore(harness.db)).create({ name: `viewer-${kind}`, role: 'viewer' }, TEST_ADMIN);

    const listed = await api.withToken(viewer.token).get('/api/webhooks');
    const anonymous = await api.withToken(null).get('/api/webhooks');

    expect(listed.status).toBe(403);
    expect(anonymous.status).toBe(401);
  });

  it('pages through deliveries newest first', async () => {
    const webhook = await harness.service.create({ url: 'https://hooks.example.org/paged', event_types: [], secret: SECRET, enabled: true }, TEST_ADMIN);
    await harness.db.knex.transaction(async (trx) => {
      for (let eventId = 1; eventId <= 3; eventId += 1) {
        await harness.deliveries.record(trx, {
          webhookId: webhook.id,
          eventId,
          eventType: 'x.y',
          attempt: 1,
          status: 'delivered',
          responseStatus: 204,
          error: null,
          durationMs: 5,
        });
      }
    });

    const first = await api.get(`/api/webhooks/${webhook.id}/deliveries?limit=2`);
    const second = await api.get(`/api/webhooks/${webhook.id}/deliveries?limit=2&cursor=${first.body.next_cursor}`);

    expect(first.body.deliveries.map((d: { event_id: number }) => d.event_id)).toEqual([3, 2]);
    expect(second.body.deliveries.map((d: { event_id: number }) => d.event_id)).toEqual([1]);
    expect(second.body.next_cursor).toBeNull();
    expect(first.body.deliveries[0]).toMatchObject({ status: 'delivered', response_status: 204, attempt: 1, duration_ms: 5, error: null });
  });
});
