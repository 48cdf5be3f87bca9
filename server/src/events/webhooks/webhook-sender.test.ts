import type { BatonEvent } from '../event-log';
import { DEFAULT_OUTBOUND_POLICY } from '../../security/outbound-policy';
import { WebhookSender } from './webhook-sender';

const EVENT: BatonEvent = { id: 1, type: 'package.revision.detected', occurred_at: '2026-01-01T00:00:00.000Z', data: {} };

describe('WebhookSender and the outbound policy', () => {
  const sender = new WebhookSender({ userAgent: 'Baton/test', timeoutMs: 60_000, outbound: DEFAULT_OUTBOUND_POLICY });

  it.each(['http://169.254.169.254/hooks', 'http://[::ffff:169.254.169.254]/hooks', 'https://[fd00:ec2::254]/hooks', 'http://100.100.100.200/hooks'])(
    'fails a delivery to %s with the default deny list before any connection',
    async (url) => {
      const outcome = await sender.send(url, 'delivery-secret-0123456789', EVENT, new AbortController().signal);

      expect(outcome).toMatchObject({ delivered: false, responseStatus: null, interrupted: false });
      expect(outcome.error).toMatch(/^connecting to .* is refused: the address is in BATON_OUTBOUND_DENY/);
    },
  );
});
