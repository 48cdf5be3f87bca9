import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BatonEvent } from '../event-store';
import { defaultOutboundPolicy, OutboundPolicy } from '../../security/outbound-policy';
import { WebhookSender } from './webhook-sender';

const EVENT: BatonEvent = { id: 1, type: 'package.revision.detected', occurred_at: '2026-01-01T00:00:00.000Z', data: {} };

describe('WebhookSender and the outbound policy', () => {
  const sender = new WebhookSender({ userAgent: 'Baton/test', timeoutMs: 60_000, outbound: defaultOutboundPolicy() });

  it.each(['http://169.254.169.254/hooks', 'http://[::ffff:169.254.169.254]/hooks', 'https://[fd00:ec2::254]/hooks', 'http://100.100.100.200/hooks'])(
    'fails a delivery to %s with the default deny list before any connection',
    async (url) => {
      const outcome = await sender.send(url, 'delivery-secret-0123456789', EVENT, new AbortController().signal);

      expect(outcome).toMatchObject({ delivered: false, responseStatus: null, interrupted: false });
      expect(outcome.error).toMatch(/^connecting to .* is refused: the address is in BATON_OUTBOUND_DENY/);
    },
  );

  it('fails a delivery to a name that resolves to a denied address, and the receiver gets nothing', async () => {
    const received: string[] = [];
    const receiver = http.createServer((req, res) => {
      received.push(req.url ?? '');
      res.end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    const strict = new WebhookSender({
      userAgent: 'Baton/test',
      timeoutMs: 60_000,
      outbound: new OutboundPolicy({ deny: ['127.0.0.0/8', '::1/128'], allow: [] }),
    });

    const outcome = await strict.send(`http://localhost:${port}/hooks`, 'delivery-secret-0123456789', EVENT, new AbortController().signal);
    await new Promise((resolve) => receiver.close(resolve));

    expect(outcome).toMatchObject({ delivered: false, responseStatus: null });
    expect(outcome.error).toMatch(/\(localhost\) is refused: the address is in BATON_OUTBOUND_DENY/);
    expect(received).toEqual([]);
  });
});
