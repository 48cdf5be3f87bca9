import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';

/** What the client was waiting for when a timeout ran out. */
export type WaitingFor = 'connection' | 'response headers';

/**
 * Times one request up to its response headers: the connection (through a proxy and TLS when
 * there are) gets the connect timeout, then the wait for headers the idle timeout. There is no
 * total timeout; the body's gaps are timed while it is read.
 */
export class ExchangeTimer {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly connectTimeoutMs: number,
    private readonly idleTimeoutMs: number,
    private readonly onTimeout: (waitingFor: WaitingFor, ms: number) => void,
  ) {}

  start(): void {
    this.arm('connection', this.connectTimeoutMs);
  }

  /** Switches to the idle timeout once `request` has a connected socket. */
  watch(request: ClientRequest): void {
    request.once('socket', (socket: Socket) => {
      const connected = () => this.arm('response headers', this.idleTimeoutMs);
      if (!socket.connecting) {
        connected();
        return;
      }
      socket.once(socket instanceof TLSSocket ? 'secureConnect' : 'connect', connected);
    });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private arm(waitingFor: WaitingFor, ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.onTimeout(waitingFor, ms), ms);
  }
}
