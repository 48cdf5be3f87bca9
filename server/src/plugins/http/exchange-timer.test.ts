import net from 'node:net';
import { LoopbackServers, testHttpSettings } from '../../../../test/support/loopback-servers';
import { createHttpClient } from '../http-client';

// What must succeed has a connect timeout no busy machine runs out of, and seconds of slack
// within the idle timeout; only what is meant to time out does so within a fraction of a second.
const IDLE_MS = 2000;
const GENEROUS = { connectTimeoutMs: 60_000, idleTimeoutMs: IDLE_MS };
const servers = new LoopbackServers();

afterEach(() => servers.closeAll());

function get(url: string, timeouts: { connectTimeoutMs: number; idleTimeoutMs: number } = GENEROUS) {
  return createHttpClient(testHttpSettings(timeouts), new AbortController().signal).get({ url });
}

describe('timeouts', () => {
  it('completes a body that trickles in for longer than the idle timeout, as no gap exceeds it', async () => {
    const parts = Array.from({ length: 12 }, (_, i) => `part-${i};`);
    const base = await servers.serve((_req, res) => {
      let next = 0;
      const timer = setInterval(() => {
        if (next === parts.length) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write(parts[next++]);
      }, IDLE_MS / 5);
    });

    const body = await (await get(base)).text();

    expect(body).toBe(parts.join(''));
  });

  it('times out a body that stalls half way', async () => {
    const base = await servers.serve((_req, res) => res.write('the first half'));
    const response = await get(`${base}/stalls`);

    const failure = response.text();

    await expect(failure).rejects.toMatchObject({ kind: 'transient', code: 'timeout' });
    await expect(failure).rejects.toThrow(`${base}/stalls: no data within ${IDLE_MS} ms`);
  });

  it('times out a server that accepts the request but never answers', async () => {
    const base = await servers.serve(() => undefined);

    const failure = get(base);

    await expect(failure).rejects.toMatchObject({ kind: 'transient', code: 'timeout' });
    await expect(failure).rejects.toThrow(`no response headers within ${IDLE_MS} ms`);
  });

  it('times out a connection whose TLS handshake never completes', async () => {
    // Accepts the connection and never answers; closeAll drops it after the test.
    const port = await servers.track(net.createServer());

    const failure = get(`https://127.0.0.1:${port}/`, { connectTimeoutMs: 300, idleTimeoutMs: IDLE_MS });

    await expect(failure).rejects.toMatchObject({ kind: 'transient', code: 'timeout' });
    await expect(failure).rejects.toThrow(/no connection within 300 ms/);
  });

  it('does not time out while the plugin holds an unread body', async () => {
    const base = await servers.serve((_req, res) => res.end('waited for'));
    const response = await get(base);

    await new Promise((resolve) => setTimeout(resolve, IDLE_MS * 1.5));

    expect(await response.text()).toBe('waited for');
  });
});
