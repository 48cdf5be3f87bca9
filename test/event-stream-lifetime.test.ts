import type { Database } from '../server/src/db/database';
import { TABLES } from '../server/src/db/tables';
import { EventStore } from '../server/src/events/event-store';
import { TOKENS } from '../server/src/injection-tokens';
import { DATABASE_KINDS } from './support/databases';
import { openEventStream, type OpenStream } from './support/event-stream-reader';
import { samplePayload } from './support/sample-events';
import { startTestServer, type TestServer } from './support/test-server';

function openStream(baton: TestServer, token: string, headers: Record<string, string> = {}): Promise<OpenStream> {
  return openEventStream(`${baton.url}/api/events`, { authorization: `Bearer ${token}`, ...headers });
}

describe.each(DATABASE_KINDS)('event streams and their tokens [%s]', (kind) => {
  let baton: TestServer;
  let db: Database;

  const viewerToken = async (name: string) => (await baton.api.post('/api/tokens', { name, role: 'viewer' })).body as { id: string; token: string };

  beforeAll(async () => {
    baton = await startTestServer(kind);
    db = baton.server.dependencies.resolve<Database>(TOKENS.database);
  });

  afterAll(async () => {
    await baton?.destroy();
  });

  it('end a stream when its token is deleted through the API, and refuse it afterwards', async () => {
    const token = await viewerToken('deleted-while-streaming');
    const stream = await openStream(baton, token.token);
    await stream.received('retry:');

    const deleted = await baton.api.delete(`/api/tokens/${token.id}`);
    await stream.ended;
    const again = await fetch(`${baton.url}/api/events`, { headers: { authorization: `Bearer ${token.token}` } });

    expect(deleted.status).toBe(204);
    expect(again.status).toBe(401);
  });

  it('end a stream when another process deletes its token, or changes its role', async () => {
    const removed = await viewerToken('removed-elsewhere');
    const promoted = await viewerToken('promoted-elsewhere');
    const kept = await viewerToken('kept');
    const streams = [await openStream(baton, removed.token), await openStream(baton, promoted.token), await openStream(baton, kept.token)];
    await Promise.all(streams.map((s) => s.received('retry:')));
    let keptEnded = false;
    void streams[2].ended.then(
      () => (keptEnded = true),
      () => undefined,
    );

    // Written to the database directly, as another Baton process sharing it would.
    await db.knex(TABLES.tokens).where({ id: removed.id }).delete();
    await db.knex(TABLES.tokens).where({ id: promoted.id }).update({ role: 'operator' });
    await Promise.all([streams[0].ended, streams[1].ended]);

    expect(keptEnded).toBe(false);
    streams[2].close();
  });
});

describe.each(DATABASE_KINDS)('an event stream past its maximum age [%s]', (kind) => {
  let baton: TestServer;

  /** An event, as any part of Baton writes one (the periodic check of streams picks it up). */
  const publish = async (name: string) => {
    const log = baton.server.dependencies.resolve(EventStore);
    await baton.server.dependencies
      .resolve<Database>(TOKENS.database)
      .knex.transaction((trx) => log.append(trx, 'stage.awaiting_approval', samplePayload('stage.awaiting_approval', { stage: name })));
  };

  beforeAll(async () => {
    baton = await startTestServer(kind, { env: { BATON_EVENT_STREAM_MAX_AGE_SECONDS: '5' } });
  });

  afterAll(async () => {
    await baton?.destroy();
  });

  it('ends, and a reconnect with Last-Event-ID gets the events published meanwhile', async () => {
    const viewer = (await baton.api.post('/api/tokens', { name: 'long-reader', role: 'viewer' })).body as { token: string };
    await publish('before-the-end');
    const stream = await openStream(baton, viewer.token, { 'last-event-id': '0' });
    await stream.received('before-the-end');

    const text = await stream.ended;
    await publish('while-away');
    const lastId = [...text.matchAll(/^id: (\d+)$/gm)].at(-1)![1];
    const resumed = await openStream(baton, viewer.token, { 'last-event-id': lastId });
    await resumed.received('while-away');
    resumed.close();

    expect(text).not.toContain('while-away');
  });
});
