import http from 'node:http';
import https from 'node:https';
import type { OutboundPolicy } from '../../security/outbound-policy';
import { timestampedSignature } from '../../security/timestamped-signature';
import type { BatonEvent } from '../event-store';

/** How one POST of one event went. */
export interface SendOutcome {
  /** The receiver answered 2xx. */
  delivered: boolean;
  /** The receiver's status, when it answered at all. */
  responseStatus: number | null;
  error: string | null;
  durationMs: number;
  /** Cut short because delivery is stopping; not the receiver's fault. */
  interrupted: boolean;
}

export interface WebhookSenderOptions {
  userAgent: string;
  timeoutMs: number;
  /** The addresses a receiver may not be at. */
  outbound: OutboundPolicy;
}

/**
 * POSTs one event to a receiver, signed: `X-Baton-Signature: sha256=<hex HMAC-SHA256 of
 * "<timestamp>.<body>">` with the webhook's secret, the timestamp in `X-Baton-Timestamp` (unix
 * seconds) so that receivers can refuse replays. Redirects are not followed: a receiver that
 * moved is told so by failed deliveries, and a signed body never goes where nobody configured.
 * A receiver at an address the outbound policy denies is a failed delivery that names the policy.
 */
export class WebhookSender {
  constructor(private readonly options: WebhookSenderOptions) {}

  send(url: string, secret: string, event: BatonEvent, stop: AbortSignal): Promise<SendOutcome> {
    const body = JSON.stringify({ id: event.id, type: event.type, occurred_at: event.occurred_at, data: event.data });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = {
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(body)),
      'User-Agent': this.options.userAgent,
      'X-Baton-Event-Id': String(event.id),
      'X-Baton-Event-Type': event.type,
      'X-Baton-Timestamp': timestamp,
      'X-Baton-Signature': timestampedSignature(secret, timestamp, body),
    };
    return this.post(new URL(url), headers, body, stop);
  }

  private post(target: URL, headers: Record<string, string>, body: string, stop: AbortSignal): Promise<SendOutcome> {
    const started = performance.now();
    const finish = (outcome: Omit<SendOutcome, 'durationMs'>): SendOutcome => ({ ...outcome, durationMs: performance.now() - started });
    return new Promise((resolve) => {
      try {
        this.options.outbound.checkHost(target.hostname);
      } catch (error) {
        resolve(finish({ delivered: false, responseStatus: null, error: (error as Error).message, interrupted: false }));
        return;
      }
      const client = target.protocol === 'https:' ? https : http;
      // A fresh connection each time: no stale keep-alive socket turns into a spurious failure.
      const request = client.request(target, { method: 'POST', headers, agent: false, lookup: this.options.outbound.lookup, signal: stop });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        request.destroy();
      }, this.options.timeoutMs);
      request.on('response', (response) => {
        // The status is the answer; the rest of the body is read and dropped.
        response.resume();
        response.on('error', () => undefined);
        response.on('close', () => clearTimeout(timer));
        resolve(finish(answered(response.statusCode ?? 0)));
      });
      request.on('error', (error) => {
        clearTimeout(timer);
        if (stop.aborted) resolve(finish({ delivered: false, responseStatus: null, error: 'delivery stopped', interrupted: true }));
        else if (timedOut)
          resolve(finish({ delivered: false, responseStatus: null, error: `no answer within ${this.options.timeoutMs / 1000} s`, interrupted: false }));
        else resolve(finish({ delivered: false, responseStatus: null, error: describe(error), interrupted: false }));
      });
      request.end(body);
    });
  }
}

function answered(status: number): Omit<SendOutcome, 'durationMs'> {
  if (status >= 200 && status < 300) return { delivered: true, responseStatus: status, error: null, interrupted: false };
  const error = status >= 300 && status < 400 ? `the receiver answered ${status} (redirects are not followed)` : `the receiver answered ${status}`;
  return { delivered: false, responseStatus: status, error, interrupted: false };
}

/** Connection errors can be an AggregateError without a message (one per address tried). */
function describe(error: Error): string {
  const inner = (error as Error & { errors?: Error[] }).errors?.[0];
  return error.message || inner?.message || (error as Error & { code?: string }).code || 'the request failed';
}
