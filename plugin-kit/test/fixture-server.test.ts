import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFixtureServer, type FixtureServer } from '../src/testing';

describe('startFixtureServer', () => {
  let dir: string;
  let server: FixtureServer;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kit-fixtures-'));
    mkdirSync(path.join(dir, 'repodata'));
    writeFileSync(path.join(dir, 'repodata', 'repomd.xml'), '<repomd/>');
    server = await startFixtureServer(path.join(dir, 'repodata'));
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    server.options.auth = undefined;
    server.options.overrides.clear();
    server.requests.length = 0;
  });

  it('listens on loopback and serves a file with validators', async () => {
    const response = await fetch(`${server.url}repomd.xml`);

    expect(new URL(server.url).hostname).toBe('127.0.0.1');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<repomd/>');
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]{40}"$/);
  });

  it('answers 304 to a request with the current ETag, and records it', async () => {
    const etag = (await fetch(`${server.url}repomd.xml`)).headers.get('etag') ?? '';

    const again = await fetch(`${server.url}repomd.xml`, { headers: { 'if-none-match': etag } });

    expect(again.status).toBe(304);
    expect(server.requests.map((r) => r.status)).toEqual([200, 304]);
  });

  it('answers 404 for a missing file and 403 for a path outside its folder', async () => {
    const missing = await fetch(`${server.url}nothing.xml`);
    const outside = await fetch(`${server.url}..%2Frepodata%2F..%2F..%2Fetc%2Fpasswd`);

    expect(missing.status).toBe(404);
    expect(outside.status).toBe(403);
  });

  it('requires the configured credentials', async () => {
    server.options.auth = { username: 'reader', password: 'secret' };

    const anonymous = await fetch(`${server.url}repomd.xml`);
    const reader = await fetch(`${server.url}repomd.xml`, { headers: { authorization: `Basic ${Buffer.from('reader:secret').toString('base64')}` } });

    expect(anonymous.status).toBe(401);
    expect(reader.status).toBe(200);
  });

  it('answers an overridden path with other bytes or a bare status', async () => {
    server.options.overrides.set('/repomd.xml', 503);
    server.options.overrides.set('/extra.txt', Buffer.from('extra'));

    expect((await fetch(`${server.url}repomd.xml`)).status).toBe(503);
    expect(await (await fetch(`${server.url}extra.txt`)).text()).toBe('extra');
  });
});
