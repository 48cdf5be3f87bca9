import { DATABASE_KINDS } from './support/databases';
import { eventually } from './support/eventually';
import { listOf } from './support/json-repository';
import { startJsonRepositorySet, type JsonRepositorySet, type SeenRequest } from './support/json-repository-set';
import { startTestServer, type TestServer } from './support/test-server';

const REPOSITORIES = Array.from({ length: 12 }, (_, r) => `capped-${r}`);
const HOST_CONCURRENCY = 2;
// Slow answers make the polls of one host overlap as far as the cap lets them.
const ANSWER_DELAY_MS = 1000;

/** The most requests under way at one moment; a request ending in the millisecond another starts does not overlap it. */
function mostAtOnce(requests: SeenRequest[]): number {
  const edges = requests.flatMap((r) => [
    { at: r.startedAt, step: 1 },
    { at: r.endedAt ?? Infinity, step: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.step - b.step);
  let now = 0;
  let most = 0;
  for (const { step } of edges) {
    now += step;
    most = Math.max(most, now);
  }
  return most;
}

describe.each(DATABASE_KINDS)('polling within the caps [%s]', (kind) => {
  let repositories: JsonRepositorySet;
  let baton: TestServer;

  beforeAll(async () => {
    repositories = await startJsonRepositorySet(Object.fromEntries(REPOSITORIES.map((r) => [r, listOf(`${r}-app`, '1.0.0')])), ANSWER_DELAY_MS);
    baton = await startTestServer(kind, { env: { BATON_POLL_HOST_CONCURRENCY: String(HOST_CONCURRENCY) } });
    for (const name of REPOSITORIES) {
      const created = await baton.api.post('/api/repositories', {
        name,
        plugin_id: 'json-file',
        configuration: [{ key: 'URL', value: repositories.urlOf(name) }],
      });
      expect(created.status).toBe(201);
      const made = await baton.api.post('/api/packages', {
        name: `${name}-app`,
        repository_id: created.body.id,
        configuration: [{ key: 'NAME', value: `${name}-app` }],
      });
      expect(made.status).toBe(201);
    }
  });

  afterAll(async () => {
    await baton?.destroy();
    await repositories?.close();
  });

  it('asks one host at most BATON_POLL_HOST_CONCURRENCY requests at once, and polls every repository', async () => {
    const answered = () => REPOSITORIES.map((name) => repositories.traffic(name).requests.filter((r) => r.endedAt !== null));
    await eventually(async () => answered().every((requests) => requests.length > 0) || undefined, 120_000, 'every repository to be polled');
    const requests = REPOSITORIES.flatMap((name) => repositories.traffic(name).requests);
    // Twelve repositories due at once, each answer taking a second: the host's slots are full.
    expect(mostAtOnce(requests)).toBe(HOST_CONCURRENCY);
  });
});
