import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `sha256=<lowercase hex HMAC-SHA256 of "<timestamp>.<body>">`: how Baton signs the webhooks it
 * sends and how it wants the refresh hints it receives signed. Binding the timestamp (unix
 * seconds, sent in `X-Baton-Timestamp`) into the signature lets a receiver refuse old messages.
 */
export function timestampedSignature(secret: string, timestamp: string, body: string | Buffer): string {
  return `sha256=${digest(secret, timestamp, body).toString('hex')}`;
}

/** Whether `header` is the timestamped signature of the body, compared in constant time. */
export function timestampedSignatureMatches(secret: string, timestamp: string, body: string | Buffer, header: string | undefined): boolean {
  const match = header ? /^sha256=([0-9a-f]{64})$/.exec(header.trim()) : null;
  if (!match) return false;
  return timingSafeEqual(digest(secret, timestamp, body), Buffer.from(match[1], 'hex'));
}

function digest(secret: string, timestamp: string, body: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}
