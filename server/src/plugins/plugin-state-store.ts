/**
 * Where plugins' key/value data lives (ETags, last-seen checksums), one namespace per repository
 * id. The server provides a database-backed implementation; tests use the in-memory one.
 */
export interface PluginStateStore {
  get(scope: string, key: string): Promise<string | null>;
  set(scope: string, key: string, value: string): Promise<void>;
  delete(scope: string, key: string): Promise<void>;
  /**
   * Every key and value of the scope, or null when they come to more than `maxBytes` of UTF-8:
   * sent with a poll, so that the plugin's reads need no message to the host and no query each.
   */
  snapshot(scope: string, maxBytes: number): Promise<Record<string, string> | null>;
}

/** Largest store a poll carries to its worker; a larger one is read key by key, on request. */
export const MAX_SNAPSHOT_BYTES = 1024 * 1024;

/** Longest key a plugin may use, in characters. */
export const MAX_STATE_KEY_LENGTH = 200;

/** Largest value a plugin may store, in bytes of UTF-8. */
export const MAX_STATE_VALUE_BYTES = 8 * 1024 * 1024;

/** The entries as a record, or null when their keys and values come to more than `maxBytes`. */
export function snapshotWithin(entries: Iterable<[string, string]>, maxBytes: number): Record<string, string> | null {
  const snapshot: Record<string, string> = {};
  let bytes = 0;
  for (const [key, value] of entries) {
    bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
    if (bytes > maxBytes) return null;
    snapshot[key] = value;
  }
  return snapshot;
}
