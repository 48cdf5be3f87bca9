import type { KeyValueStore, PluginContext, SettingValue } from '../context';
import { CollectingLogger } from './collecting-logger';
import { DEFAULT_MAX_BYTES, FetchHttpClient } from './fetch-http-client';
import { MemoryKeyValueStore } from './memory-key-value-store';

/**
 * What {@link createTestContext} may be given; everything is optional.
 *
 * @example
 * ```ts
 * const options: TestContextOptions = { settings: { MAX_METADATA_BYTES: 1024 }, signal: AbortSignal.timeout(2000) };
 * ```
 */
export interface TestContextOptions {
  /** Aborts the call; by default a signal that never aborts. */
  signal?: AbortSignal;
  /** The plugin's settings; use {@link defaultSettings} for its declared defaults. */
  settings?: Readonly<Record<string, SettingValue>>;
  /** By default a fresh in-memory store. */
  store?: KeyValueStore;
  /** Where log lines go; by default a new array, returned as `logLines`. */
  logLines?: string[];
  /** Tag of each log line, usually the operation. */
  logTag?: string;
  /** Cap on a response body when the request gives none. */
  maxBytes?: number;
}

/**
 * A {@link PluginContext} plus the lines its logger collected.
 *
 * @example
 * ```ts
 * const ctx: TestContext = createTestContext();
 * ctx.logLines; // []
 * ```
 */
export interface TestContext extends PluginContext {
  logLines: string[];
}

/**
 * Builds a context like the host's for calling a plugin's operations directly in a unit test:
 * an HTTP client on `fetch` (and `file:` URLs), an in-memory store, a logger that collects lines.
 *
 * @example
 * ```ts
 * import { createTestContext, defaultSettings } from '@baton/plugin-api/testing';
 * import plugin from '../src';
 *
 * const ctx = createTestContext({ settings: defaultSettings(plugin) });
 * const { revision } = await plugin.latestRevision({ URL: server.url }, { NAME: 'left-pad' }, ctx);
 * ```
 */
export function createTestContext(options: TestContextOptions = {}): TestContext {
  const signal = options.signal ?? new AbortController().signal;
  const logLines = options.logLines ?? [];
  return {
    signal,
    http: new FetchHttpClient(signal, options.maxBytes ?? DEFAULT_MAX_BYTES),
    store: options.store ?? new MemoryKeyValueStore(),
    log: new CollectingLogger(logLines, options.logTag),
    settings: { ...options.settings },
    logLines,
  };
}

/**
 * The settings a plugin declares, each at its default, as the host passes them when no
 * `BATON_PLUGIN_<ID>_<KEY>` variable is set. Reads a broken definition without throwing.
 *
 * @example
 * ```ts
 * defaultSettings({ settings: { MAX_BYTES: { type: 'integer', default: 1024, description: 'cap' } } });
 * // { MAX_BYTES: 1024 }
 * ```
 */
export function defaultSettings(plugin: unknown): Record<string, SettingValue> {
  const declared = (plugin as { settings?: unknown } | null)?.settings;
  if (typeof declared !== 'object' || declared === null) return {};
  const settings: Record<string, SettingValue> = {};
  for (const [key, declaration] of Object.entries(declared)) {
    const value = (declaration as { default?: unknown } | null)?.default;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') settings[key] = value;
  }
  return settings;
}
