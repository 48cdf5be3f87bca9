import path from 'node:path';
import { createTestContext } from '@baton/plugin-api/testing';
import { startFixtureServer, type FixtureServer } from '@baton/plugin-kit/testing';
import { fetchIndex } from '../src/client';

let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureServer(path.join(__dirname, 'fixtures'));
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.options.overrides.clear();
});

describe('fetching the index', () => {
  it('asks again conditionally, and reads the kept copy when the server answers 304', async () => {
    const ctx = createTestContext();

    const first = await fetchIndex(`${server.url}index.json`, ctx);
    const second = await fetchIndex(`${server.url}index.json`, ctx);

    expect(server.requests.map((r) => [r.status, r.headers['if-none-match'] !== undefined])).toEqual([
      [200, false],
      [304, true],
    ]);
    expect(Object.keys(second)).toEqual(Object.keys(first));
  });

  it.each([
    [404, 'permanent'],
    [403, 'permanent'],
    [429, 'transient'],
    [503, 'transient'],
  ])('fails %s as a %s error', async (status, kind) => {
    server.options.overrides.set('/index.json', status);

    const failure = fetchIndex(`${server.url}index.json`, createTestContext());

    await expect(failure).rejects.toMatchObject({ kind });
  });

  it('fails permanently on a document that is not an index', async () => {
    server.options.overrides.set('/index.json', Buffer.from('{"versions": []}'));

    const failure = fetchIndex(`${server.url}index.json`, createTestContext());

    await expect(failure).rejects.toMatchObject({ kind: 'permanent', code: 'bad_index' });
  });
});
