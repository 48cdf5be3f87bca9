import type http from 'node:http';
import zlib from 'node:zlib';
import { LoopbackServers, testHttpSettings } from '../../../../test/support/loopback-servers';
import { createHttpClient } from '../http-client';

const settings = testHttpSettings({ maxBytes: 100_000 });
const servers = new LoopbackServers();

afterEach(() => servers.closeAll());

function get(url: string, maxBytes?: number) {
  return createHttpClient(settings, new AbortController().signal).get({ url, maxBytes });
}

// Writes `total` bytes in chunks without announcing a length, so only counting can catch it.
function chunked(total: number): http.RequestListener {
  return (_req, res) => {
    const chunk = Buffer.alloc(16_384, 0x61);
    for (let sent = 0; sent < total; sent += chunk.length) res.write(chunk);
    res.end();
  };
}

describe('byte caps', () => {
  it('stops a body larger than the cap while it streams, naming the URL and the limit', async () => {
    const base = await servers.serve(chunked(400_000));
    const response = await get(`${base}/huge`);

    const failure = response.buffer();

    await expect(failure).rejects.toMatchObject({ kind: 'permanent', code: 'body_too_large' });
    await expect(failure).rejects.toThrow(`${base}/huge: the body is larger than the limit of 100000 bytes`);
  });

  it('refuses a Content-Length over the cap before reading anything', async () => {
    const base = await servers.serve((_req, res) => {
      res.writeHead(200, { 'Content-Length': String(10 * 1024 ** 3) });
      res.write('a little');
    });

    const failure = get(`${base}/huge`);

    await expect(failure).rejects.toMatchObject({ code: 'body_too_large' });
    await expect(failure).rejects.toThrow(/Content-Length of 10737418240 bytes is larger than the limit of 100000/);
  });

  it('applies the lower cap of the request', async () => {
    const base = await servers.serve(chunked(20_000));
    const response = await get(base, 1000);

    const failure = response.text();

    await expect(failure).rejects.toThrow(/limit of 1000 bytes/);
  });

  it('reads a body right up to the cap', async () => {
    const base = await servers.serve((_req, res) => res.end(Buffer.alloc(100_000, 0x62)));

    const body = await (await get(base)).buffer();

    expect(body.length).toBe(100_000);
  });
});

describe('Content-Encoding', () => {
  const document = JSON.stringify({ packages: Array.from({ length: 200 }, (_, i) => `pkg-${i}`) });

  it.each([
    ['gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
    ['br', zlib.brotliCompressSync],
  ])('decodes %s and drops the headers that described the encoded body', async (encoding, encode) => {
    const encoded = encode(Buffer.from(document));
    const base = await servers.serve((_req, res) => {
      res.writeHead(200, { 'Content-Encoding': encoding, 'Content-Length': encoded.length });
      res.end(encoded);
    });

    const response = await get(base);

    expect(await response.json()).toEqual(JSON.parse(document));
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers['content-length']).toBeUndefined();
  });

  it('offers only the encodings it decodes', async () => {
    const base = await servers.serve((req, res) => res.end(req.headers['accept-encoding']));

    const offered = await (await get(base)).text();

    expect(offered).toBe('gzip, deflate, br');
  });

  it('stops a gzip bomb at the cap on decoded bytes', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(20_000_000));
    const base = await servers.serve((_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'gzip' });
      res.end(bomb);
    });
    const response = await get(base);

    const failure = response.buffer();

    expect(bomb.length).toBeLessThan(settings.maxBytes);
    await expect(failure).rejects.toMatchObject({ kind: 'permanent', code: 'decompressed_too_large' });
    await expect(failure).rejects.toThrow(/limit of 1000000 bytes/);
  });

  it.each([
    ['not gzip at all', Buffer.from('plain text, not gzip')],
    ['truncated', zlib.gzipSync(Buffer.from(document)).subarray(0, 40)],
  ])('fails with bad_content_encoding for a %s body', async (_name, body) => {
    const base = await servers.serve((_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'gzip' });
      res.end(body);
    });
    const response = await get(base);

    const failure = response.text();

    await expect(failure).rejects.toMatchObject({ kind: 'permanent', code: 'bad_content_encoding' });
  });

  it('refuses an encoding it cannot decode', async () => {
    const base = await servers.serve((_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'compress' });
      res.end('x');
    });

    const failure = get(base);

    await expect(failure).rejects.toMatchObject({ code: 'bad_content_encoding', message: expect.stringContaining("'compress'") });
  });

  it('leaves a 304 alone even when it names an encoding', async () => {
    const base = await servers.serve((_req, res) => {
      res.writeHead(304, { 'Content-Encoding': 'gzip' });
      res.end();
    });

    const response = await get(base);

    expect(response.status).toBe(304);
    expect((await response.buffer()).length).toBe(0);
  });
});
