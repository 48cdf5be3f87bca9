import { DATABASE_KINDS } from './support/databases';
import { samplePayload } from './support/sample-events';
import { TEST_ADMIN, WebhookHarness } from './support/webhook-harness';
import { WebhookReceiver } from './support/webhook-receiver';

const SECRET = 'delivery-secret-0123456789';

describe.each(DATABASE_KINDS)('webhook delivery [%s]', (kind) => {
  let harness: WebhookHarness;
  const receivers: WebhookReceiver[] = [];
  const outcomes: string[] = [];

  const receiver = async () => {
    const started = await WebhookReceiver.start(SECRET);
    receivers.push(started);
    return started;
  };
  const subscribe = (url: string, eventTypes: string[] = []) =>
    harness.service.create({ url, event_types: eventTypes, secret: SECRET, enabled: true }, TEST_ADMIN);

  beforeAll(async () => {
    harness = await WebhookHarness.start(kind);
    await harness.dispatcher({}, { deliveryFinished: (outcome) => outcomes.push(outcome) });
  });

  afterAll(async () => {
    await harness?.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  it('POSTs each event as signed JSON with its id, type and timestamp', async () => {
    const target = await receiver();
    const webhook = await subscribe(target.url);

    const id = await harness.emit('package.revision.detected', { package_name: 'scrt-debug' });
    await target.waitUntil(() => target.received.length === 1, 'the event');
    await harness.waitForCursor(webhook.id, id);

    const [delivery] = target.received;
    const stored = (await harness.events.after(id - 1, 1))[0];
    expect(delivery.signatureValid).toBe(true);
    expect(delivery.body).toEqual({
      id,
      type: 'package.revision.detected',
      occurred_at: stored.occurred_at,
      data: samplePayload('package.revision.detected', { package_name: 'scrt-debug' }),
    });
    expect(delivery.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Baton/test',
      'x-baton-event-id': String(id),
      'x-baton-event-type': 'package.revision.detected',
    });
    expect(Math.abs(Number(delivery.headers['x-baton-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    const attempts = await harness.service.deliveriesOf(webhook.id, { limit: 10, cursor: null });
    expect(attempts.items).toMatchObject([
      { event_id: id, event_type: 'package.revision.detected', attempt: 1, status: 'delivered', response_status: 200, error: null },
    ]);
    expect((await harness.service.get(webhook.id)).cursor).toBe(id);
  });

  it('loses nothing while the receiver is down, then delivers every event once per id, in order', async () => {
    const target = await receiver();
    const webhook = await subscribe(target.url);
    const emitted: number[] = [];
    const failedBefore = outcomes.filter((o) => o === 'failed').length;

    await target.goDown();
    for (let i = 0; i < 4; i += 1) emitted.push(await harness.emit('package.poll.failed', { consecutive_failures: i + 1 }));
    await harness.waitForAttempts(webhook.id, (a) => a.some((d) => d.error?.includes('ECONNREFUSED')), 'a refused connection');
    await target.comeBack();
    target.answerWith(500);
    for (let i = 4; i < 8; i += 1) emitted.push(await harness.emit('package.poll.failed', { consecutive_failures: i + 1 }));
    await target.waitUntil(() => target.received.length >= 2, 'attempts answered 500');
    target.answerWith(200);
    await target.waitUntil(() => target.distinctAcceptedIds().length === emitted.length, 'every event');

    expect(target.distinctAcceptedIds()).toEqual(emitted);
    expect(target.received.every((d) => d.signatureValid)).toBe(true);
    expect(target.received.filter((d) => d.answeredWith === 500).every((d) => d.eventId === emitted[0])).toBe(true);
    const attempts = (await harness.service.deliveriesOf(webhook.id, { limit: 500, cursor: null })).items.reverse();
    const firstEventAttempts = attempts.filter((a) => a.event_id === emitted[0]);
    expect(firstEventAttempts.map((a) => a.attempt)).toEqual(firstEventAttempts.map((_, i) => i + 1));
    expect(firstEventAttempts.some((a) => a.status === 'failed' && a.response_status === 500)).toBe(true);
    expect(outcomes.filter((o) => o === 'failed').length).toBeGreaterThan(failedBefore);
    await harness.waitForCursor(webhook.id, emitted[emitted.length - 1]);
    expect(await harness.service.get(webhook.id)).toMatchObject({ deliveryStatus: 'ok', failingSince: null, lastError: null, attempts: 0 });
  });

  it('sends only the subscribed types and moves its cursor past the others', async () => {
    const filtered = await receiver();
    const everything = await receiver();
    const webhook = await subscribe(filtered.url, ['package.poll.*', 'stage.run.completed']);
    await subscribe(everything.url);
    const types = ['package.revision.detected', 'package.poll.failed', 'pipeline.run.created', 'stage.run.completed', 'stage.awaiting_approval'] as const;

    const ids: number[] = [];
    for (const type of types) ids.push(await harness.emit(type));
    await everything.waitUntil(() => everything.received.length === types.length, 'every event');
    await harness.waitForCursor(webhook.id, ids[4]);

    expect(filtered.received.map((d) => d.eventType)).toEqual(['package.poll.failed', 'stage.run.completed']);
    expect(filtered.received.map((d) => d.eventId)).toEqual([ids[1], ids[3]]);
    expect(everything.received.map((d) => d.eventId)).toEqual(ids);
  });

  it('does not follow redirects', async () => {
    const moved = await receiver();
    const elsewhere = await receiver();
    moved.answerWith(307, { headers: { location: elsewhere.url } });
    const webhook = await subscribe(moved.url);

    const id = await harness.emit('package.revision.detected');
    await harness.waitForAttempts(webhook.id, (a) => a.length > 0, 'an attempt');

    const [attempt] = (await harness.service.deliveriesOf(webhook.id, { limit: 1, cursor: null })).items;
    expect(attempt).toMatchObject({ event_id: id, status: 'failed', response_status: 307 });
    expect(attempt.error).toContain('redirects are not followed');
    expect(elsewhere.received).toHaveLength(0);
    expect((await harness.service.get(webhook.id)).cursor).toBeLessThan(id);
    await harness.service.delete(webhook.id, '*', TEST_ADMIN);
  });
});
