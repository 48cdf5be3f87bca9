import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { createHttpClient } from '../http-client';
import type { HttpClientSettings } from '../protocol';

const settings: HttpClientSettings = {
  connectTimeoutMs: 300,
  idleTimeoutMs: 300,
  maxBytes: 1_000_000,
  maxDecompressedBytes: 1_000_000,
  maxRedirects: 3,
  userAgent: 'baton-test/1.0',
  fileRoots: [],
};

const servers: (http.Server | net.Server)[] = [];
const heldSockets: net.Socket[] = [];

async function listen<T extends http.Server | net.Server>(server: T): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function serve(handler: http.RequestListener): Promise<string> {
  return `http://127.0.0.1:${await listen(http.createServer(handler))}`;
}

afterEach(async () => {
  for (const socket of heldSockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) {
    if (server instanceof http.Server) server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

function get(url: string) {
  return createHttpClient(settings, new AbortController().signal).get({ url });
}

describe('timeouts', () => {
  it('completes a body that trickles in for longer than the idle timeout, as no gap exceeds it', async () => {
    const parts = Array.from({ length: 8 }, (_, i) => `part-${i};`);
    const base = await serve((_req, res) => {
      let next = 0;
      const timer = setInterval(() => {
        if (next === parts.length) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write(parts[next++]);
      }, 100);
    });

    const body = await (await get(base)).text();

    expect(body).toBe(parts.join(''));
  });

  it('times out a body that stalls half way', async () => {
    const base = await serve((_req, res) => res.write('the first half'));
    const response = await get(`${base}/stalls`);

    const failure = response.text();

    await expect(failure).rejects.toMatchObject({ kind: 'transient', code: 'timeout' });
    await expect(failure).rejects.toThrow(`${base}/stalls: no data within 300 ms`);
  });

  it('times out a server that accepts the request but never answers', async () => {
    const base = await serve(() => undefined);

    const failure = get(base);

    await expect(failure).rejects.toMatchObject({ kind: 'transient', code: 'timeout' });
    await expect(failure).rejects.toThrow(/no response headers within 300 ms/);
  });

  it('times out a connection whose TLS handshake never completes', async () => {
    const port = await listen(net.createServer((socket) => heldSockets.push(socket)));

    const failure = get(`https://127.0.0.1:${port}/`);

    await expect(failure).rejects.toMatchObject({ kind: 'transient', code: 'timeout' });
    await expect(failure).rejects.toThrow(/no connection within 300 ms/);
  });

  it('does not time out while the plugin holds an unread body', async () => {
    const base = await serve((_req, res) => res.end('waited for'));
    const response = await get(base);

    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(await response.text()).toBe('waited for');
  });
});
