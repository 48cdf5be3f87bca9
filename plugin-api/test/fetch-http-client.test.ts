import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { toWireError } from '../src';
import { FetchHttpClient } from '../src/testing';
import { FIXTURES, closedPortUrl, startFixtureServer, type FixtureServer } from './support/fixture-server';

let server: FixtureServer;

beforeAll(async () => {
  server = await startFixtureServer({
    '/headers': (request, response) => {
      response.writeHead(200, {
        'X-Echo-Authorization': request.headers.authorization ?? 'none',
        'X-Echo-If-None-Match': request.headers['if-none-match'] ?? 'none',
      });
      response.end('ok');
    },
    '/gzip': (_request, response) => {
      response.writeHead(200, { 'Content-Encoding': 'gzip' }).end(gzipSync(Buffer.from('decoded text')));
    },
    '/busy': (_request, response) => response.writeHead(503, { 'Retry-After': '120' }).end(),
    '/limited': (_request, response) => response.writeHead(429, { 'Retry-After': new Date(Date.now() + 30_000).toUTCString() }).end(),
    '/missing': (_request, response) => response.writeHead(404).end(),
    '/loop': (_request, response) => response.writeHead(302, { Location: '/loop' }).end(),
    '/moved': (_request, response) => response.writeHead(301, { Location: '/versions.json' }).end(),
    '/elsewhere': (_request, response) => response.writeHead(302, { Location: `${server.url.replace('127.0.0.1', 'localhost')}/headers` }).end(),
    '/big': (_request, response) => response.writeHead(200, { 'Content-Length': '4096' }).end(Buffer.alloc(4096, 'x')),
    '/chunked-big': (_request, response) => {
      response.writeHead(200);
      response.write(Buffer.alloc(3000, 'x'));
      response.end(Buffer.alloc(3000, 'y'));
    },
    '/never': () => undefined,
  });
});

afterAll(() => server.close());

const client = (signal: AbortSignal = new AbortController().signal): FetchHttpClient => new FetchHttpClient(signal);
const thrown = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

describe('FetchHttpClient over http', () => {
  it('returns the status, lower-case headers, the final URL and the body', async () => {
    const response = await client().get({ url: `${server.url}/moved` });

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.url).toBe(`${server.url}/versions.json`);
    expect(Object.keys((await response.json()) as object)).toEqual(['left-pad', 'right-pad']);
  });

  it("sends basic authentication and the plugin's headers", async () => {
    const response = await client().get({
      url: `${server.url}/headers`,
      auth: { username: 'reader', password: 's3cret' },
      headers: { 'if-none-match': '"v1"' },
    });

    expect(Buffer.from(response.headers['x-echo-authorization'].replace('Basic ', ''), 'base64').toString()).toBe('reader:s3cret');
    expect(response.headers['x-echo-if-none-match']).toBe('"v1"');
    response.discard();
  });

  it('does not send credentials to another origin after a redirect', async () => {
    const response = await client().get({ url: `${server.url}/elsewhere`, auth: { username: 'reader', password: 's3cret' } });

    expect(response.headers['x-echo-authorization']).toBe('none');
    response.discard();
  });

  it('decodes a gzip body', async () => {
    const response = await client().get({ url: `${server.url}/gzip` });

    expect(await response.text()).toBe('decoded text');
  });

  it('returns a 404 for the plugin to judge', async () => {
    const response = await client().get({ url: `${server.url}/missing` });

    expect(response.status).toBe(404);
    response.discard();
  });

  it.each([
    ['503 with Retry-After seconds', '/busy', 'http_503', 120],
    ['429 with a Retry-After date', '/limited', 'http_429', 30],
  ])('throws a TransientError for %s', async (_case, path, code, retryAfter) => {
    const startedAt = Date.now();
    const error = toWireError(await thrown(client().get({ url: `${server.url}${path}` })));
    // An HTTP date counts whole seconds, and the clock moves on while the request is answered.
    const elapsedSeconds = Math.ceil((Date.now() - startedAt) / 1000);

    expect(error.kind).toBe('transient');
    expect(error.code).toBe(code);
    expect(error.retry_after_seconds).toBeGreaterThanOrEqual(retryAfter - 1 - elapsedSeconds);
    expect(error.retry_after_seconds).toBeLessThanOrEqual(retryAfter);
  });

  it('throws a TransientError when nothing listens', async () => {
    const error = toWireError(await thrown(client().get({ url: await closedPortUrl('/') })));

    expect(error).toMatchObject({ kind: 'transient', code: 'network' });
  });

  it('throws a TransientError when the signal aborts a request that never answers', async () => {
    const error = toWireError(await thrown(client(AbortSignal.timeout(100)).get({ url: `${server.url}/never` })));

    expect(error).toMatchObject({ kind: 'transient', code: 'timeout' });
  });

  it.each([
    ['a redirect loop', { url: '/loop' }, 'too_many_redirects'],
    ['a declared length over maxBytes', { url: '/big', maxBytes: 1000 }, 'too_large'],
    ['a URL scheme it does not speak', { url: 'ftp://repo.example.org/list.json' }, 'unsupported_url'],
    ['a URL that is not absolute', { url: 'list.json' }, 'bad_url'],
  ])('throws a PermanentError for %s', async (_case, request, code) => {
    const url = request.url.startsWith('/') ? `${server.url}${request.url}` : request.url;

    const error = toWireError(await thrown(client().get({ ...request, url })));

    expect(error).toMatchObject({ kind: 'permanent', code });
  });

  it('stops reading a streamed body that grows over maxBytes', async () => {
    const response = await client().get({ url: `${server.url}/chunked-big`, maxBytes: 4000 });

    expect(toWireError(await thrown(response.buffer()))).toMatchObject({ kind: 'permanent', code: 'too_large' });
  });

  it('refuses to read a body twice', async () => {
    const response = await client().get({ url: `${server.url}/versions.json` });
    await response.text();

    await expect(response.text()).rejects.toThrow(TypeError);
  });
});

describe('FetchHttpClient over file: URLs', () => {
  const fileUrl = (name: string): string => pathToFileURL(join(FIXTURES, name)).href;

  it('reads a file as a 200 with its length', async () => {
    const response = await client().get({ url: fileUrl('versions.json') });

    const body = await response.buffer();
    expect(response.status).toBe(200);
    expect(Number(response.headers['content-length'])).toBe(body.length);
    expect(JSON.parse(body.toString())).toHaveProperty('left-pad');
  });

  it('answers 404 for a file that does not exist', async () => {
    const response = await client().get({ url: fileUrl('no-such-file.json') });

    expect(response.status).toBe(404);
    expect((await response.buffer()).length).toBe(0);
  });

  it('throws a PermanentError for a file over maxBytes', async () => {
    const error = toWireError(await thrown(client().get({ url: fileUrl('versions.json'), maxBytes: 10 })));

    expect(error).toMatchObject({ kind: 'permanent', code: 'too_large' });
  });
});
