import http from 'node:http';
import { PermanentError, TransientError } from '@baton/plugin-api';
import { LoopbackServers, testHttpSettings } from '../../../test/support/loopback-servers';
import { createHttpClient } from './http-client';

const settings = testHttpSettings({ maxDecompressedBytes: 2_000_000 });
const servers = new LoopbackServers();

afterEach(() => servers.closeAll());

function client(signal = new AbortController().signal) {
  return createHttpClient(settings, signal);
}

describe('createHttpClient', () => {
  it('sends the User-Agent from the settings and the request auth as HTTP basic', async () => {
    const base = await servers.serve((req, res) => res.end(JSON.stringify(req.headers)));

    const response = await client().get({ url: `${base}/echo`, auth: { username: 'reader', password: 's3cret' } });
    const seen = (await response.json()) as Record<string, string>;

    expect(seen['user-agent']).toBe('baton-test/1.0');
    expect(seen['authorization']).toBe(`Basic ${Buffer.from('reader:s3cret').toString('base64')}`);
  });

  it('returns status, lower-case headers and the URL, and reads the body in each of its ways', async () => {
    const base = await servers.serve((_req, res) => {
      res.setHeader('X-Revision', 'r42');
      res.end('{"name":"baton"}');
    });
    const get = () => client().get({ url: `${base}/meta.json` });

    const response = await get();
    const chunks: Uint8Array[] = [];
    for await (const chunk of response.body()) chunks.push(chunk);

    expect(response.status).toBe(200);
    expect(response.headers['x-revision']).toBe('r42');
    expect(response.url).toBe(`${base}/meta.json`);
    expect(Buffer.concat(chunks).toString()).toBe('{"name":"baton"}');
    expect((await (await get()).buffer()).length).toBe(16);
    expect(await (await get()).text()).toBe('{"name":"baton"}');
    expect(await (await get()).json()).toEqual({ name: 'baton' });
  });

  it('reads a body only once', async () => {
    const base = await servers.serve((_req, res) => res.end('once'));
    const response = await client().get({ url: base });

    await response.text();

    expect(() => response.body()).toThrow(/already read/);
  });

  it.each([304, 404, 410])('returns status %i for the plugin to judge', async (status) => {
    const base = await servers.serve((_req, res) => {
      res.statusCode = status;
      res.end();
    });

    const response = await client().get({ url: base });
    response.discard();

    expect(response.status).toBe(status);
  });

  it('fails with invalid_json naming the URL when the body is not JSON', async () => {
    const base = await servers.serve((_req, res) => res.end('<html>'));
    const response = await client().get({ url: `${base}/index.json` });

    const failure = response.json();

    await expect(failure).rejects.toBeInstanceOf(PermanentError);
    await expect(failure).rejects.toMatchObject({ code: 'invalid_json', message: expect.stringContaining(`${base}/index.json`) });
  });

  it('throws http_429 with the seconds of Retry-After', async () => {
    const base = await servers.serve((_req, res) => {
      res.writeHead(429, { 'Retry-After': '120' });
      res.end();
    });

    const failure = client().get({ url: base });

    await expect(failure).rejects.toBeInstanceOf(TransientError);
    await expect(failure).rejects.toMatchObject({ code: 'http_429', retryAfterSeconds: 120 });
  });

  it('throws http_429 with the seconds until the date of Retry-After', async () => {
    const startedAt = Date.now();
    const inTwoMinutes = new Date(startedAt + 120_000).toUTCString();
    const base = await servers.serve((_req, res) => {
      res.writeHead(429, { 'Retry-After': inTwoMinutes });
      res.end();
    });

    const failure = await client()
      .get({ url: base })
      .catch((error: TransientError) => error);

    expect(failure).toBeInstanceOf(TransientError);
    // An HTTP date counts whole seconds, and the clock moves on while the request is answered.
    const elapsedSeconds = Math.ceil((Date.now() - startedAt) / 1000);
    expect((failure as TransientError).retryAfterSeconds).toBeGreaterThanOrEqual(119 - elapsedSeconds);
    expect((failure as TransientError).retryAfterSeconds).toBeLessThanOrEqual(120);
  });

  it('throws http_503 without credentials in the message, and no retry time when none is given', async () => {
    const base = await servers.serve((_req, res) => {
      res.statusCode = 503;
      res.end('down for maintenance');
    });
    const url = base.replace('http://', 'http://reader:s3cret@');

    const failure = await client()
      .get({ url: `${url}/x` })
      .catch((error: TransientError) => error);

    expect(failure).toMatchObject({ kind: 'transient', code: 'http_503', retryAfterSeconds: null });
    expect((failure as Error).message).toContain(`${base}/x answered 503`);
    expect((failure as Error).message).not.toContain('s3cret');
  });

  it('uses credentials found in the URL as basic auth but never returns them in the URL', async () => {
    const base = await servers.serve((req, res) => res.end(req.headers.authorization ?? 'none'));

    const response = await client().get({ url: base.replace('http://', 'http://reader:s3cret@') });

    expect(await response.text()).toBe(`Basic ${Buffer.from('reader:s3cret').toString('base64')}`);
    expect(response.url).toBe(`${base}/`);
  });

  it('throws network for a refused connection, without credentials in the message', async () => {
    const base = await servers.serve((_req, res) => res.end());
    await servers.closeAll();

    const failure = await client()
      .get({ url: base.replace('http://', 'http://reader:s3cret@') })
      .then(
        () => {
          throw new Error('expected a failure');
        },
        (e: Error) => e,
      );

    expect(failure).toMatchObject({ kind: 'transient', code: 'network' });
    expect(failure.message).toContain('ECONNREFUSED');
    expect(failure.message).not.toContain('s3cret');
  });

  it('throws network when the connection drops in the middle of the body', async () => {
    const base = await servers.serve((_req, res) => {
      res.writeHead(200, { 'Content-Length': '1000' });
      res.write('only the start', () => res.socket?.destroy());
    });
    const response = await client().get({ url: base });

    const failure = response.text();

    await expect(failure).rejects.toMatchObject({ kind: 'transient', code: 'network' });
  });

  it('keeps the connection alive across clients', async () => {
    let connections = 0;
    const server = http.createServer((_req, res) => res.end('ok'));
    server.on('connection', () => (connections += 1));
    const base = `http://127.0.0.1:${await servers.track(server)}`;

    await (await client().get({ url: base })).text();
    await (await client().get({ url: base })).text();

    expect(connections).toBe(1);
  });

  it.each(['ftp://reader:s3cret@repo.example.org/x', 'not a url', 'file://reader:s3cret@localhost/x'])(
    'refuses %s with invalid_url, without the password in the message',
    async (url) => {
      const failure = await client()
        .get({ url })
        .then(
          () => {
            throw new Error('expected a failure');
          },
          (error: Error) => error,
        );

      expect(failure).toMatchObject({ kind: 'permanent', code: 'invalid_url' });
      expect(failure.message).not.toContain('s3cret');
    },
  );
});

describe('aborting through the call signal', () => {
  it('cancels a request that is waiting for headers', async () => {
    const controller = new AbortController();
    let serverSawClose = false;
    const base = await servers.serve((req) => {
      req.socket.on('close', () => (serverSawClose = true));
      controller.abort();
    });

    const failure = await client(controller.signal)
      .get({ url: base })
      .catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(failure).toMatchObject({ kind: 'transient', code: 'aborted' });
    expect(serverSawClose).toBe(true);
  });

  it('cancels a body being read', async () => {
    const controller = new AbortController();
    const base = await servers.serve((_req, res) => res.write('first part'));
    const response = await client(controller.signal).get({ url: base });

    const reading = response.text();
    setTimeout(() => controller.abort(), 50);

    await expect(reading).rejects.toMatchObject({ kind: 'transient', code: 'aborted' });
  });

  it('fails a body that was not read yet when the signal aborted', async () => {
    const controller = new AbortController();
    const base = await servers.serve((_req, res) => res.end('never read'));
    const response = await client(controller.signal).get({ url: base });

    controller.abort();

    await expect(response.text()).rejects.toMatchObject({ kind: 'transient', code: 'aborted' });
  });

  it('refuses to start once aborted', async () => {
    const controller = new AbortController();
    controller.abort();

    const failure = client(controller.signal).get({ url: 'http://127.0.0.1:9/' });

    await expect(failure).rejects.toMatchObject({ code: 'aborted' });
  });
});
