import { randomUUID } from 'node:crypto';
import { TABLES, WEBHOOK_TABLES } from '../server/src/db/tables';
import { DATABASE_KINDS } from './support/databases';
import { TEST_ADMIN, WebhookHarness } from './support/webhook-harness';

const DAY_MS = 24 * 60 * 60 * 1000;

describe.each(DATABASE_KINDS)('event retention [%s]', (kind) => {
  let harness: WebhookHarness;

  beforeEach(async () => {
    harness = await WebhookHarness.start(kind);
  });

  afterEach(async () => {
    await harness?.close();
  });

  const ageEvent = (id: number, days: number) =>
    harness.db
      .knex(TABLES.events)
      .where({ id })
      .update({ occurred_at: new Date(Date.now() - days * DAY_MS) });

  /** A revision detected long ago, to show that history is not retention's business. */
  async function oldRevision(): Promise<number> {
    const repositoryId = randomUUID();
    const packageId = randomUUID();
    await harness.db.knex(TABLES.repositories).insert({ id: repositoryId, name: `old-${kind}`, plugin_id: 'json-file' });
    await harness.db.knex(TABLES.packages).insert({ id: packageId, repository_id: repositoryId, name: 'pkg', fingerprint: randomUUID() });
    const [row] = await harness.db
      .knex(TABLES.revisions)
      .insert({ package_id: packageId, revision: '0.1.0', timestamp: new Date(Date.now() - 400 * DAY_MS), detected_at: new Date(Date.now() - 400 * DAY_MS) })
      .returning('id');
    return Number(row.id);
  }

  it('prunes events and deliveries older than the retention period, and nothing else', async () => {
    const webhook = await harness.service.create(
      { url: 'https://hooks.example.org/kept', event_types: [], secret: 'retention-secret-0123', enabled: true },
      TEST_ADMIN,
    );
    const [old, borderline, recent] = [
      await harness.emit('package.revision.detected'),
      await harness.emit('package.poll.failed'),
      await harness.emit('package.poll.recovered'),
    ];
    await ageEvent(old, 31);
    await ageEvent(borderline, 29);
    await harness.db.knex.transaction(async (trx) => {
      for (const eventId of [old, recent]) {
        await harness.deliveries.record(trx, {
          webhookId: webhook.id,
          eventId,
          eventType: 'x',
          attempt: 1,
          status: 'delivered',
          responseStatus: 200,
          error: null,
          durationMs: 1,
        });
      }
    });
    await harness.db
      .knex(WEBHOOK_TABLES.deliveries)
      .where({ event_id: old })
      .update({ attempted_at: new Date(Date.now() - 31 * DAY_MS) });
    const revision = await oldRevision();

    const pruned = await harness.retention.pruneOld();

    expect(pruned).toEqual({ events: 1, deliveries: 1 });
    expect((await harness.events.after(0, 100)).map((e) => e.id)).toEqual([borderline, recent]);
    expect((await harness.service.deliveriesOf(webhook.id, { limit: 10, cursor: null })).items.map((d) => d.event_id)).toEqual([recent]);
    expect(await harness.db.knex(TABLES.revisions).where({ id: revision }).first('id')).toBeDefined();
    expect((await harness.service.get(webhook.id)).id).toBe(webhook.id);
  });

  it('is run by the dispatcher loop', async () => {
    const old = await harness.emit('package.revision.detected');
    const recent = await harness.emit('package.revision.detected');
    await ageEvent(old, 45);

    await harness.dispatcher({ pruneIntervalMs: 60_000 });
    const deadline = Date.now() + 60_000;
    while ((await harness.events.after(0, 10)).length > 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));

    expect((await harness.events.after(0, 10)).map((e) => e.id)).toEqual([recent]);
  });
});
