import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DATABASE_KINDS } from './support/databases';
import { eventually } from './support/eventually';
import { listOf } from './support/json-repository';
import { startTestServer, type TestServer } from './support/test-server';

/** A loopback repository that counts its metadata fetches and answers each with the list as it was when the fetch arrived. */
async function countingRepository(): Promise<{ url: string; fetches: number[]; publish(version: string): void; delayMs: number; close(): Promise<void> }> {
  let version = '1.0.0';
  const repository = {
    url: '',
    fetches: [] as number[],
    delayMs: 0,
    publish: (next: string) => void (version = next),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((_req, res) => {
    repository.fetches.push(Date.now());
    const body = JSON.stringify(listOf('app', version));
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(body), repository.delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  repository.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/packages.json`;
  return repository;
}

/**
 * How long the repository takes to answer while fifty requests are sent: they must all reach the
 * server while the poll under way lasts, which takes a while on a busy machine.
 */
const SLOW_FETCH_MS = 3000;

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
    await baton?.destroy();
    await upstream?.close();
  });

  const fiftyAtOnce = () => Promise.all(Array.from({ length: 50 }, () => baton.api.post(`/api/repositories/${repositoryId}/poll?wait=120`)));
  const outcomes = (answers: Awaited<ReturnType<typeof fiftyAtOnce>>) =>
    answers.map((a) => `${a.status} ${a.body.packages?.[0]?.outcome} ${a.body.packages?.[0]?.revision?.revision ?? ''}`.trim());

  it('share polls: fifty at once cause at most two metadata fetches', async () => {
    upstream.delayMs = SLOW_FETCH_MS;
    const before = upstream.fetches.length;
    upstream.publish('2.0.0');

    const answers = await fiftyAtOnce();
    upstream.delayMs = 0;

    expect(upstream.fetches.length - before).toBeLessThanOrEqual(2);
    expect(outcomes(answers).filter((o) => o !== '200 new_revision 2.0.0' && o !== '200 no_change')).toEqual([]);
  });

  it('answer each request arriving during a poll with the one follow-up poll, which started after it', async () => {
    upstream.delayMs = SLOW_FETCH_MS;
    const before = upstream.fetches.length;
    const first = baton.api.post(`/api/repositories/${repositoryId}/poll?wait=120`);
    await eventually(async () => (upstream.fetches.length > before ? true : undefined));
    // The poll under way has read the list without this version.
    upstream.publish('3.0.0');

    const answers = await fiftyAtOnce();
    await first;
    upstream.delayMs = 0;

    expect(outcomes(answers)).toEqual(answers.map(() => '200 new_revision 3.0.0'));
    expect(upstream.fetches.length - before).toBe(2);
  });
});
