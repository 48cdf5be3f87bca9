/**
 * Where plugins' key/value data lives (ETags, last-seen checksums), one namespace per repository
 * id. The server provides a database-backed implementation; tests use the in-memory one.
 */
export interface PluginStateStore {
  get(scope: string, key: string): Promise<string | null>;
  set(scope: string, key: string, value: string): Promise<void>;
  delete(scope: string, key: string): Promise<void>;
  /**
   * The scope's store as a poll carries it, so that the plugin's reads need no message to the
   * host and no query each: its small values, and the keys of the large ones (read on request).
   */
  snapshot(scope: string, limits: SnapshotLimits): Promise<StoreSnapshot>;
  /** The snapshots of several scopes at once (one query), where the store can read them so. */
  snapshots?(scopes: string[], limits: SnapshotLimits): Promise<Map<string, StoreSnapshot>>;
}

/** What a poll carries of its scope's store. */
export interface StoreSnapshot {
  /** Values carried with the call: reads of these keys are answered by the worker itself. */
  values: Record<string, string>;
  /** Keys whose values were too large to carry: the worker reads them from the host, if it needs them. */
  deferred: string[];
}

/** Sizes in bytes of UTF-8, key included: the largest value carried, and the most carried in all. */
export interface SnapshotLimits {
  maxValueBytes: number;
  maxTotalBytes: number;
}

/**
 * What a poll carries: values up to 64 KiB (validators, hashes, small documents), 1 MiB in all.
 * A large value (a whole kept document) is often not needed — an unchanged answer is answered
 * from the worker's own copy — so it is read only when the plugin asks for it.
 */
export const SNAPSHOT_LIMITS: SnapshotLimits = { maxValueBytes: 64 * 1024, maxTotalBytes: 1024 * 1024 };

/** Longest key a plugin may use, in characters. */
export const MAX_STATE_KEY_LENGTH = 200;

/** Largest value a plugin may store, in bytes of UTF-8. */
export const MAX_STATE_VALUE_BYTES = 8 * 1024 * 1024;

/**
 * The entries as a snapshot: smallest first, each carried while it and the total stay within the
 * limits, the rest deferred. An entry whose value is null was left out as too large by the reader.
 */
export function snapshotWithin(entries: Iterable<[string, string | null]>, limits: SnapshotLimits): StoreSnapshot {
  const sized = [...entries].map(([key, value]) => ({ key, value, bytes: value === null ? Infinity : Buffer.byteLength(key) + Buffer.byteLength(value) }));
  sized.sort((a, b) => a.bytes - b.bytes);
  const snapshot: StoreSnapshot = { values: {}, deferred: [] };
  let total = 0;
  for (const { key, value, bytes } of sized) {
    if (value !== null && bytes <= limits.maxValueBytes && total + bytes <= limits.maxTotalBytes) {
      snapshot.values[key] = value;
      total += bytes;
    } else {
      snapshot.deferred.push(key);
    }
  }
  return snapshot;
}
