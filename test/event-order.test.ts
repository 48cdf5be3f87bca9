import { EventStore } from '../server/src/events/event-store';
import type { Database } from '../server/src/db/database';
import { createTestDatabase, DATABASE_KINDS, describeOnPostgres, type TestDatabase } from './support/databases';
import { samplePayload } from './support/sample-events';

/**
 * Event ids must become visible in increasing order: a reader that has seen id N must never
 * later meet a lower id. A sequence alone does not give that on PostgreSQL when two transactions
 * commit out of order; the outbox's append makes writers take turns.
 */
describeOnPostgres('event ids become visible in order [postgres]', () => {
  let testDb: TestDatabase;
  let writerA: Database;
  let writerB: Database;
  let reader: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    [writerA, writerB, reader] = await Promise.all([testDb.open(), testDb.open(), testDb.open()]);
  });

  afterAll(async () => {
    await Promise.all([writerA?.close(), writerB?.close(), reader?.close()]);
    await testDb?.drop();
  });

  const visibleIds = async () => (await new EventStore(reader).after(0, 1000)).map((e) => e.id);

  it('a plain sequence lets a lower id commit last — the problem the outbox avoids', async () => {
    const trxA = await writerA.knex.transaction();
    const [low] = await trxA('events').insert({ type: 'raw.first', data: '{}' }).returning('id');
    const trxB = await writerB.knex.transaction();
    const [high] = await trxB('events').insert({ type: 'raw.second', data: '{}' }).returning('id');
    await trxB.commit();

    const seenBeforeA = await visibleIds();
    await trxA.commit();

    expect(Number(high.id)).toBeGreaterThan(Number(low.id));
    expect(seenBeforeA).toContain(Number(high.id));
    expect(seenBeforeA).not.toContain(Number(low.id));
    await reader.knex('events').delete();
  });

  it('with the outbox, the second writer waits: its id is assigned and visible only after the first commits', async () => {
    const events = [new EventStore(writerA), new EventStore(writerB)];
    const trxA = await writerA.knex.transaction();
    const first = await events[0].append(trxA, 'package.poll.failed', samplePayload('package.poll.failed'));
    const trxB = await writerB.knex.transaction();
    let secondId: number | null = null;
    const second = events[1].append(trxB, 'package.poll.recovered', samplePayload('package.poll.recovered')).then(async (id) => {
      secondId = id;
      await trxB.commit();
      return id;
    });

    await new Promise((resolve) => setTimeout(resolve, 300));
    const seenWhileAOpen = await visibleIds();
    const waitingWhileAOpen = secondId === null;
    await trxA.commit();
    const secondAssigned = await second;
    const seenAfter = await visibleIds();

    expect(waitingWhileAOpen).toBe(true);
    expect(seenWhileAOpen).toEqual([]);
    expect(secondAssigned).toBeGreaterThan(first);
    expect(seenAfter).toEqual([first, secondAssigned]);
  });
});

describe.each(DATABASE_KINDS)('event log [%s]', (kind) => {
  let testDb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    db = await testDb.open();
  });

  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it('reads after an id, oldest first, filtered by exact types and prefixes', async () => {
    const log = new EventStore(db);
    const ids: number[] = [];
    for (const type of ['package.revision.detected', 'package.poll.failed', 'pipeline.run.created', 'package.poll.recovered'] as const) {
      ids.push(await db.knex.transaction((trx) => log.append(trx, type, samplePayload(type))));
    }

    const all = await log.after(0, 10);
    const fromSecond = await log.after(ids[0], 10);
    const polls = await log.after(0, 10, ['package.poll.*']);
    const exact = await log.after(0, 10, ['pipeline.run.created', 'package.revision.detected']);

    expect(all.map((e) => e.id)).toEqual(ids);
    expect(fromSecond.map((e) => e.id)).toEqual(ids.slice(1));
    expect(polls.map((e) => e.type)).toEqual(['package.poll.failed', 'package.poll.recovered']);
    expect(exact.map((e) => e.type)).toEqual(['package.revision.detected', 'pipeline.run.created']);
    expect(await log.latestId()).toBe(ids.at(-1));
  });

  it('prunes events older than a cutoff and answers how many', async () => {
    const log = new EventStore(db);
    await db.knex('events').update({ occurred_at: new Date('2020-01-01T00:00:00Z') });
    await db.knex.transaction((trx) => log.append(trx, 'stage.awaiting_approval', samplePayload('stage.awaiting_approval')));

    const pruned = await log.pruneBefore(new Date('2021-01-01T00:00:00Z'));

    expect(pruned).toBe(4);
    expect((await log.after(0, 10)).map((e) => e.type)).toEqual(['stage.awaiting_approval']);
  });
});
