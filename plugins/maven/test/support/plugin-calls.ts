import type { BatchAnswer, BatchItem, Configuration, KeyValueStore, PluginContext, RevisionResult } from '@baton/plugin-api';
import { createTestContext, defaultSettings, MemoryKeyValueStore, storedRevision, thrown, type TestContext } from '@baton/plugin-api/testing';
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

export { plugin, storedRevision as stored, thrown };
