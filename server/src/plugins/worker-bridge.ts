import type { MessagePort } from 'node:worker_threads';
import { TransientError } from '@baton/plugin-api';
import type { Configuration, KeyValueStore, PluginContext, PluginLogger, SettingValue } from '@baton/plugin-api';
import { createHttpClient } from './http-client';
import type { StoreSnapshot } from './plugin-state-store';
import type { HostMessage, HttpClientSettings, WorkerMessage } from './protocol';

type StoreReply = Extract<HostMessage, { type: 'store-reply' }>;
type LogLevel = 'debug' | 'info' | 'warn' | 'error';

interface PendingStoreCall {
  resolve(value: string | null): void;
  reject(error: Error): void;
}

/** Inside a worker: builds each call's context, whose store and log are messages to the host. */
export class WorkerBridge {
  private nextStoreId = 1;
  private readonly pendingStore = new Map<number, PendingStoreCall>();

  constructor(
    private readonly port: MessagePort,
    private readonly http: HttpClientSettings,
    private readonly settings: Readonly<Record<string, SettingValue>>,
    private readonly logLevels: ReadonlySet<LogLevel>,
  ) {}

  /**
   * `repository` is the configuration the call is about, when it is about one; `snapshot` the
   * scope's store as the host sent it with the call, which then answers reads without a message.
   */
  context(
    requestId: number,
    scope: string | null,
    signal: AbortSignal,
    repository: Configuration | null,
    snapshot: StoreSnapshot | null = null,
  ): PluginContext {
    return {
      signal,
      http: createHttpClient(this.http, signal, repository),
      store: scope === null ? EMPTY_STORE : this.store(requestId, scope, snapshot),
      log: this.logger(requestId),
      settings: this.settings,
    };
  }

  storeReplied(reply: StoreReply): void {
    const pending = this.pendingStore.get(reply.id);
    if (!pending) return;
    this.pendingStore.delete(reply.id);
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(reply.transient ? new TransientError('store_unavailable', reply.message) : new RangeError(reply.message));
  }

  post(message: WorkerMessage): void {
    this.port.postMessage(message);
  }

  private store(requestId: number, scope: string, snapshot: StoreSnapshot | null): KeyValueStore {
    const ask = (op: 'get' | 'set' | 'delete', key: string, value?: string): Promise<string | null> =>
      new Promise((resolve, reject) => {
        const id = this.nextStoreId++;
        this.pendingStore.set(id, { resolve, reject });
        this.post({ v: 1, type: 'store', id, request_id: requestId, scope, op, key, value });
      });
    if (snapshot === null) {
      return {
        get: (key) => ask('get', key),
        set: async (key, value) => void (await ask('set', key, value)),
        delete: async (key) => void (await ask('delete', key)),
      };
    }
    // Writes still go to the host (which checks them), and the copy follows once they are done.
    // A deferred key's value was too large to carry: the host reads it, when it is asked for.
    const copy = new Map(Object.entries(snapshot.values));
    const deferred = new Set(snapshot.deferred);
    return {
      get: async (key) => (deferred.has(key) ? ask('get', key) : (copy.get(key) ?? null)),
      set: async (key, value) => {
        await ask('set', key, value);
        copy.set(key, value);
        deferred.delete(key);
      },
      delete: async (key) => {
        await ask('delete', key);
        copy.delete(key);
        deferred.delete(key);
      },
    };
  }

  private logger(requestId: number): PluginLogger {
    const log = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
      if (this.logLevels.has(level)) this.post({ v: 1, type: 'log', level, message: String(message), fields: plainFields(fields), request_id: requestId });
    };
    return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  }
}

/** Calls about unsaved configurations have no repository to keep state for. */
const EMPTY_STORE: KeyValueStore = {
  get: async () => null,
  set: async () => undefined,
  delete: async () => undefined,
};

/** Log fields cross the thread boundary as JSON; anything else would make postMessage throw. */
function plainFields(fields: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (fields === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(fields)) as Record<string, unknown>;
  } catch {
    return { fields: 'not serializable' };
  }
}
