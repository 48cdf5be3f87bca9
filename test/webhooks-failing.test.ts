import type { ApiClient } from './support/api-client';
import { DATABASE_KINDS } from './support/databases';
import { TEST_ADMIN, WebhookHarness } from './support/webhook-harness';
import { WebhookReceiver } from './support/webhook-receiver';

const SECRET = 'failing-secret-0123456789';
const MAX_FAILING_MS = 300;

describe.each(DATABASE_KINDS)('failing webhooks [%s]', (kind) => {
  let harness: WebhookHarness;
  let api: ApiClient;
  const receivers: WebhookReceiver[] = [];

  const receiver = async () => {
    const started = await WebhookReceiver.start(SECRET);
    receivers.push(started);
    return started;
  };
  const subscribe = async (url: string) => (await api.post('/api/webhooks', { url, secret: SECRET })).body as { id: string };
  const statusOf = async (id: string) => (await api.get(`/api/webhooks/${id}`)).body as Record<string, unknown>;
  const waitForStatus = async (id: string, status: string) => {
    const deadline = Date.now() + 60_000;
    while ((await statusOf(id))['status'] !== status) {
      if (Date.now() > deadline) throw new Error(`webhook ${id} never became ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  beforeAll(async () => {
    harness = await WebhookHarness.start(kind);
    api = await harness.api();
    await harness.dispatcher({ maxFailingMs: MAX_FAILING_MS });
  });

  afterAll(async () => {
    await harness?.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  /** A webhook whose receiver answers 500 until it is marked failing, and a healthy one beside it. */
  async function failingWebhook(): Promise<{ broken: WebhookReceiver; healthy: WebhookReceiver; id: string; first: number }> {
    const broken = await receiver();
    const healthy = await receiver();
    broken.answerWith(500);
    const { id } = await subscribe(broken.url);
    await subscribe(healthy.url);
    const first = await harness.emit('package.poll.failed');
    await waitForStatus(id, 'failing');
    return { broken, healthy, id, first };
  }

  it('marks a webhook failing after the maximum age and skips it until it is enabled again', async () => {
    const { broken, healthy, id, first } = await failingWebhook();
    const failing = await statusOf(id);
    broken.answerWith(200);
    const attemptsWhileFailing = broken.received.length;

    const second = await harness.emit('package.poll.recovered');
    await healthy.waitUntil(() => healthy.acceptedIds().includes(second), 'the second event at the healthy receiver');
    await harness.emit('package.poll.failed');
    await healthy.waitUntil(() => healthy.received.length === 3, 'the third event at the healthy receiver');
    const skipped = broken.received.length === attemptsWhileFailing;
    const enabled = await api.post(`/api/webhooks/${id}/enable`);
    await broken.waitUntil(() => broken.distinctAcceptedIds().length === 3, 'every event after enabling');

    expect(failing).toMatchObject({ status: 'failing', enabled: true, last_error: 'the receiver answered 500' });
    expect(Date.parse(String(failing['failing_since']))).not.toBeNaN();
    expect(skipped).toBe(true);
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ status: 'ok', failing_since: null });
    expect(broken.distinctAcceptedIds()).toEqual(healthy.acceptedIds());
    expect(broken.distinctAcceptedIds()[0]).toBe(first);
  });

  it('clears the failing mark when a PUT enables the webhook', async () => {
    const { broken, id } = await failingWebhook();
    broken.answerWith(204);
    const current = await api.get(`/api/webhooks/${id}`);

    const updated = await api.put(
      `/api/webhooks/${id}`,
      { url: broken.url, event_types: [], enabled: true },
      { headers: { 'if-match': current.headers.get('etag')! } },
    );
    await broken.waitUntil(() => broken.acceptedIds().length === 1, 'the event after enabling');

    expect(current.body.status).toBe('failing');
    expect(updated.body).toMatchObject({ status: 'ok', failing_since: null });
  });

  it('keeps a disabled webhook quiet and resumes from its cursor when enabled', async () => {
    const target = await receiver();
    const { id } = await subscribe(target.url);
    const current = await api.get(`/api/webhooks/${id}`);
    await api.put(`/api/webhooks/${id}`, { url: target.url, event_types: [], enabled: false }, { headers: { 'if-match': current.headers.get('etag')! } });
    const companion = await receiver();
    await subscribe(companion.url);

    const missed = await harness.emit('package.revision.detected');
    await companion.waitUntil(() => companion.received.length === 1, 'the event at the companion');
    const quiet = target.received.length === 0;
    await api.post(`/api/webhooks/${id}/enable`);
    await target.waitUntil(() => target.received.length === 1, 'the event after enabling');

    expect(quiet).toBe(true);
    expect(target.acceptedIds()).toEqual([missed]);
  });
});

describe.each(DATABASE_KINDS)('webhooks whose receiver does not answer [%s]', (kind) => {
  /** Longer than any test: the receiver never answers, so the short delivery timeout must fire. */
  const NEVER_MS = 600_000;
  let harness: WebhookHarness;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    harness = await WebhookHarness.start(kind);
    // Only this receiver, which never answers, meets the short timeout.
    await harness.dispatcher({ maxFailingMs: MAX_FAILING_MS, timeoutMs: 300 });
  });

  afterAll(async () => {
    await harness?.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  it('counts a receiver that does not answer in time as a failed attempt', async () => {
    const slow = await WebhookReceiver.start(SECRET);
    receivers.push(slow);
    slow.answerWith(200, { delayMs: NEVER_MS });
    const webhook = await harness.service.create({ url: slow.url, event_types: [], secret: SECRET, enabled: true }, TEST_ADMIN);

    await harness.emit('package.revision.detected');
    const deadline = Date.now() + 60_000;
    let attempts = await harness.service.deliveriesOf(webhook.id, { limit: 1, cursor: null });
    while (attempts.items.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      attempts = await harness.service.deliveriesOf(webhook.id, { limit: 1, cursor: null });
    }

    expect(attempts.items[0]).toMatchObject({ status: 'failed', response_status: null, error: 'no answer within 0.3 s' });
    await harness.service.delete(webhook.id, '*', TEST_ADMIN);
  });
});
