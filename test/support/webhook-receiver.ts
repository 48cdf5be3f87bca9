import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST as the receiver saw it, and whether its signature checked out. */
export interface ReceivedDelivery {
  eventId: number;
  eventType: string;
  body: { id: number; type: string; occurred_at: string; data: Record<string, unknown> };
  headers: http.IncomingHttpHeaders;
  signatureValid: boolean;
  answeredWith: number;
}

/**
 * A fake webhook receiver on a loopback port: checks every signature with the shared secret,
 * answers with a chosen status, can go down (connections refused) and come back on the same port,
 * and records what it saw, including how many deliveries overlapped.
 */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  maxInFlight = 0;
  private inFlight = 0;
  private status = 200;
  private delayMs = 0;
  private extraHeaders: Record<string, string> = {};
  private server: http.Server | null = null;

  private constructor(
    private readonly secret: string,
    private port: number,
  ) {}

  static async start(secret: string): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(secret, 0);
    await receiver.comeBack();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/baton`;
  }

  /** Answer every later delivery with this status (after an optional delay, with optional headers). */
  answerWith(status: number, options: { delayMs?: number; headers?: Record<string, string> } = {}): void {
    this.status = status;
    this.delayMs = options.delayMs ?? 0;
    this.extraHeaders = options.headers ?? {};
  }

  /** Stops listening: deliveries now meet a refused connection. */
  async goDown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  /** Listens again, on the same port as before. */
  async comeBack(): Promise<void> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Event ids answered 2xx, in the order they arrived (repeats included). */
  acceptedIds(): number[] {
    return this.received.filter((d) => d.answeredWith < 300).map((d) => d.eventId);
  }

  /** Event ids answered 2xx, each once, as a receiver that deduplicates by X-Baton-Event-Id keeps them. */
  distinctAcceptedIds(): number[] {
    return [...new Set(this.acceptedIds())];
  }

  async waitUntil(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`the receiver waited ${timeoutMs} ms in vain for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): Promise<void> {
    return this.goDown();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const status = this.status;
    const headers = { 'content-type': 'text/plain', ...this.extraHeaders };
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs).unref());
    const body = JSON.parse(raw) as ReceivedDelivery['body'];
    this.received.push({
      eventId: Number(req.headers['x-baton-event-id']),
      eventType: String(req.headers['x-baton-event-type']),
      body,
      headers: req.headers,
      signatureValid: this.signatureValid(req.headers, raw),
      answeredWith: status,
    });
    this.inFlight -= 1;
    res.writeHead(status, headers).end(status < 300 ? 'thanks' : 'not now');
  }

  private signatureValid(headers: http.IncomingHttpHeaders, raw: string): boolean {
    const timestamp = String(headers['x-baton-timestamp']);
    const expected = Buffer.from(`sha256=${createHmac('sha256', this.secret).update(`${timestamp}.${raw}`).digest('hex')}`);
    const given = Buffer.from(String(headers['x-baton-signature']));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
