/**
 * Where plugins' key/value data lives (ETags, last-seen checksums), one namespace per repository
 * id. The server provides a database-backed implementation; tests use the in-memory one.
 */
export interface PluginStateStore {
  get(scope: string, key: string): Promise<string | null>;
  set(scope: string, key: string, value: string): Promise<void>;
  delete(scope: string, key: string): Promise<void>;
}

/** Longest key a plugin may use, in characters. */
export const MAX_STATE_KEY_LENGTH = 200;

/** Largest value a plugin may store, in bytes of UTF-8. */
export const MAX_STATE_VALUE_BYTES = 8 * 1024 * 1024;
