import { createHash } from 'node:crypto';
import type { Database } from '../server/src/db/database';
import { TABLES } from '../server/src/db/tables';
import { TOKENS } from '../server/src/injection-tokens';
import { DATABASE_KINDS } from './support/databases';
import { openEventStream, type OpenStream } from './support/event-stream-reader';
import { pageHeaders, signIn } from './support/sign-in';
import { startTestServer, type TestServer } from './support/test-server';

describe.each(DATABASE_KINDS)('the event stream of a signed-in browser [%s]', (kind) => {
  let baton: TestServer;
  let db: Database;
  let counter = 0;

  const newViewer = async () => (await baton.api.post('/api/tokens', { name: `watcher-${++counter}`, role: 'viewer' })).body as { id: string; token: string };
  const openWithCookie = async (cookie: string): Promise<OpenStream> => {
    const stream = await openEventStream(`${baton.url}/api/events`, { cookie });
    await stream.received('retry:');
    return stream;
  };
  /** Resolves true once the stream has ended; false stays false while it is open. */
  const watch = (stream: OpenStream) => {
    const state = { ended: false };
    void stream.ended.then(
      () => (state.ended = true),
      () => undefined,
    );
    return state;
  };

  beforeAll(async () => {
    baton = await startTestServer(kind);
    db = baton.server.dependencies.resolve<Database>(TOKENS.database);
  });

  afterAll(async () => {
    await baton?.destroy();
  });

  it('opens with the session cookie, with no token in the URL, and refuses an ended session', async () => {
    const { cookie } = await signIn(baton.api, (await newViewer()).token);
    const stream = await openWithCookie(cookie);
    stream.close();

    await baton.api.delete('/api/session', { token: null, headers: pageHeaders(cookie) });
    const refused = await fetch(`${baton.url}/api/events`, { headers: { cookie } });

    expect(refused.status).toBe(401);
  });

  it('ends at sign-out, and leaves the streams of other sessions of the same token open', async () => {
    const viewer = await newViewer();
    const signedOut = await signIn(baton.api, viewer.token);
    const other = await signIn(baton.api, viewer.token);
    const ending = await openWithCookie(signedOut.cookie);
    const staying = await openWithCookie(other.cookie);
    const stayed = watch(staying);

    await baton.api.delete('/api/session', { token: null, headers: pageHeaders(signedOut.cookie) });
    await ending.ended;

    expect(stayed.ended).toBe(false);
    staying.close();
  });

  it('ends when its token is deleted', async () => {
    const viewer = await newViewer();
    const stream = await openWithCookie((await signIn(baton.api, viewer.token)).cookie);

    await baton.api.delete(`/api/tokens/${viewer.id}`);

    await expect(stream.ended).resolves.toContain('retry:');
  });

  it('ends when another process removes its session, or the session expires', async () => {
    const viewer = await newViewer();
    const removed = await signIn(baton.api, viewer.token);
    const expired = await signIn(baton.api, viewer.token);
    const kept = await signIn(baton.api, viewer.token);
    const streams = [await openWithCookie(removed.cookie), await openWithCookie(expired.cookie), await openWithCookie(kept.cookie)];
    const keptState = watch(streams[2]);
    const secretHash = (cookie: string) => createHash('sha256').update(cookie.replace('baton_session=', '')).digest('hex');

    // Written to the database directly, as another Baton process sharing it would.
    await db
      .knex(TABLES.signInSessions)
      .where({ secret_hash: secretHash(removed.cookie) })
      .delete();
    await db
      .knex(TABLES.signInSessions)
      .where({ secret_hash: secretHash(expired.cookie) })
      .update({ expires_at: new Date(Date.now() - 1000) });
    await Promise.all([streams[0].ended, streams[1].ended]);

    expect(keptState.ended).toBe(false);
    streams[2].close();
  });
});
