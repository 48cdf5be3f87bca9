import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DATABASE_KINDS } from './support/databases';
import { eventually } from './support/eventually';
import { listOf } from './support/json-repository';
import { startTestServer, type TestServer } from './support/test-server';

/**
 * A loopback repository that counts its metadata fetches and answers each with the list as it was
 * when the fetch arrived. While `hold` is set, answers wait until it is released, so that a test
 * decides when a poll may end rather than hoping the requests arrive in time.
 */
async function countingRepository() {
  let version = '1.0.0';
  let held: (() => void)[] = [];
  const repository = {
    url: '',
    fetches: [] as number[],
    hold: false,
    publish: (next: string) => void (version = next),
    release: () => {
      repository.hold = false;
      for (const answer of held) answer();
      held = [];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((_req, res) => {
    repository.fetches.push(Date.now());
    const body = JSON.stringify(listOf('app', version));
    const answer = () => void res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    if (repository.hold) held.push(answer);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  repository.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/packages.json`;
  return repository;
}

describe.each(DATABASE_KINDS)('poll requests that arrive together [%s]', (kind) => {
  let baton: TestServer;
  let upstream: Awaited<ReturnType<typeof countingRepository>>;
  let repositoryId: string;

  beforeAll(async () => {
    upstream = await countingRepository();
    baton = await startTestServer(kind);
    repositoryId = (
      await baton.api.post('/api/repositories', { name: 'counted', plugin_id: 'json-file', configuration: [{ key: 'URL', value: upstream.url }] })
    ).body.id;
    const pkg = (
      await baton.api.post('/api/packages', { name: 'app', repository_id: repositoryId, auto_update: false, configuration: [{ key: 'NAME', value: 'app' }] })
    ).body;
    await baton.api.post(`/api/packages/${pkg.id}/poll?wait=60`);
  });

  afterAll(async () => {
    upstream?.release();
    await baton?.destroy();
    await upstream?.close();
  });

  /** Counts the poll requests that have reached Baton's HTTP server, from now on. */
  const arrivals = () => {
    let count = 0;
    baton.server.httpServer.on('request', (req: http.IncomingMessage) => {
      if (req.url?.includes('/poll')) count += 1;
    });
    return () => count;
  };

  const fiftyAtOnce = () => Promise.all(Array.from({ length: 50 }, () => baton.api.post(`/api/repositories/${repositoryId}/poll?wait=120`)));
  const outcomes = (answers: Awaited<ReturnType<typeof fiftyAtOnce>>) =>
    answers.map((a) => `${a.status} ${a.body.packages?.[0]?.outcome} ${a.body.packages?.[0]?.revision?.revision ?? ''}`.trim());

  it('share polls: fifty at once cause at most two metadata fetches', async () => {
    const before = upstream.fetches.length;
    const arrived = arrivals();
    upstream.publish('2.0.0');
    upstream.hold = true;

    const answering = fiftyAtOnce();
    // The first poll ends only once all fifty requests have reached the server.
    await eventually(async () => (arrived() === 50 && upstream.fetches.length > before ? true : undefined), 60_000);
    upstream.release();
    const answers = await answering;

    expect(upstream.fetches.length - before).toBeLessThanOrEqual(2);
    expect(outcomes(answers).filter((o) => o !== '200 new_revision 2.0.0' && o !== '200 no_change')).toEqual([]);
  });

  it('answer each request arriving during a poll with the one follow-up poll, which started after it', async () => {
    const before = upstream.fetches.length;
    upstream.hold = true;
    const first = baton.api.post(`/api/repositories/${repositoryId}/poll?wait=120`);
    await eventually(async () => (upstream.fetches.length > before ? true : undefined), 60_000);
    // The poll under way has read the list without this version.
    upstream.publish('3.0.0');
    const arrived = arrivals();

    const answering = fiftyAtOnce();
    await eventually(async () => (arrived() === 50 ? true : undefined), 60_000);
    upstream.release();
    const answers = await answering;
    await first;

    expect(outcomes(answers)).toEqual(answers.map(() => '200 new_revision 3.0.0'));
    expect(upstream.fetches.length - before).toBe(2);
  });
});
