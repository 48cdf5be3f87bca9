import { MAX_STATE_KEY_LENGTH, MAX_STATE_VALUE_BYTES, type PluginStateStore } from './plugin-state-store';
import type { HostMessage, WorkerMessage } from './protocol';

type StoreRequest = Extract<WorkerMessage, { type: 'store' }>;
type StoreReply = Extract<HostMessage, { type: 'store-reply' }>;

/**
 * Carries out a plugin's store request for the repository its call is about. The limits are
 * enforced here, not in the worker, since the worker runs plugin code.
 */
export async function answerStoreRequest(store: PluginStateStore, scope: string, request: StoreRequest): Promise<StoreReply> {
  const problem = limitProblem(request);
  if (problem !== null) return { v: 1, type: 'store-reply', id: request.id, ok: false, message: problem, transient: false };
  try {
    let value: string | null = null;
    if (request.op === 'get') value = await store.get(scope, request.key);
    else if (request.op === 'set') await store.set(scope, request.key, request.value as string);
    else await store.delete(scope, request.key);
    return { v: 1, type: 'store-reply', id: request.id, ok: true, value };
  } catch (error) {
    const message = `the plugin store is unavailable: ${(error as Error).message ?? String(error)}`;
    return { v: 1, type: 'store-reply', id: request.id, ok: false, message, transient: true };
  }
}

/** A refusal that says what is wanted, or `null`. */
export function refusedStoreRequest(request: StoreRequest, message: string): StoreReply {
  return { v: 1, type: 'store-reply', id: request.id, ok: false, message, transient: false };
}

function limitProblem(request: StoreRequest): string | null {
  const { key, value, op } = request;
  if (!['get', 'set', 'delete'].includes(op)) return `unknown store operation '${String(op)}'`;
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_STATE_KEY_LENGTH) {
    const length = typeof key === 'string' ? key.length : 0;
    return `store keys must be 1 to ${MAX_STATE_KEY_LENGTH} characters long; this one has ${length}`;
  }
  if (op !== 'set') return null;
  if (typeof value !== 'string') return `the value stored under '${key}' must be a string`;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_STATE_VALUE_BYTES) {
    return `the value stored under '${key}' is ${(bytes / 1048576).toFixed(1)} MiB; values may be at most ${MAX_STATE_VALUE_BYTES / 1048576} MiB`;
  }
  return null;
}
