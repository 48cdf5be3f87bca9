import { snapshotWithin, type PluginStateStore, type SnapshotLimits, type StoreSnapshot } from './plugin-state-store';

/** A {@link PluginStateStore} that lives in memory: for tests and throw-away runs. */
export class MemoryPluginStateStore implements PluginStateStore {
  private readonly scopes = new Map<string, Map<string, string>>();

  async get(scope: string, key: string): Promise<string | null> {
    return this.scopes.get(scope)?.get(key) ?? null;
  }

  async set(scope: string, key: string, value: string): Promise<void> {
    let entries = this.scopes.get(scope);
    if (!entries) {
      entries = new Map();
      this.scopes.set(scope, entries);
    }
    entries.set(key, value);
  }

  async delete(scope: string, key: string): Promise<void> {
    this.scopes.get(scope)?.delete(key);
  }

  async snapshot(scope: string, limits: SnapshotLimits): Promise<StoreSnapshot> {
    return snapshotWithin(this.scopes.get(scope) ?? new Map<string, string>(), limits);
  }
}
