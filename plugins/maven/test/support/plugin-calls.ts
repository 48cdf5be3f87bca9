import type { BatchAnswer, BatchItem, Configuration, KeyValueStore, PackageRevision, PluginContext, RevisionResult } from '@baton/plugin-api';
import { createTestContext, defaultSettings, MemoryKeyValueStore, type TestContext } from '@baton/plugin-api/testing';
import plugin from '../../src';

/** A context like the host's for one call: the plugin's default settings (or these), the given store, a 10 s limit. */
export function contextFor(store: KeyValueStore = new MemoryKeyValueStore(), settings: Record<string, number> = {}): TestContext {
  return createTestContext({ store, settings: { ...defaultSettings(plugin), ...settings }, signal: AbortSignal.timeout(10_000) });
}

/** The latest revision of an imagingbook artifact in the repository at `url`. */
export function latest(url: string, pkg: Configuration, store?: KeyValueStore, repository: Configuration = {}): Promise<RevisionResult> {
  return plugin.latestRevision({ REPO_URL: url, ...repository }, { GROUP_ID: 'com.imagingbook', ...pkg }, contextFor(store));
}

/** The batch operation, which the plugin declares with `capabilities.batch`. */
export function batch(repository: Configuration, items: BatchItem[], ctx: PluginContext): Promise<BatchAnswer[]> {
  if (!plugin.latestRevisionsSince) throw new Error('the maven plugin must answer batches');
  return plugin.latestRevisionsSince(repository, items, ctx);
}

/** What a call threw (or an Error saying it did not throw). */
export async function thrown(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => new Error('the call did not throw'),
    (error: unknown) => error,
  );
}

/** A stored copy of a revision, as the host hands it back in `previous`. */
export function stored(revision: PackageRevision, changes: Partial<PackageRevision> = {}): PackageRevision {
  return JSON.parse(JSON.stringify({ ...revision, ...changes }), (key, value: unknown) =>
    key === 'timestamp' ? new Date(value as string) : value,
  ) as PackageRevision;
}

export { plugin };
