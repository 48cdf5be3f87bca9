import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { BatonEvent, EventStore } from './event-store';

const PAGE = 500;
const IDLE_CHECK_MS = 250;

export interface Subscription {
  close(): void;
}

/**
 * Live events for subscribers (Server-Sent-Events streams): each subscriber reads the outbox
 * from its own cursor, so it sees every event once, in id order — also events written by other
 * processes, which the periodic check picks up. `wake()` after a local commit makes delivery
 * immediate.
 */
export class EventStream {
  private readonly ticks = new EventEmitter();
  private timer: NodeJS.Timeout | null = null;
  private subscribers = 0;

  constructor(
    private readonly log: EventStore,
    private readonly logger: Logger,
  ) {
    this.ticks.setMaxListeners(0);
  }

  wake(): void {
    this.ticks.emit('tick');
  }

  /** Delivers events after `afterId` (null: only new ones), oldest first, until closed. */
  async subscribe(afterId: number | null, types: readonly string[] | null, deliver: (event: BatonEvent) => void): Promise<Subscription> {
    let cursor = afterId ?? (await this.log.latestId());
    let reading = false;
    let again = false;
    let closed = false;
    const read = async (): Promise<void> => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        for (;;) {
          const events = await this.log.after(cursor, PAGE);
          for (const event of events) {
            if (closed) return;
            cursor = event.id;
            if (types === null || types.some((t) => matchesType(t, event.type))) deliver(event);
          }
          if (events.length < PAGE && !again) break;
          again = false;
        }
      } catch (error) {
        this.logger.warn({ err: error }, 'event stream could not read the outbox');
      } finally {
        reading = false;
      }
    };
    const onTick = () => void read();
    this.ticks.on('tick', onTick);
    this.track(1);
    void read();
    return {
      close: () => {
        if (closed) return;
        closed = true;
        this.ticks.off('tick', onTick);
        this.track(-1);
      },
    };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.ticks.removeAllListeners();
  }

  private track(delta: number): void {
    this.subscribers += delta;
    if (this.subscribers > 0 && this.timer === null) {
      this.timer = setInterval(() => this.wake(), IDLE_CHECK_MS);
      this.timer.unref();
    } else if (this.subscribers === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}

/** An event type filter: an exact type, or a prefix ending in `.*`. */
export function matchesType(filter: string, type: string): boolean {
  return filter.endsWith('.*') ? type.startsWith(filter.slice(0, -1)) : filter === type;
}
