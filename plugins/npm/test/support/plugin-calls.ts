import type { BatchAnswer, BatchItem, Configuration, KeyValueStore, PackageRevision, PluginContext } from '@baton/plugin-api';
import { createTestContext, defaultSettings, MemoryKeyValueStore, type TestContext } from '@baton/plugin-api/testing';
import plugin from '../../src';

/** A context like the host's for one call: the plugin's default settings (or these), the given store, a 10 s limit. */
export function contextFor(store: KeyValueStore = new MemoryKeyValueStore(), settings: Record<string, number> = {}): TestContext {
  return createTestContext({ store, settings: { ...defaultSettings(plugin), ...settings }, signal: AbortSignal.timeout(10_000) });
}

/** The batch operation, which the plugin declares with `capabilities.batch`. */
export function batch(repository: Configuration, items: BatchItem[], ctx: PluginContext): Promise<BatchAnswer[]> {
  if (!plugin.latestRevisionsSince) throw new Error('the npm plugin must answer batches');
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
export function stored(revision: PackageRevision | null): PackageRevision {
  if (revision === null) throw new Error('expected a revision');
  return JSON.parse(JSON.stringify(revision), (key, value: unknown) => (key === 'timestamp' ? new Date(value as string) : value)) as PackageRevision;
}

export { plugin };
