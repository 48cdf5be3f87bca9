import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { outboundDispatcher } from './outbound-dispatcher';
import { OutboundPolicy } from './outbound-policy';

/** The cause `fetch` through the policy's dispatcher fails with, as text. */
async function failureOf(url: string, policy?: OutboundPolicy): Promise<string> {
  return fetch(url, { dispatcher: outboundDispatcher(policy), redirect: 'manual' }).then(
    () => 'no failure',
    (error: Error) => String(error.cause),
  );
}

describe('outboundDispatcher', () => {
  const reached: string[] = [];
  const server = http.createServer((req, res) => {
    reached.push(req.url ?? '');
    res.end('reached');
  });
  let port: number;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await outboundDispatcher().close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each(['http://169.254.169.254/latest/meta-data/', 'http://[::ffff:169.254.169.254]/', 'http://[fd00:ec2::254]/', 'https://192.0.0.192/'])(
    'refuses %s with the default deny list before any connection',
    async (url) => {
      const failure = await failureOf(url);

      expect(failure).toMatch(/connecting to .* is refused: the address is in BATON_OUTBOUND_DENY/);
    },
  );

  it('refuses a name that resolves to a denied address, and reaches an allowed one', async () => {
    const policy = new OutboundPolicy({ deny: ['127.0.0.0/8', '::1/128'], allow: ['127.0.0.1/32'] });
    const strict = new OutboundPolicy({ deny: ['127.0.0.0/8', '::1/128'], allow: [] });

    const answer = await fetch(`http://127.0.0.1:${port}/allowed`, { dispatcher: outboundDispatcher(policy) });
    const failure = await failureOf(`http://localhost:${port}/denied`, strict);

    expect(answer.status).toBe(200);
    expect(failure).toMatch(/\(localhost\) is refused: the address is in BATON_OUTBOUND_DENY/);
    expect(reached).toEqual(['/allowed']);
  });
});
