import http from 'node:http';

interface DetectedEvent {
  type: string;
  data: { package_id: string; revision: { revision: string } };
}

/**
 * Watches `package.revision.detected` on the Server-Sent-Events stream, as a consumer would, and
 * notes when each (package, revision) arrived.
 */
export class EventWatch {
  private readonly arrived = new Map<string, number>();
  private readonly waiters = new Map<string, (at: number) => void>();
  private request: http.ClientRequest | null = null;

  static async open(url: string, token: string): Promise<EventWatch> {
    const watch = new EventWatch();
    await new Promise<void>((resolve, reject) => {
      const request = http.get(
        `${url}/api/events?types=package.revision.detected`,
        { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } },
        (response) => {
          if (response.statusCode !== 200) {
            reject(new Error(`the event stream answered ${response.statusCode}`));
            return;
          }
          response.setEncoding('utf8');
          let pending = '';
          response.on('data', (chunk: string) => {
            const at = Date.now();
            pending += chunk;
            const messages = pending.split('\n\n');
            pending = messages.pop()!;
            for (const message of messages) watch.take(message, at);
          });
          resolve();
        },
      );
      request.on('error', (error) => (watch.request ? undefined : reject(error)));
      watch.request = request;
    });
    return watch;
  }

  /** When the event for this package and revision arrived, waiting up to `timeoutMs`; null if it did not. */
  arrival(packageId: string, revision: string, timeoutMs: number): Promise<number | null> {
    const key = `${packageId}@${revision}`;
    const seen = this.arrived.get(key);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        resolve(null);
      }, timeoutMs);
      this.waiters.set(key, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }

  close(): void {
    this.request?.destroy();
  }

  private take(message: string, at: number): void {
    const data = message.split('\n').find((line) => line.startsWith('data: '));
    if (!data) return;
    const event = JSON.parse(data.slice('data: '.length)) as DetectedEvent;
    if (event.type !== 'package.revision.detected') return;
    const key = `${event.data.package_id}@${event.data.revision.revision}`;
    this.arrived.set(key, at);
    this.waiters.get(key)?.(at);
    this.waiters.delete(key);
  }
}
