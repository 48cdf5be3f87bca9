import { once } from 'node:events';
import http from 'node:http';
import type { HttpRequest, HttpResponse } from '@baton/plugin-api';
import { LoopbackServers, testHttpSettings } from '../../../test/support/loopback-servers';
import { createHttpClient } from './http-client';
import { agentFor } from './http/proxy-agents';

const ETAG = '"v1"';
const servers = new LoopbackServers();

afterEach(() => servers.closeAll());

function client() {
  return createHttpClient(testHttpSettings({ maxBytes: 10_000_000 }), new AbortController().signal);
}

/** A repository that answers 304 to a matching If-None-Match and a 5 MB file otherwise, counting the connections it accepts. */
async function repository(): Promise<{ base: string; connections: () => number }> {
  let connections = 0;
  const server = http.createServer((req, res) => {
    if (req.headers['if-none-match'] === ETAG) {
      res.writeHead(304, { etag: ETAG });
      res.end();
      return;
    }
    res.writeHead(200, { etag: ETAG, 'content-length': String(5_000_000) });
    res.end(req.method === 'HEAD' ? undefined : Buffer.alloc(5_000_000));
  });
  server.on('connection', () => (connections += 1));
  const port = await servers.track(server);
  return { base: `http://127.0.0.1:${port}`, connections: () => connections };
}

/** Sends `request` `times` times, discarding each answer once `check` has seen it, and waits each time for the agent to pool the connection again. */
async function discardEach(base: string, request: HttpRequest, times: number, check: (response: HttpResponse) => void): Promise<void> {
  const http = client();
  for (let i = 0; i < times; i += 1) {
    const pooled = once(await agentFor(new URL(base)), 'free');
    const response = await http.get(request);
    check(response);
    response.discard();
    await pooled;
  }
}

describe('connections of discarded answers', () => {
  it('keeps the connection of a discarded 304 for the next request', async () => {
    const { base, connections } = await repository();

    await discardEach(base, { url: `${base}/repodata/repomd.xml`, headers: { 'if-none-match': ETAG } }, 3, (r) => expect(r.status).toBe(304));

    expect(connections()).toBe(1);
  });

  it('keeps the connection of a HEAD answer', async () => {
    const { base, connections } = await repository();

    await discardEach(base, { url: `${base}/tool-1.0.jar`, method: 'HEAD' }, 2, (r) => expect(r.headers['content-length']).toBe('5000000'));

    expect(connections()).toBe(1);
  });

  it('closes the connection of a body discarded while it still arrives, and the next request opens another', async () => {
    const { base, connections } = await repository();
    const http = client();

    const unread = await http.get({ url: `${base}/big.rpm` });
    unread.discard();
    const next = await http.get({ url: `${base}/big.rpm` });

    expect((await next.buffer()).length).toBe(5_000_000);
    expect(connections()).toBe(2);
  });
});
