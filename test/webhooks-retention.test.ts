import { randomUUID } from 'node:crypto';
import { TABLES, WEBHOOK_TABLES } from '../server/src/db/tables';
import { RETENTION_ACTOR } from '../server/src/events/webhooks/event-retention';
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

  /** A run of a deleted pipeline, with a stage, from long ago: run records are not retention's business either. */
  async function oldRun(): Promise<string> {
    const pipelineId = randomUUID();
    const runId = randomUUID();
    const longAgo = new Date(Date.now() - 400 * DAY_MS);
    await harness.db.knex(TABLES.pipelines).insert({ id: pipelineId, name: `old-${kind}`, definition: '{}', deleted_at: longAgo, deleted_by: 'alice' });
    await harness.db.knex(TABLES.pipelineRuns).insert({
      id: runId,
      pipeline_id: pipelineId,
      pipeline_name: `old-${kind}`,
      counter: 1,
      label: '1',
      definition: '{}',
      build_cause: '{}',
      trigger_kind: 'manual',
      triggered_by: 'alice',
      status: 'completed',
      created_at: longAgo,
      completed_at: longAgo,
    });
    await harness.db.knex(TABLES.stageRuns).insert({
      id: randomUUID(),
      run_id: runId,
      stage_name: 'only',
      stage_index: 0,
      counter: 1,
      state: 'passed',
      approval_type: 'success',
      created_at: longAgo,
    });
    return runId;
  }

  const pruneAudits = () => harness.db.knex(TABLES.audit).where({ action: 'events.prune' }).orderBy('id');

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
    const run = await oldRun();

    const pruned = await harness.retention.pruneOld();
    const nothingLeft = await harness.retention.pruneOld();

    expect(pruned).toEqual({ events: 1, deliveries: 1 });
    expect((await harness.events.after(0, 100)).map((e) => e.id)).toEqual([borderline, recent]);
    expect((await harness.service.deliveriesOf(webhook.id, { limit: 10, cursor: null })).items.map((d) => d.event_id)).toEqual([recent]);
    expect(await harness.db.knex(TABLES.revisions).where({ id: revision }).first('id')).toBeDefined();
    expect(await harness.db.knex(TABLES.pipelineRuns).where({ id: run }).first('id')).toBeDefined();
    expect(await harness.db.knex(TABLES.stageRuns).where({ run_id: run }).first('id')).toBeDefined();
    expect(nothingLeft).toEqual({ events: 0, deliveries: 0 });
    const audits = await pruneAudits();
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actor: RETENTION_ACTOR, resource_type: 'events', details: { events: 1, deliveries: 1, retention_days: 30 } });
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
