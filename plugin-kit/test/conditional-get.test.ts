import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PermanentError } from '@baton/plugin-api';
import { MemoryKeyValueStore, createTestContext } from '@baton/plugin-api/testing';
import { cachedGet, conditionalGet } from '../src/conditional-get';
import { startFixtureServer, type FixtureServer } from '../src/testing';

const WORDING = { what: 'the index' };

describe('conditional GET through the store', () => {
  let dir: string;
  let server: FixtureServer;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kit-conditional-'));
    writeFileSync(path.join(dir, 'index.json'), '{"packages":["scrt"]}');
    writeFileSync(path.join(dir, 'other.json'), '{"packages":[]}');
    server = await startFixtureServer(dir);
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    server.requests.length = 0;
    server.options.validators = true;
  });

  it('asks again with the stored ETag and reuses the stored body when the server answers 304', async () => {
    const store = new MemoryKeyValueStore();
    const url = `${server.url}index.json`;

    const first = await cachedGet(createTestContext({ store }), 'index', { url }, WORDING);
    const second = await cachedGet(createTestContext({ store }), 'index', { url }, WORDING);

    expect(first).toMatchObject({ unchanged: false });
    expect(second.unchanged).toBe(true);
    expect(second.bytes.toString('utf8')).toBe('{"packages":["scrt"]}');
    expect(server.requests.map((r) => [r.status, r.headers['if-none-match'] !== undefined, r.headers['if-modified-since'] !== undefined])).toEqual([
      [200, false, false],
      [304, true, true],
    ]);
  });

  it('asks without validators when what is stored was read from another URL', async () => {
    const store = new MemoryKeyValueStore();

    await cachedGet(createTestContext({ store }), 'index', { url: `${server.url}index.json` }, WORDING);
    const other = await cachedGet(createTestContext({ store }), 'index', { url: `${server.url}other.json` }, WORDING);

    expect(other).toMatchObject({ unchanged: false });
    expect(other.bytes.toString('utf8')).toBe('{"packages":[]}');
    expect(server.requests[1]?.headers['if-none-match']).toBeUndefined();
  });

  it('keeps nothing when the server offers no validators, so the next request is unconditional', async () => {
    server.options.validators = false;
    const store = new MemoryKeyValueStore();

    await cachedGet(createTestContext({ store }), 'index', { url: `${server.url}index.json` }, WORDING);

    expect(await store.get('index')).toBeNull();
  });

  it('throws the status failure for a missing file', async () => {
    const error = await conditionalGet(createTestContext().http, { url: `${server.url}missing.json` }, null, WORDING).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'not_found', message: `the index not found at ${server.url}missing.json (404)` });
  });

  it('answers a fresh body with the validators to send next time', async () => {
    const answer = await conditionalGet(createTestContext().http, { url: `${server.url}index.json` }, null, WORDING);

    expect(answer.status).toBe('fetched');
    expect(answer).toMatchObject({ validators: { etag: expect.stringMatching(/^"[0-9a-f]{40}"$/), lastModified: expect.any(String) } });
  });
});
