import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HttpRequest } from '@baton/plugin-api';
import { LoopbackServers, testHttpSettings } from '../../../test/support/loopback-servers';
import { createHttpClient } from './http-client';

const settings = testHttpSettings({ maxBytes: 1000 });
const servers = new LoopbackServers();
const methods: string[] = [];

afterEach(async () => {
  methods.length = 0;
  await servers.closeAll();
});

function client() {
  return createHttpClient(settings, new AbortController().signal);
}

// A file server that says how large its file is and that it would send it gzipped.
function serveLargeFile() {
  return servers.serve((req, res) => {
    methods.push(req.method ?? '');
    if (req.url === '/moved') {
      res.writeHead(302, { location: '/tool-1.0.jar' });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-length': '5000000', 'content-encoding': 'gzip', 'last-modified': 'Mon, 02 Nov 2026 10:00:00 GMT' });
    res.end(req.method === 'HEAD' ? undefined : Buffer.alloc(5_000_000));
  });
}

describe('createHttpClient with method HEAD', () => {
  it('sends HEAD and returns the headers as sent, an empty body, and no cap on the announced length', async () => {
    const base = await serveLargeFile();

    const response = await client().get({ url: `${base}/tool-1.0.jar`, method: 'HEAD' });

    expect(methods).toEqual(['HEAD']);
    expect(response.status).toBe(200);
    expect(response.headers['content-length']).toBe('5000000');
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers['last-modified']).toBe('Mon, 02 Nov 2026 10:00:00 GMT');
    expect((await response.buffer()).length).toBe(0);
  });

  it('sends GET when no method is given, and holds that GET to the cap', async () => {
    const base = await serveLargeFile();

    const failure = client().get({ url: `${base}/tool-1.0.jar` });

    await expect(failure).rejects.toMatchObject({ kind: 'permanent', code: 'body_too_large' });
    expect(methods).toEqual(['GET']);
  });

  it('follows redirects with HEAD', async () => {
    const base = await serveLargeFile();

    const response = await client().get({ url: `${base}/moved`, method: 'HEAD' });
    response.discard();

    expect(methods).toEqual(['HEAD', 'HEAD']);
    expect(response.url).toBe(`${base}/tool-1.0.jar`);
  });

  it('returns 405 for the plugin to judge, and throws http_501 as transient', async () => {
    const base = await servers.serve((req, res) => {
      res.statusCode = req.url === '/405' ? 405 : 501;
      res.end();
    });

    const refused = await client().get({ url: `${base}/405`, method: 'HEAD' });
    const unimplemented = client().get({ url: `${base}/501`, method: 'HEAD' });

    expect(refused.status).toBe(405);
    await expect(unimplemented).rejects.toMatchObject({ kind: 'transient', code: 'http_501' });
  });

  it('answers a HEAD of a file: URL with its length and date, and no body', async () => {
    const sandbox = await mkdtemp(path.join(os.tmpdir(), 'baton-head-'));
    const file = path.join(sandbox, 'tool-1.0.jar');
    await writeFile(file, Buffer.alloc(4000));
    const repository = { REPO_URL: pathToFileURL(sandbox).href };
    const http = createHttpClient(testHttpSettings({ maxBytes: 1000, fileRoots: [sandbox] }), new AbortController().signal, repository);

    const response = await http.get({ url: pathToFileURL(file).href, method: 'HEAD' });
    const missing = await http.get({ url: pathToFileURL(`${file}.sha1`).href, method: 'HEAD' });

    expect(response.status).toBe(200);
    expect(response.headers['content-length']).toBe('4000');
    expect(response.headers['last-modified']).toBeDefined();
    expect((await response.buffer()).length).toBe(0);
    expect(missing.status).toBe(404);
    await rm(sandbox, { recursive: true, force: true });
  });

  it('refuses a method other than GET or HEAD', async () => {
    const request = { url: 'http://127.0.0.1:9/', method: 'POST' } as unknown as HttpRequest;

    const failure = client().get(request);

    await expect(failure).rejects.toThrow('method must be GET or HEAD, not POST');
  });
});
