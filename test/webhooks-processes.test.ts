import { WEBHOOK_TABLES } from '../server/src/db/tables';
import { WebhookDeliveryStore } from '../server/src/events/webhooks/webhook-delivery-store';
import { WebhookLeases } from '../server/src/events/webhooks/webhook-leases';
import { DATABASE_KINDS } from './support/databases';
import { TEST_ADMIN, WebhookHarness } from './support/webhook-harness';
import { WebhookReceiver } from './support/webhook-receiver';

const SECRET = 'scale-out-secret-0123456789';

describe.each(DATABASE_KINDS)('webhooks across processes [%s]', (kind) => {
  let harness: WebhookHarness;
  const receivers: WebhookReceiver[] = [];

  const receiver = async () => {
    const started = await WebhookReceiver.start(SECRET);
    receivers.push(started);
    return started;
  };
  const subscribe = (url: string) => harness.service.create({ url, event_types: [], secret: SECRET, enabled: true }, TEST_ADMIN);

  beforeEach(async () => {
    harness = await WebhookHarness.start(kind);
  });

  afterEach(async () => {
    await harness?.close();
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  it('never lets two dispatchers deliver for one webhook at once; each event arrives once', async () => {
    const targets = [await receiver(), await receiver(), await receiver()];
    const webhookIds: string[] = [];
    for (const target of targets) {
      target.answerWith(200, { delayMs: 10 });
      webhookIds.push((await subscribe(target.url)).id);
    }
    const delivered = { a: 0, b: 0 };
    // One webhook at a time each, so that both must take part.
    await harness.dispatcher({ owner: 'process-a', concurrency: 1 }, { deliveryFinished: () => (delivered.a += 1) }, true);
    await harness.dispatcher({ owner: 'process-b', concurrency: 1 }, { deliveryFinished: () => (delivered.b += 1) }, true);

    const emitted: number[] = [];
    for (let i = 0; i < 20; i += 1) emitted.push(await harness.emit('package.revision.detected', { package_name: `p-${i}` }));
    for (const id of webhookIds) await harness.waitForCursor(id, emitted[emitted.length - 1]);

    for (const target of targets) {
      expect(target.acceptedIds()).toEqual(emitted);
      expect(target.maxInFlight).toBe(1);
    }
    expect(delivered.a).toBeGreaterThan(0);
    expect(delivered.b).toBeGreaterThan(0);
    expect(delivered.a + delivered.b).toBe(emitted.length * targets.length);
  });

  it('takes over a webhook whose lease holder went away, once the lease has expired', async () => {
    const target = await receiver();
    const webhook = await subscribe(target.url);
    const id = await harness.emit('package.revision.detected');
    const [claimed] = await new WebhookLeases(harness.db, new WebhookDeliveryStore(harness.db)).claim('vanished-process', 400, 10);
    const lease = await harness.db.knex(WEBHOOK_TABLES.webhooks).where({ id: webhook.id }).first('lease_expires_at');

    await harness.dispatcher({ owner: 'survivor' });
    await harness.waitForCursor(webhook.id, id);

    const [attempt] = (await harness.service.deliveriesOf(webhook.id, { limit: 1, cursor: null })).items;
    expect(claimed.id).toBe(webhook.id);
    expect(attempt.attempted_at.getTime()).toBeGreaterThanOrEqual(new Date(lease.lease_expires_at).getTime());
    expect(target.acceptedIds()).toEqual([id]);
  });

  it('finishes the delivery in flight when it stops, and lets go so that another process continues at once', async () => {
    const target = await receiver();
    const webhook = await subscribe(target.url);
    target.answerWith(200, { delayMs: 300 });
    const first = await harness.dispatcher({ owner: 'stopping', leaseMs: 60_000, stopDeadlineMs: 60_000 });
    const inFlight = await harness.emit('package.revision.detected');
    await target.waitUntil(() => target.maxInFlight === 1, 'a delivery in flight');

    await first.stop();
    const afterStop = await harness.service.get(webhook.id);
    const lease = await harness.db.knex(WEBHOOK_TABLES.webhooks).where({ id: webhook.id }).first('lease_owner');
    const later = await harness.emit('package.revision.detected');
    await harness.dispatcher({ owner: 'successor', leaseMs: 60_000 });
    await target.waitUntil(() => target.acceptedIds().includes(later), 'the later event');

    expect(afterStop.cursor).toBe(inFlight);
    expect(lease.lease_owner).toBeNull();
    expect(target.acceptedIds()).toEqual([inFlight, later]);
  });

  it('cuts a delivery that outlasts the stop deadline without counting it, and delivers it again later', async () => {
    const target = await receiver();
    const webhook = await subscribe(target.url);
    target.answerWith(200, { delayMs: 30_000 });
    const first = await harness.dispatcher({ owner: 'impatient', leaseMs: 60_000, stopDeadlineMs: 100 });
    const cut = await harness.emit('package.revision.detected');
    await target.waitUntil(() => target.maxInFlight === 1, 'a delivery in flight');

    await first.stop();
    const attempts = await harness.service.deliveriesOf(webhook.id, { limit: 10, cursor: null });
    const afterStop = await harness.service.get(webhook.id);
    target.answerWith(200);
    await harness.dispatcher({ owner: 'successor', leaseMs: 60_000 });
    await harness.waitForCursor(webhook.id, cut);

    expect(attempts.items).toEqual([]);
    expect(afterStop).toMatchObject({ cursor: cut - 1, attempts: 0, lastError: null });
    expect((await harness.service.deliveriesOf(webhook.id, { limit: 10, cursor: null })).items).toMatchObject([
      { event_id: cut, attempt: 1, status: 'delivered' },
    ]);
  });

  it('loses nothing when the process restarts while the receiver is down', async () => {
    const target = await receiver();
    const webhook = await subscribe(target.url);
    const before = await harness.dispatcher({ owner: 'before-restart' });
    await target.goDown();
    const emitted = [await harness.emit('package.revision.detected'), await harness.emit('package.poll.failed')];
    await harness.waitForAttempts(webhook.id, (a) => a.length > 0, 'a failed attempt');

    await before.stop();
    emitted.push(await harness.emit('package.poll.recovered'));
    await target.comeBack();
    await harness.dispatcher({ owner: 'after-restart' });
    await harness.waitForCursor(webhook.id, emitted[2]);

    expect(target.distinctAcceptedIds()).toEqual(emitted);
  });
});
