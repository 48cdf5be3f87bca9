import type { KeyValueStore } from '../context';

const MAX_KEY_LENGTH = 200;
const MAX_VALUE_BYTES = 8 * 1024 * 1024;

/**
 * A {@link KeyValueStore} in memory, with the host's limits: breaking them throws a `TypeError`,
 * which the conformance kit reports as a plugin bug, as the host would.
 *
 * @example
 * ```ts
 * const store = new MemoryKeyValueStore();
 * await store.set('list.etag', '"v1"');
 * await store.get('list.etag'); // '"v1"'
 * ```
 */
export class MemoryKeyValueStore implements KeyValueStore {
  private readonly values = new Map<string, string>();

  async get(key: string): Promise<string | null> {
    checkKey(key);
    return this.values.get(key) ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    checkKey(key);
    if (typeof value !== 'string') throw new TypeError(`store value for '${key}' must be a string, not ${typeof value}`);
    const bytes = Buffer.byteLength(value);
    if (bytes > MAX_VALUE_BYTES) throw new TypeError(`store value for '${key}' is ${bytes} bytes; at most ${MAX_VALUE_BYTES}`);
    this.values.set(key, value);
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    this.values.delete(key);
  }
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || key === '') throw new TypeError('store keys must be non-empty strings');
  if (key.length > MAX_KEY_LENGTH) throw new TypeError(`store key '${key.slice(0, 40)}…' is longer than ${MAX_KEY_LENGTH} characters`);
}
